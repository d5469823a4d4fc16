/**
 * Textures sized to their detail: a texture whose content is smooth (a baked ambient-occlusion map, a
 * gradient, a flat colour) looks the same at half its size, and costs four times less to download and to
 * hold on the GPU. Each texture is halved while the round trip — down with Lanczos, back up bilinearly as
 * the GPU magnifies — stays visually lossless by both measures below; detailed textures keep their size.
 * Only the texels the model can sample are compared (`texture-coverage.ts`): the sharp borders of an atlas's
 * unused gutters blur when halved, but nothing on screen ever shows them.
 */
import type { Document } from '@gltf-transform/core';
import sharp from 'sharp';
import { sampledTexels } from './texture-coverage.js';

/** Textures are never made smaller than this side, in pixels. */
export const MIN_DETAIL_SIDE_PX = 256;
/** Largest root-mean-square error of the round trip, in 8-bit levels (≈ 45 dB PSNR). */
const MAX_RMS_LEVELS = 1.4;
/** At most this fraction of samples may be off by more than `OUTLIER_LEVELS` (keeps sharp edges sharp). */
const MAX_OUTLIER_FRACTION = 0.001;
const OUTLIER_LEVELS = 8;

const RESIZABLE = new Set(['image/png', 'image/jpeg', 'image/webp']);

export interface DetailResize {
  texture: string;
  fromPx: [number, number];
  toPx: [number, number];
  /** The fraction of its texels that the model samples, which is what was compared (1 = all of them). */
  sampledFraction: number;
}

interface Raster {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/**
 * Whether `candidate` (the round trip) is visually the same as `original` (same size and channels) in the
 * texels `sampled` marks (all of them when it is undefined).
 */
function visuallyLossless(
  original: Buffer,
  candidate: Buffer,
  channels: number,
  sampled: Uint8Array | undefined,
): boolean {
  let squares = 0;
  let outliers = 0;
  let samples = 0;
  for (let index = 0; index < original.length; index += 1) {
    if (sampled && sampled[Math.floor(index / channels)] === 0) continue;
    const difference = original[index]! - candidate[index]!;
    squares += difference * difference;
    samples += 1;
    if (difference > OUTLIER_LEVELS || difference < -OUTLIER_LEVELS) outliers += 1;
  }
  return (
    samples === 0 ||
    (Math.sqrt(squares / samples) <= MAX_RMS_LEVELS && outliers <= samples * MAX_OUTLIER_FRACTION)
  );
}

function countMarked(mask: Uint8Array): number {
  let marked = 0;
  for (const texel of mask) marked += texel;
  return marked;
}

async function roundTrip(raster: Raster, width: number, height: number): Promise<Buffer> {
  const { channels } = raster;
  const smaller = await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels } })
    .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer();
  return sharp(smaller, { raw: { width, height, channels } })
    .resize(raster.width, raster.height, { kernel: 'linear', fit: 'fill' })
    .raw()
    .toBuffer();
}

/** The smallest halving of the texture that is visually lossless, or undefined when none is. */
async function detailSize(
  raster: Raster,
  sampled: Uint8Array | undefined,
): Promise<[number, number] | undefined> {
  let accepted: [number, number] | undefined;
  let [width, height] = [raster.width, raster.height];
  while (Math.min(width, height) / 2 >= MIN_DETAIL_SIDE_PX) {
    [width, height] = [Math.round(width / 2), Math.round(height / 2)];
    const candidate = await roundTrip(raster, width, height);
    if (!visuallyLossless(raster.data, candidate, raster.channels, sampled)) break;
    accepted = [width, height];
  }
  return accepted;
}

/**
 * Halves each PNG/JPEG/WebP texture while that is visually lossless, re-encoding resized ones as PNG (lossless;
 * the texture stage encodes them for delivery). `maxImagePixels` is the decompression-bomb guard.
 */
export async function sizeTexturesToDetail(
  document: Document,
  maxImagePixels: number,
): Promise<DetailResize[]> {
  const resized: DetailResize[] = [];
  for (const [index, texture] of document.getRoot().listTextures().entries()) {
    const image = texture.getImage();
    if (!image || !RESIZABLE.has(texture.getMimeType())) continue;
    const { data, info } = await sharp(image, { limitInputPixels: maxImagePixels })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raster = { data, width: info.width, height: info.height, channels: info.channels };
    const sampled = sampledTexels(document, texture, info.width, info.height);
    const size = await detailSize(raster, sampled);
    if (!size) continue;
    const png = await sharp(data, {
      raw: { width: info.width, height: info.height, channels: info.channels },
    })
      .resize(size[0], size[1], { kernel: 'lanczos3', fit: 'fill' })
      .png()
      .toBuffer();
    texture.setImage(new Uint8Array(png)).setMimeType('image/png');
    resized.push({
      texture: texture.getName() || texture.getURI() || `#${index}`,
      fromPx: [info.width, info.height],
      toPx: size,
      sampledFraction: sampled ? Number((countMarked(sampled) / sampled.length).toFixed(3)) : 1,
    });
  }
  return resized;
}
