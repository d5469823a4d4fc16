/**
 * The whole pipeline for one upload: ingest → validate → prepare → optimize (textures, compression) →
 * budget check (or fit) → LODs → thumbnail. Pure of storage: returns the bytes and the report; the
 * caller stores them (content-addressed) so nothing partial is ever visible.
 */
import { createHash } from 'node:crypto';
import { cloneDocument } from '@gltf-transform/functions';
import type { Document } from '@gltf-transform/core';
import type { AssetReport, LodReport } from './asset-report.js';
import { budgetProblems, checkBudget, type BudgetCheck } from './check-budget.js';
import { AssetPipelineFault, AssetRejectedError, reject } from './errors.js';
import { formatOf } from './environment/hdr-image.js';
import { gltfIO } from './gltf-io.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './ingest/ingest-limits.js';
import { ingestUpload } from './ingest/read-upload.js';
import { isZip } from './ingest/zip-entries.js';
import { measureDocument, type AssetMeasures } from './measure-document.js';
import { normalizeDocument } from './normalize-document.js';
import { finishLevel, prepareGeometry, simplifyForLod } from './optimize-document.js';
import { sizeTexturesToDetail, type DetailResize } from './texture-detail.js';
import { DEFAULT_OPTIMIZE_OPTIONS, textureCapPx, type OptimizeOptions } from './optimize-options.js';
import { percentAt, type ProgressListener, type Stage } from './progress.js';
import { readDocument } from './read-document.js';
import { DEFAULT_BUDGETS, type Budget, type ProfileName } from './profiles.js';
import { validateDecoded } from './validate-decoded.js';
import { validateGltf } from './validate-gltf.js';
import { describeAvatar, type AvatarDescription } from './vrm/describe-avatar.js';

export interface ProcessOptions extends Partial<OptimizeOptions> {
  profile: ProfileName;
  /** Budget of the profile; defaults to DEFAULT_BUDGETS[profile] (operators pass their overrides). */
  budget?: Budget;
  limits?: IngestLimits;
  /** Files beside a .gltf upload, by their path relative to it (see ingestUpload). */
  neighbours?: ReadonlyMap<string, Uint8Array>;
  onProgress?: ProgressListener;
  /** Renders a 256² PNG of a GLB; absent → the report says why thumbnails were skipped. */
  renderThumbnail?: (glb: Uint8Array) => Promise<Uint8Array>;
  /** Why there is no renderThumbnail (shown in the report). */
  thumbnailSkippedReason?: string;
}

export interface ProcessedAsset {
  glb: Uint8Array;
  lods: { level: number; glb: Uint8Array }[];
  thumbnail: Uint8Array | undefined;
  report: AssetReport;
}

/** What each stage does, as the end of "the asset pipeline failed while it …". */
const STAGE_WORK: Record<Stage, string> = {
  ingest: 'read the upload',
  validate: 'validated the model',
  prepare: 'prepared the model (reading and checking its textures)',
  optimize: 'optimized the model (geometry and textures)',
  lods: 'built levels of detail',
  thumbnail: 'rendered the thumbnail',
  store: 'stored the results',
};

/** A level of detail is kept only when it has at most this fraction of the previous level's triangles. */
const MIN_LOD_REDUCTION = 0.8;

