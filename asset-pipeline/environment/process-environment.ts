/**
 * The pipeline for an `environment` upload (an HDR sky and its light): read the header → check the size →
 * decode → clean → shrink to the budget (with fit) → write EXR → measure → preview. The result is one
 * EXR file the player loads with three's EXRLoader; an EXR upload that is already smaller than what we
 * would write is kept byte for byte (DWAB and PIZ files usually are).
 */
import type { AssetReport } from '../asset-report.js';
import { budgetProblems, checkBudget, type BudgetCheck } from '../check-budget.js';
import { AssetPipelineFault, AssetRejectedError, reject } from '../errors.js';
import { DEFAULT_INGEST_LIMITS } from '../ingest/ingest-limits.js';
import type { AssetMeasures } from '../measure-document.js';
import { DEFAULT_OPTIMIZE_OPTIONS } from '../optimize-options.js';
import type { ProcessOptions } from '../process-asset.js';
import { sha256Hex } from '../process-asset.js';
import { DEFAULT_BUDGETS } from '../profiles.js';
import { percentAt, type Stage } from '../progress.js';
import { formatOf, headerSize, type HdrFormat } from './hdr-image.js';
import type { EnvironmentLight } from './resample-environment.js';

/** What an environment upload is, in its report. */
export interface EnvironmentDescription extends EnvironmentLight {
  format: HdrFormat;
  input: { width: number; height: number };
  output: { width: number; height: number };
  /** The upload's own bytes were kept (smaller than re-encoding), or the file was written anew. */
  written: 'kept' | 'encoded';
  /** NaN and infinite values that were replaced (0, or the largest half float). */
  cleanedValues: number;
  /** Negative values (set to 0 where the file was written anew). */
  negativeValues: number;
}

/** What the pipeline makes of an environment upload: one EXR file and a preview PNG. */
export interface ProcessedEnvironment {
  kind: 'environment';
  /** The EXR the player loads (content-addressed by report.hash). */
  file: Uint8Array;
  mediaType: 'image/x-exr';
  /** 256 × 128 PNG, tone-mapped as the player draws the sky. */
  thumbnail: Uint8Array;
  report: AssetReport;
}

/** Equirectangular images are twice as wide as high; this much off is still taken as one. */
const ASPECT_TOLERANCE = 0.01;
/** Widest environment decoded at all, in pixels (8K; beyond it even the decode is too costly). */
const MAX_INPUT_WIDTH = 8192;
const FIT_ROUNDS = 4;

/**
 * GPU bytes of an environment of `width`: the equirectangular texture (RGBA half floats) and the prefiltered
 * cube map three's PMREMGenerator makes from it for image-based lighting (3·s × (4·s − 32) texels, RGBA
 * half floats, s = the largest power of two ≤ width / 4).
 */
export function environmentGpuBytes(width: number, height: number): number {
  const cube = 2 ** Math.floor(Math.log2(Math.max(16, width / 4)));
  return width * height * 8 + 3 * Math.max(cube, 112) * (4 * cube - 32) * 8;
}

