/** Runs the asset pipeline expecting a rejection; returns its problems (fails when the upload is accepted). */
import {
  AssetRejectedError,
  processAsset,
  processEnvironment,
  type AssetProblem,
  type ProcessOptions,
} from '../../asset-pipeline/index.js';

export async function rejectionOf(upload: Uint8Array, options: ProcessOptions): Promise<AssetProblem[]> {
  try {
    if (options.profile === 'environment') await processEnvironment(upload, options);
    else await processAsset(upload, { lodRatios: [], ...options });
  } catch (error) {
    if (error instanceof AssetRejectedError) return error.problems;
    throw error;
  }
  throw new Error('the upload was accepted; a rejection was expected');
}
