/**
 * The `environment` profile: an HDR sky and its light, from OpenEXR or Radiance .hdr. Real photographed
 * HDRIs (@pmndrs/assets' DWAB EXRs) are kept byte for byte when nothing about them must change; a large
 * .hdr is shrunk to the budget with fit and written as an EXR three.js reads back to the same light; broken,
 * foreign and malicious files are refused with the fix, never with an exception's text.
 */
import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { DataTexture, FloatType, HalfFloatType, RGBAFormat } from 'three';
import { EXRExporter, NO_COMPRESSION } from 'three/examples/jsm/exporters/EXRExporter.js';
import { EXRLoader } from 'three/examples/jsm/loaders/EXRLoader.js';
import { processEnvironment } from '../../asset-pipeline/index.js';
import {
  BUILT_IN_ENVIRONMENTS,
  builtInEnvironment,
  generatedSky,
  radianceHdr,
  SUN_AT,
} from '../../bench/assets/hdr-environments.js';
import { instancedScene } from '../../bench/assets/sample-models.js';
import { cleanValues } from '../../asset-pipeline/environment/resample-environment.js';
import { rejectionOf } from '../helpers/asset-rejections.js';

/** What three.js's EXRLoader (the player's) reads from `file`: size and RGBA floats, bottom row first. */
function readExr(file: Uint8Array) {
  const loader = new EXRLoader().setDataType(HalfFloatType);
  const parsed = loader.parse(
    file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer,
  );
  const half = parsed.data as Uint16Array;
  const floats = Float32Array.from(half, (bits) => halfToFloat(bits));
  return { width: parsed.width!, height: parsed.height!, floats };
}

