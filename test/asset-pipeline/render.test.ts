/**
 * Pipeline outputs load and draw in Chromium through the player's own loaders (meshopt geometry, KTX2
 * textures via the Basis transcoder served from this origin, Draco): the renderer page in dist/client.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { openChromiumRenderer, processAsset, type GltfRenderer } from '../../asset-pipeline/index.js';
import { pmndrsModels, skinnedAvatar } from '../../bench/assets/sample-models.js';
import { ARTIFACTS_DIR, CHROMIUM_PATH } from '../helpers/browser.js';

let renderer: GltfRenderer;

beforeAll(async () => {
  const opened = await openChromiumRenderer({
    pageDir: path.resolve('dist/client'),
    chromiumPath: CHROMIUM_PATH,
  });
  if ('unavailable' in opened) throw new Error(`this test needs the renderer: ${opened.unavailable}`);
  renderer = opened;
});

afterAll(async () => {
  await renderer?.close();
});

/** Share of pixels that differ clearly from the page's background colour (#20242c). */
async function coverage(png: Uint8Array, name: string): Promise<number> {
  const dir = path.join(ARTIFACTS_DIR, 'screenshots');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `${name}.png`), png);
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let drawn = 0;
  for (let index = 0; index < data.length; index += info.channels) {
    const distance =
      Math.abs(data[index]! - 0x20) + Math.abs(data[index + 1]! - 0x24) + Math.abs(data[index + 2]! - 0x2c);
    if (distance > 30) drawn += 1;
  }
  return drawn / (info.width * info.height);
}

describe('pipeline outputs in Chromium', () => {
  it('draws a meshopt + KTX2 avatar', async () => {
    const asset = await processAsset((await skinnedAvatar()).glb, {
      profile: 'avatar',
      ktx2: true,
      lodRatios: [],
    });
    const image = await renderer.render(asset.glb, { size: 256 });
    expect(image.drawCalls).toBeGreaterThanOrEqual(1);
    expect(image.triangles).toBe(asset.report.output.measures.triangles);
    expect(await coverage(image.png, 'asset-avatar-meshopt-ktx2')).toBeGreaterThan(0.05);
  });

  it('draws a Draco model with its WebP texture', async () => {
    const pmndrs = (await pmndrsModels())[2]!;
    const asset = await processAsset(pmndrs.glb, { profile: 'hero', geometry: 'draco', lodRatios: [] });
    const image = await renderer.render(asset.glb, { size: 256 });
    expect(image.triangles).toBe(asset.report.output.measures.triangles);
    expect(await coverage(image.png, 'asset-pmndrs-draco-webp')).toBeGreaterThan(0.05);
  });

  it('refuses, with the page error, a file that is not a model', async () => {
    await expect(renderer.render(new TextEncoder().encode('not a model'), { size: 64 })).rejects.toThrow(
      /rendering failed/,
    );
  });
});
