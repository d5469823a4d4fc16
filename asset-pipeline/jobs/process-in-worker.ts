/**
 * processAsset (processEnvironment for profile `environment`) in a worker thread, with progress, so a long
 * optimization never stalls the caller's thread.
 */
import { Worker } from 'node:worker_threads';
import { AssetPipelineFault, AssetRejectedError, type AssetProblem } from '../errors.js';
import type { ProcessedEnvironment } from '../environment/process-environment.js';
import type { ProcessOptions, ProcessedAsset } from '../process-asset.js';
import type { ProfileName } from '../profiles.js';
import type { ProgressListener } from '../progress.js';
import { builtWorkerScript } from './worker-script.js';

type WorkerMessage =
  | { type: 'progress'; progress: Parameters<ProgressListener>[0] }
  | { type: 'done'; result: ProcessedAsset | ProcessedEnvironment }
  | {
      type: 'error';
      problems?: AssetProblem[];
      fault?: { stage: string; detail: string };
      message: string;
    };

type WorkerOptions = Omit<ProcessOptions, 'onProgress' | 'renderThumbnail'>;

export function processInWorker(
  upload: Uint8Array,
  options: WorkerOptions & { profile: Exclude<ProfileName, 'environment'> },
  onProgress?: ProgressListener,
  signal?: AbortSignal,
): Promise<ProcessedAsset>;
export function processInWorker(
  upload: Uint8Array,
  options: WorkerOptions,
  onProgress?: ProgressListener,
  signal?: AbortSignal,
): Promise<ProcessedAsset | ProcessedEnvironment>;
export function processInWorker(
  upload: Uint8Array,
  options: WorkerOptions,
  onProgress?: ProgressListener,
  signal?: AbortSignal,
): Promise<ProcessedAsset | ProcessedEnvironment> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const worker = new Worker(builtWorkerScript(import.meta.url, 'process-worker.js'), {
      workerData: { upload, options },
      // A bounded heap: an upload built to exhaust memory (a million-node glTF parsed by the validator)
      // ends this worker, not the server. Buffers and images live outside this heap and have caps of
      // their own (ingest limits, pixel limits).
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_LIMIT_MB },
    });
    let settled = false;
    signal?.addEventListener('abort', () => settle(() => reject(signal.reason as Error)), { once: true });
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      action();
      void worker.terminate();
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'done') settle(() => resolve(message.result));
      else settle(() => reject(errorOf(message)));
    });
    worker.on('error', (error: Error & { code?: string }) =>
      settle(() => reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? tooMuchMemory() : error)),
    );
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`asset-pipeline: the worker exited with code ${code} before finishing`))),
    );
  });
}

/**
 * Most heap one job's worker may use, in MB. The largest real models measured (bench:assets) use a
 * fraction of it; an upload that needs more is refused.
 */
export const WORKER_HEAP_LIMIT_MB = 384;

function tooMuchMemory(): AssetRejectedError {
  return new AssetRejectedError([
    {
      code: 'TOO_MUCH_MEMORY',
      message: `processing this upload needed more than the ${WORKER_HEAP_LIMIT_MB} MB a model may use (its glTF JSON is likely huge: millions of nodes, accessors or other objects); merge meshes and nodes, or split the model, and export again`,
      limit: 'workerHeapMb',
      allowed: WORKER_HEAP_LIMIT_MB,
    },
  ]);
}

function errorOf(message: Extract<WorkerMessage, { type: 'error' }>): Error {
  if (message.fault) return new AssetPipelineFault(message.fault.stage, message.fault.detail);
  return message.problems ? new AssetRejectedError(message.problems) : new Error(message.message);
}