function halfToFloat(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

describe('environment uploads', () => {
  it.each(BUILT_IN_ENVIRONMENTS)(
    'keeps a photographed HDRI (%s, DWAB EXR) as it came, and weighs its light',
    async (name) => {
      const upload = await builtInEnvironment(name);
      const { file, thumbnail, report } = await processEnvironment(upload, { profile: 'environment' });
      expect(report.environment).toMatchObject({
        format: 'exr',
        input: { width: 512, height: 256 },
        output: { width: 512, height: 256 },
        written: 'kept',
        cleanedValues: 0,
      });
      expect(file).toEqual(upload);
      expect(report.output.bytes).toBeLessThanOrEqual(report.input.bytes);
      expect(report.environment!.peakLuminance).toBeGreaterThan(report.environment!.meanLuminance);
      expect(report.budget.every((check) => check.ok)).toBe(true);
      expect(report.output.measures.gpuTextureBytes).toBe(512 * 256 * 8 + 3 * 128 * (4 * 128 - 32) * 8);
      const preview = await sharp(thumbnail).metadata();
      expect([preview.format, preview.width, preview.height]).toEqual(['png', 256, 128]);
      expect(readExr(file).width).toBe(512);
    },
  );

  it('shrinks a large .hdr to the budget with fit, written as an EXR the player reads back to the same light', async () => {
    const upload = radianceHdr(2560, 1280);
    const { file, report, thumbnail } = await processEnvironment(upload, {
      profile: 'environment',
      fit: true,
    });
    expect(report.environment).toMatchObject({
      format: 'hdr',
      input: { width: 2560, height: 1280 },
      output: { width: 2048, height: 1024 },
      written: 'encoded',
    });
    expect(report.fitted).toEqual({ texturePx: 2048 });
    expect(report.input.format).toBe('hdr');
    const read = readExr(file);
    expect([read.width, read.height]).toEqual([2048, 1024]);
    // Rows come bottom-up from three's reader: the sky's top row is the last one; its blue is brighter.
    const pixel = (u: number, v: number) => {
      const x = Math.floor(u * read.width);
      const y = read.height - 1 - Math.floor(v * read.height);
      return Array.from(read.floats.subarray((y * read.width + x) * 4, (y * read.width + x) * 4 + 3));
    };
    for (const [u, v] of [
      [0.1, 0.05],
      [0.8, 0.4],
      [0.3, 0.8],
    ] as const) {
      const expected = generatedSky(u, v);
      pixel(u, v).forEach((value, c) =>
        expect(Math.abs(value - expected[c]!) / expected[c]!).toBeLessThan(0.02),
      );
    }
    // The sun is found where it was drawn: 30° above the horizon, straight along +x.
    const [x, y, z] = report.environment!.brightestDirection;
    expect(y).toBeCloseTo(Math.sin(Math.PI * (0.5 - SUN_AT.v)), 2);
    expect(x).toBeGreaterThan(0.8);
    expect(Math.abs(z)).toBeLessThan(0.05);
    expect(report.environment!.peakLuminance).toBeGreaterThan(100);
    expect((await sharp(thumbnail).metadata()).width).toBe(256);
  });

  it('refuses a large .hdr without fit, naming the budget and the fix', async () => {
    const problems = await rejectionOf(radianceHdr(2560, 1280), { profile: 'environment' });
    expect(problems).toContainEqual(
      expect.objectContaining({
        code: 'OVER_BUDGET',
        limit: 'textureMaxPx',
        allowed: 2048,
        measured: 2560,
        message: expect.stringContaining('upload with fit=true'),
      }),
    );
  });

  it('replaces NaN and infinite values and says so, and takes negative light as none', async () => {
    const { report } = await processEnvironment(await poisonedExr(64, 32), { profile: 'environment' });
    expect(report.environment).toMatchObject({ cleanedValues: 1, negativeValues: 1 });
    expect(report.environment!.written).toBe('encoded');
    expect(report.warnings[0]).toMatchObject({ code: 'ENVIRONMENT_VALUES_CLEANED' });
    expect(Number.isFinite(report.environment!.meanLuminance)).toBe(true);
    // Infinity cannot be written through three's exporter (it clamps): the cleaning itself, on half floats.
    const pixel = {
      format: 'exr' as const,
      width: 1,
      height: 1,
      half: Uint16Array.of(0x7e00, 0x7c00, 0xbc00, 0x3c00),
    };
    expect(cleanValues(pixel)).toEqual({ replaced: 2, negatives: 1 });
    expect(Array.from(pixel.half)).toEqual([0, 0x7bff, 0, 0x3c00]);
  });

  it.each([
    [
      'a panorama that is not 2:1',
      () => radianceHdr(300, 200),
      'NOT_EQUIRECTANGULAR',
      /twice as wide as high/,
    ],
    [
      'a header claiming 100000 × 50000 pixels',
      () => new TextEncoder().encode('#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 50000 +X 100000\n\0\0\0\0'),
      'ENVIRONMENT_TOO_LARGE',
      /8192 × 4096/,
    ],
    [
      'a .hdr cut short',
      () => radianceHdr(128, 64).subarray(0, 5_000),
      'HDR_UNREADABLE',
      /damaged or cut short/,
    ],
    [
      'an EXR cut short',
      async () => (await builtInEnvironment('park')).subarray(0, 20_000),
      'EXR_UNREADABLE',
      /could not be decoded/,
    ],
    [
      'a .hdr with no resolution line',
      () => new TextEncoder().encode('#?RADIANCE\n\nnonsense\n'),
      'HDR_BAD_HEADER',
      /resolution line/,
    ],
    [
      'a glTF model',
      async () => (await instancedScene()).glb,
      'NOT_AN_ENVIRONMENT',
      /OpenEXR \(\.exr\) or Radiance \(\.hdr\)/,
    ],
  ])('refuses %s with the fix', async (_, make, code, words) => {
    const problems = await rejectionOf(await make(), { profile: 'environment' });
    expect(problems).toEqual([expect.objectContaining({ code, message: expect.stringMatching(words) })]);
    expect(problems[0]!.message).not.toMatch(/THREE\.|TypeError|RangeError|undefined/);
  });

  it('tells a creator who uploads an HDR image as a model to use profile environment', async () => {
    const problems = await rejectionOf(await builtInEnvironment('park'), { profile: 'prop' });
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'ENVIRONMENT_NOT_A_MODEL',
        message: expect.stringContaining('profile=environment'),
      }),
    ]);
  });
});

/** The generated sky as an EXR (three's exporter) whose first pixel's red is NaN and green −1 (three's exporter cannot write infinity: it clamps). */
async function poisonedExr(width: number, height: number): Promise<Uint8Array> {
  const floats = new Float32Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      floats.set([...generatedSky((x + 0.5) / width, (y + 0.5) / height), 1], (y * width + x) * 4);
    }
  floats.set([NaN, -1, 1], 0);
  const texture = new DataTexture(floats, width, height, RGBAFormat, FloatType);
  return new EXRExporter().parse(texture, { type: HalfFloatType, compression: NO_COMPRESSION });
}
