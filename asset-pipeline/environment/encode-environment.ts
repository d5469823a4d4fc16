/**
 * Writes an environment for the player: OpenEXR, half floats, ZIP-compressed (what three.js's EXR exporter
 * writes and its loader reads), and a small picture of it for pickers.
 *
 * Half floats carry 10 bits of mantissa; each value is rounded to 8 (a step of 0.4 %, as fine as a Radiance
 * .hdr file stores, below what an 8-bit display shows after tone mapping) because ZIP then finds far more
 * repeats: 15–20 % smaller files, measured on the built-in environments.
 */
import { DataTexture, DataUtils, HalfFloatType, RGBAFormat } from 'three';
import { EXRExporter, ZIP_COMPRESSION } from 'three/examples/jsm/exporters/EXRExporter.js';
import sharp from 'sharp';
import type { RgbImage } from './resample-environment.js';

/** Mantissa bits dropped from each half float (10 → 8). */
const DROPPED_BITS = 2;
const HALF_ONE = 0x3c00;
/** Largest finite half float (three warns about, and clamps, anything above). */
const HALF_MAX_VALUE = 65_504;

export async function encodeExr(image: RgbImage): Promise<Uint8Array> {
  const { width, height, rgb } = image;
  const half = new Uint16Array(width * height * 4);
  const keep = 0xffff ^ ((1 << DROPPED_BITS) - 1);
  for (let y = 0; y < height; y++) {
    // The exporter takes rows bottom-up (a texture's order) and writes them top-down.
    const row = (height - 1 - y) * width;
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3;
      const to = (row + x) * 4;
      for (let c = 0; c < 3; c++) {
        const bits = DataUtils.toHalfFloat(Math.min(HALF_MAX_VALUE, rgb[from + c]!));
        const rounded = (bits + (1 << (DROPPED_BITS - 1))) & keep;
        // Rounding up the largest values would carry into the exponent's all-ones (infinity): truncate those.
        half[to + c] = (rounded & 0x7c00) === 0x7c00 ? bits & keep : rounded;
      }
      half[to + 3] = HALF_ONE;
    }
  }
  const texture = new DataTexture(half, width, height, RGBAFormat, HalfFloatType);
  return new EXRExporter().parse(texture, { type: HalfFloatType, compression: ZIP_COMPRESSION });
}

/** Side of the preview picture, in pixels: 256 × 128. */
export const PREVIEW_WIDTH = 256;

/**
 * A PNG of the environment as the player draws its sky: ACES filmic tone mapping at exposure 1 (react-three-fiber's default, which the player keeps)
 * and the sRGB curve.
 */
export async function previewPng(image: RgbImage): Promise<Uint8Array> {
  const pixels = Buffer.alloc(image.width * image.height * 3);
  for (let i = 0; i < image.width * image.height * 3; i++) pixels[i] = toSrgb8(aces(image.rgb[i]!));
  const png = await sharp(pixels, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return Uint8Array.from(png); // its own buffer (sharp may hand back a slice of a shared one), so it can be transferred
}

/** Narkowicz's fit of the ACES filmic curve (three's ACESFilmicToneMapping is the same curve, fitted finer). */
function aces(value: number): number {
  const x = Math.max(0, value) * 0.6;
  return Math.min(1, (x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14));
}

function toSrgb8(linear: number): number {
  const v = linear <= 0.0031308 ? linear * 12.92 : 1.055 * linear ** (1 / 2.4) - 0.055;
  return Math.round(Math.max(0, Math.min(1, v)) * 255);
}
