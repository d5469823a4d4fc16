/**
 * The pixel work on an environment: clean values a renderer cannot use, shrink it (an area average: every
 * source pixel lands in exactly one output pixel), and weigh its light.
 */
import { DataUtils } from 'three';
import type { HdrImage } from './hdr-image.js';

/** Largest finite half float: what +Infinity becomes. */
const HALF_MAX = 0x7bff;
const HALF_TO_FLOAT = new Float32Array(65_536);
for (let bits = 0; bits < 65_536; bits++) HALF_TO_FLOAT[bits] = DataUtils.fromHalfFloat(bits);

/** What cleanValues found. */
export interface CleanedValues {
  /** NaN and infinite values, replaced (0; +Infinity: the largest half float). */
  replaced: number;
  /** Negative values, set to 0 (lossy EXR compressions such as DWAB leave small ones; they are harmless). */
  negatives: number;
}

/**
 * Replaces what would poison image-based lighting (one NaN spreads through the prefiltered map) and sets
 * negative light to 0. Alpha is not looked at (not used).
 */
export function cleanValues(image: HdrImage): CleanedValues {
  const found: CleanedValues = { replaced: 0, negatives: 0 };
  const data = image.half;
  for (let i = 0; i < data.length; i++) {
    const bits = data[i]!;
    if ((i & 3) === 3) continue;
    if ((bits & 0x7c00) === 0x7c00) {
      data[i] = (bits & 0x03ff) === 0 && (bits & 0x8000) === 0 ? HALF_MAX : 0;
      found.replaced++;
    } else if ((bits & 0x8000) !== 0 && bits !== 0x8000) {
      data[i] = 0;
      found.negatives++;
    }
  }
  return found;
}

/** Linear RGB as 32-bit floats, 3 per pixel, top row first. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Float32Array;
}

/** `image` averaged down to `width` × `height` (each no larger than the source's). */
export function resample(image: HdrImage, width: number, height: number): RgbImage {
  const rgb = new Float32Array(width * height * 3);
  const counts = new Uint32Array(width * height);
  const columns = new Uint32Array(image.width);
  for (let x = 0; x < image.width; x++) columns[x] = Math.floor((x * width) / image.width);
  for (let y = 0; y < image.height; y++) {
    const row = Math.floor((y * height) / image.height) * width;
    for (let x = 0; x < image.width; x++) {
      const from = (y * image.width + x) * 4;
      const to = row + columns[x]!;
      for (let c = 0; c < 3; c++) rgb[to * 3 + c] = rgb[to * 3 + c]! + HALF_TO_FLOAT[image.half[from + c]!]!;
      counts[to] = counts[to]! + 1;
    }
  }
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = rgb[i * 3 + c]! / n;
  }
  return { width, height, rgb };
}

export interface EnvironmentLight {
  /** Brightest pixel's luminance (cd/m² if the image is calibrated; relative otherwise). */
  peakLuminance: number;
  /** Mean luminance over the sphere (each row weighted by the solid angle it covers). */
  meanLuminance: number;
  /** Unit vector towards the brightest pixel, as three.js maps the image (y up; its centre along +x). */
  brightestDirection: [number, number, number];
}

const luminance = (rgb: Float32Array, i: number) =>
  0.2126 * rgb[i * 3]! + 0.7152 * rgb[i * 3 + 1]! + 0.0722 * rgb[i * 3 + 2]!;

/** Pixels at least this fraction of the peak's luminance make up "the brightest" (a sun several pixels wide). */
const BRIGHTEST_SHARE = 0.5;

export function measureLight(image: RgbImage): EnvironmentLight {
  let peak = 0;
  let sum = 0;
  let weights = 0;
  for (let y = 0; y < image.height; y++) {
    const weight = Math.sin((Math.PI * (y + 0.5)) / image.height);
    for (let x = 0; x < image.width; x++) {
      const l = luminance(image.rgb, y * image.width + x);
      sum += l * weight;
      weights += weight;
      peak = Math.max(peak, l);
    }
  }
  // Where the brightest light comes from: the luminance-weighted mean direction of the pixels near the peak.
  const direction: [number, number, number] = [0, 0, 0];
  for (let y = 0; y < image.height; y++)
    for (let x = 0; x < image.width; x++) {
      const l = luminance(image.rgb, y * image.width + x);
      if (l < peak * BRIGHTEST_SHARE) continue;
      const [dx, dy, dz] = directionOf((x + 0.5) / image.width, (y + 0.5) / image.height);
      direction[0] += dx * l;
      direction[1] += dy * l;
      direction[2] += dz * l;
    }
  const length = Math.hypot(direction[0], direction[1], direction[2]) || 1;
  const round = (value: number) => Number(value.toFixed(4));
  return {
    peakLuminance: round(peak),
    meanLuminance: round(sum / weights),
    brightestDirection: [
      round(direction[0] / length),
      round(direction[1] / length),
      round(direction[2] / length),
    ],
  };
}

/**
 * The direction a point of the image (u across, v down, 0–1) is seen in, as three.js maps an equirectangular
 * texture: u = atan2(z, x) / 2π + ½, and v (up) = asin(y) / π + ½.
 */
function directionOf(u: number, v: number): [number, number, number] {
  const phi = (u - 0.5) * 2 * Math.PI;
  const theta = (0.5 - v) * Math.PI;
  return [Math.cos(theta) * Math.cos(phi), Math.sin(theta), Math.cos(theta) * Math.sin(phi)];
}