export async function processEnvironment(
  upload: Uint8Array,
  options: Omit<ProcessOptions, 'renderThumbnail'>,
): Promise<ProcessedEnvironment> {
  const budget = options.budget ?? DEFAULT_BUDGETS.environment;
  const fit = options.fit ?? false;
  const maxPixels = (options.limits ?? DEFAULT_INGEST_LIMITS).maxImagePixels;
  const stageMs: Record<string, number> = {};
  const timed = async <T>(stage: Stage, work: string, run: () => T | Promise<T>): Promise<T> => {
    options.onProgress?.({ stage, percent: percentAt(stage, 0) });
    const started = performance.now();
    try {
      return await run();
    } catch (error) {
      throw AssetPipelineFault.of(work, error);
    } finally {
      stageMs[stage] = Math.round(performance.now() - started);
    }
  };

  const format = formatOf(upload);
  if (!format)
    reject(
      'NOT_AN_ENVIRONMENT',
      'profile "environment" takes an HDR image: OpenEXR (.exr) or Radiance (.hdr), equirectangular (twice as wide as high); a glTF model goes under another profile (prop, scene, …)',
    );
  const size = await timed('ingest', 'read the image header', () => headerSize(upload, format));
  if (
    size.width <= 0 ||
    size.height <= 0 ||
    size.width * size.height > maxPixels ||
    size.width > MAX_INPUT_WIDTH
  )
    reject(
      'ENVIRONMENT_TOO_LARGE',
      `the image is ${size.width} × ${size.height} px; environments up to ${MAX_INPUT_WIDTH} × ${MAX_INPUT_WIDTH / 2} are read — resize it (an 8K or smaller export) and upload again`,
      { limit: 'inputWidth', allowed: MAX_INPUT_WIDTH, measured: size.width },
    );
  if (Math.abs(size.width / size.height - 2) > ASPECT_TOLERANCE * 2)
    reject(
      'NOT_EQUIRECTANGULAR',
      `the image is ${size.width} × ${size.height} px, not twice as wide as high: an environment is an equirectangular (latitude–longitude) panorama; export it in that projection (a cube map or a cropped panorama is not read)`,
    );

  // three.js is loaded here, not with this module: the server's main thread imports the pipeline too.
  const [{ decodeHdr }, { cleanValues, measureLight, resample }, { encodeExr, previewPng, PREVIEW_WIDTH }] =
    await Promise.all([
      import('./decode-hdr.js'),
      import('./resample-environment.js'),
      import('./encode-environment.js'),
    ]);
  const image = await timed('validate', 'decoded the image', () => decodeHdr(upload, format));
  const cleaned = cleanValues(image);

  let width = fit ? Math.min(image.width, budget.textureMaxPx) : image.width;
  let file: Uint8Array | undefined;
  let checks: BudgetCheck[] = [];
  let measures: AssetMeasures | undefined;
  let written: EnvironmentDescription['written'] = 'encoded';
  let light: EnvironmentLight | undefined;
  await timed('optimize', 'wrote the environment', async () => {
    for (let round = 0; round < FIT_ROUNDS; round++) {
      const height = Math.max(1, Math.round(width / 2));
      const shrunk = resample(image, width, height);
      light = measureLight(shrunk);
      file = await encodeExr(shrunk);
      written = 'encoded';
      // The upload itself, when it is an EXR of the same size with no NaN or infinity, and it is smaller.
      if (
        format === 'exr' &&
        width === image.width &&
        cleaned.replaced === 0 &&
        upload.length <= file.length
      ) {
        file = upload;
        written = 'kept';
      }
      measures = environmentMeasures(width, height);
      checks = checkBudget(measures, file.length, budget);
      if (checks.every((check) => check.ok) || !fit || width <= 64) return;
      width = Math.max(64, Math.floor(width / 2));
    }
  });
  const problems = budgetProblems(checks, 'environment');
  if (problems.length > 0) throw new AssetRejectedError(problems);

  const output = file as Uint8Array;
  const outputHeight = Math.max(1, Math.round(width / 2));
  const thumbnail = await timed('thumbnail', 'drew the preview', () =>
    previewPng(
      resample(image, Math.min(PREVIEW_WIDTH, image.width), Math.min(PREVIEW_WIDTH / 2, image.height)),
    ),
  );
  options.onProgress?.({ stage: 'store', percent: percentAt('store', 1) });
  const environment: EnvironmentDescription = {
    format,
    input: { width: image.width, height: image.height },
    output: { width, height: outputHeight },
    written,
    cleanedValues: cleaned.replaced,
    negativeValues: cleaned.negatives,
    ...(light as EnvironmentLight),
  };
  const report: AssetReport = {
    hash: sha256Hex(output),
    profile: 'environment',
    options: { ...DEFAULT_OPTIMIZE_OPTIONS, fit, lodRatios: [] },
    input: {
      bytes: upload.length,
      format,
      fromZip: false,
      measures: environmentMeasures(image.width, image.height),
    },
    output: { bytes: output.length, measures: measures as AssetMeasures, texturePx: width },
    budget: checks,
    texturesSizedToDetail: [],
    fitted: fit && width !== image.width ? { texturePx: width } : {},
    warnings:
      cleaned.replaced > 0
        ? [
            {
              code: 'ENVIRONMENT_VALUES_CLEANED',
              message: `${cleaned.replaced} pixel values were NaN or infinite and were replaced (0, or the largest half float); check the export if the sky shows black or white specks`,
            },
          ]
        : [],
    moreWarnings: 0,
    validatorVersion: 'none (an image, not glTF)',
    lods: [],
    environment,
    stageMs,
    thumbnail: { hash: sha256Hex(thumbnail) },
  };
  return { kind: 'environment', file: output, mediaType: 'image/x-exr', thumbnail, report };
}

/** An environment as the budgets see it: one texture, drawn as the sky (one draw call), no geometry. */
function environmentMeasures(width: number, height: number): AssetMeasures {
  return {
    triangles: 0,
    vertices: 0,
    drawCalls: 1,
    materials: 0,
    textures: 1,
    textureMaxPx: width,
    gpuTextureBytes: environmentGpuBytes(width, height),
    bones: 0,
    influences: 0,
    jointNames: [],
    animations: 0,
  };
}
