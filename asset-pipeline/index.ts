/**
 * asset-pipeline: glTF ingest — validate → budget → optimize → LOD → content-addressed store; HDR environments
 * (EXR, .hdr) — decode → clean → shrink → EXR.
 * Public surface of the part; it must not import server/.
 */
export { AssetPipelineFault, AssetRejectedError, assetProblemSchema, type AssetProblem } from './errors.js';
export {
  AVATAR_RIG_BONES,
  DEFAULT_BUDGETS,
  PROFILE_NAMES,
  isProfileName,
  parseBudgetOverrides,
  type Budget,
  type ProfileName,
} from './profiles.js';
export { DEFAULT_INGEST_LIMITS, type IngestLimits } from './ingest/ingest-limits.js';
export { DEFAULT_OPTIMIZE_OPTIONS, type OptimizeOptions } from './optimize-options.js';
export { processAsset, sha256Hex, type ProcessOptions, type ProcessedAsset } from './process-asset.js';
export {
  processEnvironment,
  environmentGpuBytes,
  type EnvironmentDescription,
  type ProcessedEnvironment,
} from './environment/process-environment.js';
export type { AssetReport, LodReport } from './asset-report.js';
export type { AssetMeasures } from './measure-document.js';
export { measureDocument } from './measure-document.js';
export type { BudgetCheck } from './check-budget.js';
export { STAGES, type Progress, type ProgressListener, type Stage } from './progress.js';
export { HASH_PATTERN, type AssetStore } from './store/asset-store.js';
export { LocalAssetStore } from './store/local-asset-store.js';
export { S3AssetStore, type S3StoreOptions } from './store/s3-asset-store.js';
export { gltfIO } from './gltf-io.js';
export { sampledTexels } from './texture-coverage.js';
export { encodeTexturesToKtx2, type Ktx2Plan, type Ktx2Settings } from './ktx2-encode-pool.js';
export { validateDecoded } from './validate-decoded.js';
export { MAX_VALIDATOR_ISSUES } from './validate-gltf.js';
export { processInWorker } from './jobs/process-in-worker.js';
export {
  openChromiumRenderer,
  type AssetFiles,
  type GltfRenderer,
  type RenderCamera,
  type RenderedScene,
  type RenderedImage,
  type RendererUnavailable,
} from './render/chromium-renderer.js';
export { CHROMIUM_ARGS } from './render/chromium-args.js';
