/** What the pipeline produces: same input → same hash (stored once), valid LODs, KTX2 and Draco on request. */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  DEFAULT_INGEST_LIMITS,
  LocalAssetStore,
  gltfIO,
  processAsset,
  sha256Hex,
  validateDecoded,
} from '../../asset-pipeline/index.js';
import sharp from 'sharp';
import { KHR_DF_TRANSFER_LINEAR, KHR_DF_TRANSFER_SRGB, read as readKtx2 } from 'ktx-parse';
import {
  pmndrsModels,
  skinnedAvatar,
  texturedScene,
  type SampleModel,
} from '../../bench/assets/sample-models.js';

let suzi: SampleModel;
let avatar: SampleModel;

beforeAll(async () => {
  suzi = (await pmndrsModels())[1]!;
  avatar = await skinnedAvatar();
});

describe('pipeline outputs', () => {
  it('is deterministic: the same upload gives the same hash, and the store keeps it once', async () => {
    const first = await processAsset(suzi.glb, { profile: 'prop', lodRatios: [] });
    const second = await processAsset(suzi.glb, { profile: 'prop', lodRatios: [] });
    expect(second.report.hash).toBe(first.report.hash);
    expect(first.report.hash).toBe(sha256Hex(first.glb));
    const directory = await mkdtemp(path.join(tmpdir(), 'mib-store-'));
    const store = new LocalAssetStore(directory);
    await store.put(first.report.hash, first.glb);
    await store.put(second.report.hash, second.glb);
    const shards = await readdir(directory);
    expect(shards).toEqual([first.report.hash.slice(0, 2)]);
    expect(await readdir(path.join(directory, shards[0]!))).toEqual([first.report.hash]);
    expect(await store.size(first.report.hash)).toBe(first.glb.length);
    await expect(store.put('../../etc/passwd', first.glb)).rejects.toThrow(/not a sha-256 hex hash/);
  });

  it('makes coarser levels of detail that still validate once decoded', async () => {
    const result = await processAsset(suzi.glb, { profile: 'prop', lodRatios: [0.5, 0.2] });
    expect(result.lods.map((lod) => lod.level)).toEqual([1, 2]);
    const [lod1, lod2] = result.report.lods;
    expect(lod1!.triangles).toBeLessThan(result.report.output.measures.triangles * 0.6);
    expect(lod2!.triangles).toBeLessThan(lod1!.triangles * 0.6);
    const io = await gltfIO();
    for (const lod of result.lods) {
      expect(sha256Hex(lod.glb)).toBe(result.report.lods.find((entry) => entry.level === lod.level)!.hash);
      const document = await io.readBinary(lod.glb);
      expect(
        document
          .getRoot()
          .listExtensionsUsed()
          .map((extension) => extension.extensionName),
      ).toContain('EXT_meshopt_compression');
      const validation = await validateDecoded(document, undefined, DEFAULT_INGEST_LIMITS.maxImagePixels);
      expect(validation?.warnings).toEqual([]);
    }
  });

  it('writes KTX2 textures (KHR_texture_basisu) when asked, at a quarter of the GPU memory', async () => {
    const webp = await processAsset(avatar.glb, { profile: 'avatar', lodRatios: [] });
    const ktx2 = await processAsset(avatar.glb, { profile: 'avatar', ktx2: true, lodRatios: [] });
    const document = await (await gltfIO()).readBinary(ktx2.glb);
    expect(
      document
        .getRoot()
        .listTextures()
        .map((texture) => texture.getMimeType()),
    ).toEqual(['image/ktx2']);
    expect(
      document
        .getRoot()
        .listExtensionsUsed()
        .map((extension) => extension.extensionName),
    ).toContain('KHR_texture_basisu');
    expect(ktx2.report.output.measures.gpuTextureBytes).toBe(
      Math.round(webp.report.output.measures.gpuTextureBytes / 4),
    );
  }, 180_000);

  it('tags KTX2 colour textures sRGB and normal, occlusion and metal-rough textures linear', async () => {
    // A normal map tagged sRGB is decoded as a colour by the player's KTX2Loader and lights the model wrongly.
    const scene = await texturedScene(64);
    const ktx2 = await processAsset(scene.glb, { profile: 'scene', ktx2: true, lodRatios: [] });
    const material = (await (await gltfIO()).readBinary(ktx2.glb)).getRoot().listMaterials()[0]!;
    const transferOf = (texture: ReturnType<typeof material.getBaseColorTexture>) =>
      readKtx2(texture!.getImage()!).dataFormatDescriptor[0]!.transferFunction;
    expect(transferOf(material.getBaseColorTexture())).toBe(KHR_DF_TRANSFER_SRGB);
    expect(transferOf(material.getNormalTexture())).toBe(KHR_DF_TRANSFER_LINEAR);
  }, 180_000);

  it('halves smooth textures while that is visually lossless, and keeps detailed ones at full size', async () => {
    const scene = await texturedScene(512);
    const io = await gltfIO();
    const document = await io.readBinary(scene.glb);
    const [smooth, detailed] = document.getRoot().listTextures();
    const side = 1024;
    const gradient = Buffer.alloc(side * side * 3);
    for (let index = 0; index < side * side; index += 1) {
      const [x, y] = [index % side, Math.floor(index / side)];
      gradient.set([(x / side) * 255, (y / side) * 255, 128], index * 3);
    }
    smooth!.setImage(
      new Uint8Array(
        await sharp(gradient, { raw: { width: side, height: side, channels: 3 } })
          .png()
          .toBuffer(),
      ),
    );
    const result = await processAsset(await io.writeBinary(document), { profile: 'scene', lodRatios: [] });
    expect(result.report.texturesSizedToDetail).toEqual([
      {
        texture: smooth!.getName(),
        fromPx: [side, side],
        toPx: [256, 256],
        sampledFraction: expect.any(Number),
      },
    ]);
    const sides = await Promise.all(
      (await io.readBinary(result.glb))
        .getRoot()
        .listTextures()
        .map(async (texture) => (await sharp(texture.getImage()!).metadata()).width),
    );
    expect(sides.slice(0, 2)).toEqual([256, 512]);
    expect(detailed!.getName()).not.toBe(smooth!.getName());
  }, 180_000);

  it('compresses geometry with Draco when asked', async () => {
    const result = await processAsset(suzi.glb, { profile: 'prop', geometry: 'draco', lodRatios: [] });
    const document = await (await gltfIO()).readBinary(result.glb);
    expect(
      document
        .getRoot()
        .listExtensionsUsed()
        .map((extension) => extension.extensionName),
    ).toContain('KHR_draco_mesh_compression');
    expect(result.report.output.measures.triangles).toBeGreaterThan(14_000);
  });
});
