/** KTX2 encoding on worker threads: every covered texture encoded, and a texture that cannot be is named. */
import { describe, expect, it } from '@jest/globals';
import { Document } from '@gltf-transform/core';
import { read as readKtx2 } from 'ktx-parse';
import sharp from 'sharp';
import { encodeTexturesToKtx2, type Ktx2Plan } from '../../asset-pipeline/index.js';

const ETC1S: Ktx2Plan = {
  slots: /.*/,
  settings: { isUASTC: false, generateMipmap: true, qualityLevel: 128, isSetKTX2SRGBTransferFunc: true },
};

async function png(side: number, shade: number): Promise<Uint8Array> {
  const image = sharp({
    create: { width: side, height: side, channels: 3, background: { r: shade, g: 90, b: 40 } },
  });
  return new Uint8Array(await image.png().toBuffer());
}

function documentWith(images: Record<string, Uint8Array>): Document {
  const document = new Document();
  for (const [name, image] of Object.entries(images)) {
    const texture = document.createTexture(name).setMimeType('image/png').setImage(image);
    document.createMaterial(name).setBaseColorTexture(texture);
  }
  return document;
}

describe('KTX2 encoding pool', () => {
  it('encodes every texture a plan covers, more than there are workers, and requires KHR_texture_basisu', async () => {
    const document = documentWith(
      Object.fromEntries(
        await Promise.all(
          [0, 1, 2, 3, 4].map(async (n): Promise<[string, Uint8Array]> => [
            `t${n}`,
            await png(64 + n * 4, n * 50),
          ]),
        ),
      ),
    );
    await encodeTexturesToKtx2(document, [ETC1S], 1_000_000);
    const textures = document.getRoot().listTextures();
    expect(textures.map((texture) => texture.getMimeType())).toEqual(Array(5).fill('image/ktx2'));
    // Each texture got its own file back (sizes differ), not another texture's.
    expect(textures.map((texture) => readKtx2(texture.getImage()!).pixelWidth)).toEqual([64, 68, 72, 76, 80]);
    const basisu = document
      .getRoot()
      .listExtensionsUsed()
      .find((e) => e.extensionName === 'KHR_texture_basisu');
    expect(basisu?.isRequired()).toBe(true);
  });

  it('leaves textures no plan covers as they are', async () => {
    const document = documentWith({ colour: await png(32, 10) });
    await encodeTexturesToKtx2(document, [{ ...ETC1S, slots: /^normalTexture$/ }], 1_000_000);
    expect(document.getRoot().listTextures()[0]!.getMimeType()).toBe('image/png');
    expect(document.getRoot().listExtensionsUsed()).toEqual([]);
  });

  it('fails naming the texture that cannot be decoded, or is over the pixel cap', async () => {
    const broken = documentWith({
      fine: await png(32, 10),
      broken: new Uint8Array([0x89, 0x50, 1, 2, 3]),
    });
    await expect(encodeTexturesToKtx2(broken, [ETC1S], 1_000_000)).rejects.toThrow(
      /texture "broken" could not be encoded to KTX2/,
    );
    const huge = documentWith({ huge: await png(256, 10) });
    await expect(encodeTexturesToKtx2(huge, [ETC1S], 128 * 128)).rejects.toThrow(
      /texture "huge" could not be encoded to KTX2: .*pixel limit/i,
    );
  });
});
