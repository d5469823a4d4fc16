/** Assets over HTTP: uploads become pipeline jobs; optimized files are served by content hash. */
export { AssetsModule } from './assets.module.js';
export { AssetsService } from './assets-service.js';
export { AssetJobRunner } from './asset-job-runner.js';
export { AssetJobsRepository } from './asset-jobs-repository.js';
export { BullmqJobDispatch } from './bullmq-job-dispatch.js';
export { DatabaseJobDispatch } from './database-job-dispatch.js';
export type { AssetJobDispatch } from './asset-job-dispatch.js';
export { AssetLibrary } from './asset-library.js';
export { AvatarWardrobe, type AvatarRefusal } from './avatar-wardrobe.js';
export { WorldThumbnails, THUMBNAIL_MEDIA_TYPES, THUMBNAIL_MAX_BYTES } from './world-thumbnails.js';
export { renderAssetFiles } from './render-asset-files.js';
export { registerAssetJobMetrics } from './asset-job-metrics.js';
export {
  furnishDemoWorld,
  defaultFurnishingCache,
  seedFurnishedDemoWorld,
} from './demo-furnishing/demo-furnishing.js';
