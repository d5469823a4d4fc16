/**
 * Textures are sized to the detail the model can show: only texels its triangles sample count, and where
 * that cannot be known (UV transforms, tiling coordinates) every texel does.
 */
import { describe, expect, it } from '@jest/globals';
import { Document, type Texture } from '@gltf-transform/core';
import { KHRTextureTransform } from '@gltf-transform/extensions';
import sharp from 'sharp';
import { gltfIO, processAsset, sampledTexels } from '../../asset-pipeline/index.js';

const SIDE = 512;

/**
 * A SIDE² atlas: a smooth gradient on the left half and, after a 16-texel gutter (as atlases pad their
 * charts), per-texel noise that no halving keeps.
 */
async function halfDetailedPng(): Promise<Uint8Array> {
  const pixels = Buffer.alloc(SIDE * SIDE * 3);
  let seed = 7;
  for (let index = 0; index < SIDE * SIDE; index += 1) {
    const [x, y] = [index % SIDE, Math.floor(index / SIDE)];
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    const value = x < SIDE / 2 + 16 ? (x / SIDE) * 255 : seed >>> 24;
    pixels.set([value, (y / SIDE) * 255, 128], index * 3);
  }
  return new Uint8Array(
    await sharp(pixels, { raw: { width: SIDE, height: SIDE, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

/** A 1 m quad textured with `png`, its texture coordinates spanning u from `minU` to `maxU` (v from 0 to 1). */
async function quad(
  minU: number,
  maxU: number,
  png?: Uint8Array,
): Promise<{ document: Document; texture: Texture }> {
  const document = new Document();
  const buffer = document.createBuffer();
  const texture = document
    .createTexture('atlas')
    .setMimeType('image/png')
    .setImage(png ?? (await halfDetailedPng()));
  const material = document.createMaterial('quad').setBaseColorTexture(texture);
  const accessor = (type: 'VEC3' | 'VEC2' | 'SCALAR', values: number[], indices = false) =>
    document
      .createAccessor()
      .setBuffer(buffer)
      .setType(type)
      .setArray(indices ? new Uint16Array(values) : new Float32Array(values));
  const primitive = document
    .createPrimitive()
    .setMaterial(material)
    .setAttribute('POSITION', accessor('VEC3', [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0]))
    .setAttribute('NORMAL', accessor('VEC3', [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]))
    .setAttribute('TEXCOORD_0', accessor('VEC2', [minU, 1, maxU, 1, maxU, 0, minU, 0]))
    .setIndices(accessor('SCALAR', [0, 1, 2, 0, 2, 3], true));
  const node = document.createNode('quad').setMesh(document.createMesh('quad').addPrimitive(primitive));
  document.createScene().addChild(node);
  return { document, texture };
}

function fractionMarked(mask: Uint8Array): number {
  return mask.reduce((sum, texel) => sum + texel, 0) / mask.length;
}

describe('texture coverage', () => {
  it('marks the texels the triangles sample, with the bilinear footprint around them', async () => {
    const { document, texture } = await quad(0.25, 0.5);
    const mask = sampledTexels(document, texture, SIDE, SIDE)!;
    // The second quarter, plus two texel columns of footprint either side.
    expect(fractionMarked(mask)).toBeGreaterThanOrEqual(0.25);
    expect(fractionMarked(mask)).toBeLessThanOrEqual(0.25 + 4 / SIDE);
    expect(mask[10 * SIDE + 200]).toBe(1);
    expect(mask[10 * SIDE + 100]).toBe(0);
    expect(mask[10 * SIDE + 400]).toBe(0);

    // At u = 0 the footprint wraps round to the other side, as the default (repeat) sampler does.
    const edge = await quad(0, 0.25);
    const wrapped = sampledTexels(edge.document, edge.texture, SIDE, SIDE)!;
    expect(wrapped[10 * SIDE + SIDE - 1]).toBe(1);
  });

  it('counts every texel where the sampled texels cannot be known', async () => {
    const tiling = await quad(0, 2);
    expect(sampledTexels(tiling.document, tiling.texture, SIDE, SIDE)).toBeUndefined();

    const transformed = await quad(0.25, 0.5);
    const transform = transformed.document
      .createExtension(KHRTextureTransform)
      .createTransform()
      .setScale([2, 1]);
    transformed.document
      .getRoot()
      .listMaterials()[0]!
      .getBaseColorTextureInfo()!
      .setExtension('KHR_texture_transform', transform);
    expect(sampledTexels(transformed.document, transformed.texture, SIDE, SIDE)).toBeUndefined();

    const unused = await quad(0.25, 0.5);
    unused.document.getRoot().listMeshes()[0]!.listPrimitives()[0]!.setMaterial(null);
    expect(sampledTexels(unused.document, unused.texture, SIDE, SIDE)).toBeUndefined();
  });

  it('halves an atlas whose detail lies only where nothing samples it, and keeps one that shows it', async () => {
    const io = await gltfIO();
    const halfUsed = await quad(0.25, 0.5);
    const halved = await processAsset(await io.writeBinary(halfUsed.document), {
      profile: 'scene',
      lodRatios: [],
    });
    expect(halved.report.texturesSizedToDetail).toEqual([
      expect.objectContaining({ fromPx: [SIDE, SIDE], toPx: [SIDE / 2, SIDE / 2] }),
    ]);
    expect(halved.report.texturesSizedToDetail[0]!.sampledFraction).toBeLessThan(0.26);

    const allUsed = await quad(0, 1);
    const kept = await processAsset(await io.writeBinary(allUsed.document), {
      profile: 'scene',
      lodRatios: [],
    });
    expect(kept.report.texturesSizedToDetail).toEqual([]);
  });
});