/** Fit attempts: each shrinks what was still over budget. */
const MAX_FIT_ROUNDS = 4;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function processAsset(upload: Uint8Array, options: ProcessOptions): Promise<ProcessedAsset> {
  const settings: OptimizeOptions = { ...DEFAULT_OPTIMIZE_OPTIONS, ...definedOnly(options) };
  const budget = options.budget ?? DEFAULT_BUDGETS[options.profile];
  const limits = options.limits ?? DEFAULT_INGEST_LIMITS;
  const stageMs: Record<string, number> = {};
  const report = (stage: Stage, fraction: number) =>
    options.onProgress?.({ stage, percent: percentAt(stage, fraction) });
  // A stage that throws anything but a refusal has hit a fault of ours: users get the stage, not the raw text.
  const timed = async <T>(stage: Stage, run: () => Promise<T>): Promise<T> => {
    report(stage, 0);
    const started = performance.now();
    const result = await run().catch((error: unknown) => {
      throw AssetPipelineFault.of(STAGE_WORK[stage], error);
    });
    stageMs[stage] = Math.round(performance.now() - started);
    report(stage, 1);
    return result;
  };

  if (options.profile === 'environment')
    reject(
      'NOT_AN_ENVIRONMENT',
      'profile "environment" takes an HDR image (.exr or .hdr), processed by processEnvironment; a glTF model goes under another profile (prop, scene, …)',
    );
  const hdr = formatOf(upload);
  if (hdr)
    reject(
      'ENVIRONMENT_NOT_A_MODEL',
      `the upload is an HDR image (${hdr === 'exr' ? 'OpenEXR' : 'Radiance .hdr'}), not a glTF model: upload it with profile=environment to use it as a sky and its light`,
    );
  const ingested = await timed('ingest', () => ingestUpload(upload, limits, options.neighbours));
  const validation = await timed('validate', () => validateGltf(ingested, limits.maxImagePixels));
  const io = await gltfIO();
  let sizedToDetail: DetailResize[] = [];
  let avatar: AvatarDescription | undefined;
  const source = await timed('prepare', async () => {
    const document = await readDocument(ingested);
    if (options.profile === 'avatar') avatar = describeAvatar(document, extensionsUsedOf(ingested.json));
    normalizeDocument(document);
    await validateDecoded(document, ingested, limits.maxImagePixels);
    sizedToDetail = await sizeTexturesToDetail(document, limits.maxImagePixels);
    return document;
  });
  const inputMeasures = measureDocument(source);

  // A VRM's nodes and meshes stay as they are (its extensions name them); it is not simplified to fit.
  const keepStructure = avatar?.format === 'vrm';
  // Optimize LOD0; with fit, shrink what is over budget and try again.
  let vertexRatio: number | undefined;
  let texturePx = textureCapPx(budget, settings.fit, 0);
  let prepared: Document | undefined;
  let glb: Uint8Array | undefined;
  let measures: AssetMeasures | undefined;
  let checks: BudgetCheck[] = [];
  await timed('optimize', async () => {
    for (let round = 0; round < MAX_FIT_ROUNDS; round += 1) {
      prepared = cloneDocument(source);
      await prepareGeometry(prepared, {
        ...(vertexRatio === undefined || keepStructure ? {} : { targetRatio: vertexRatio }),
        keepStructure,
      });
      const level0 = cloneDocument(prepared);
      await finishLevel(level0, { ...settings, texturePx, maxImagePixels: limits.maxImagePixels });
      glb = await io.writeBinary(level0);
      measures = measureDocument(level0);
      checks = checkBudget(measures, glb.length, budget);
      if (checks.every((check) => check.ok) || !settings.fit) return;
      const over = (limit: string) => checks.find((check) => check.limit === limit && !check.ok);
      const triangles = over('triangles');
      if (triangles) vertexRatio = (vertexRatio ?? 1) * (triangles.allowed / triangles.measured) * 0.9;
      if (over('fileBytes') || over('gpuTextureBytes')) texturePx = Math.max(64, Math.floor(texturePx / 2));
      if (over('fileBytes') && !triangles) vertexRatio = (vertexRatio ?? 1) * 0.6;
      report('optimize', (round + 1) / MAX_FIT_ROUNDS);
    }
  });
  const problems = budgetProblems(checks, options.profile);
  if (problems.length > 0) throw new AssetRejectedError(problems);
  const finalGlb = glb as Uint8Array;
  const hash = sha256Hex(finalGlb);

  const lods: { level: number; glb: Uint8Array }[] = [];
  const lodReports: LodReport[] = [];
  await timed('lods', async () => {
    // Avatars are drawn skinned only near the viewer (the far crowd draws the default figure): no levels.
    const lodRatios = options.profile === 'avatar' ? [] : settings.lodRatios;
    for (const [index, ratio] of lodRatios.entries()) {
      const level = index + 1;
      const copy = cloneDocument(prepared as Document);
      await simplifyForLod(copy, ratio);
      await finishLevel(copy, {
        ...settings,
        texturePx: textureCapPx(budget, settings.fit, level),
        maxImagePixels: limits.maxImagePixels,
      });
      const triangles = measureDocument(copy).triangles;
      const previous = lodReports.at(-1)?.triangles ?? (measures as AssetMeasures).triangles;
      // A level that barely reduces (the simplifier hit its error bound) would only cost a download.
      if (triangles > previous * MIN_LOD_REDUCTION) continue;
      const bytes = await io.writeBinary(copy);
      lods.push({ level, glb: bytes });
      lodReports.push({ level, ratio, hash: sha256Hex(bytes), bytes: bytes.length, triangles });
      report('lods', level / settings.lodRatios.length);
    }
  });

  let thumbnail: Uint8Array | undefined;
  let thumbnailNote: AssetReport['thumbnail'] = {
    skipped: options.thumbnailSkippedReason ?? 'no thumbnail renderer was configured',
  };
  if (options.renderThumbnail) {
    const render = options.renderThumbnail;
    thumbnail = await timed('thumbnail', () => render(finalGlb));
    thumbnailNote = { hash: sha256Hex(thumbnail) };
  }
  report('store', 1);

  return {
    glb: finalGlb,
    lods,
    thumbnail,
    report: {
      hash,
      profile: options.profile,
      options: settings,
      input: {
        bytes: upload.length,
        format: ingested.format,
        fromZip: isZip(upload),
        measures: inputMeasures,
      },
      output: { bytes: finalGlb.length, measures: measures as AssetMeasures, texturePx },
      budget: checks,
      texturesSizedToDetail: sizedToDetail,
      fitted: {
        ...(vertexRatio === undefined ? {} : { vertexRatio: Number(vertexRatio.toFixed(4)) }),
        ...(settings.fit && texturePx !== textureCapPx(budget, true, 0) ? { texturePx } : {}),
      },
      warnings: validation.warnings,
      moreWarnings: validation.moreWarnings,
      validatorVersion: validation.validatorVersion,
      lods: lodReports,
      ...(avatar && { avatar }),
      stageMs,
      thumbnail: thumbnailNote,
    },
  };
}

function extensionsUsedOf(json: Record<string, unknown>): string[] {
  const used = json.extensionsUsed;
  return Array.isArray(used) ? used.filter((name): name is string => typeof name === 'string') : [];
}

function definedOnly(options: Partial<OptimizeOptions>): Partial<OptimizeOptions> {
  const result: Partial<OptimizeOptions> = {};
  if (options.geometry !== undefined) result.geometry = options.geometry;
  if (options.ktx2 !== undefined) result.ktx2 = options.ktx2;
  if (options.fit !== undefined) result.fit = options.fit;
  if (options.lodRatios !== undefined) result.lodRatios = options.lodRatios;
  return result;
}
