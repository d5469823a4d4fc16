/** processAsset in a worker thread, with progress, so a long optimization never stalls the caller's thread. */
import { Worker } from 'node:worker_threads';
import { AssetPipelineFault, AssetRejectedError, type AssetProblem } from '../errors.js';
import type { ProcessOptions, ProcessedAsset } from '../process-asset.js';
import type { ProgressListener } from '../progress.js';
import { builtWorkerScript } from './worker-script.js';

type WorkerMessage =
  | { type: 'progress'; progress: Parameters<ProgressListener>[0] }
  | { type: 'done'; result: ProcessedAsset }
  | {
      type: 'error';
      problems?: AssetProblem[];
      fault?: { stage: string; detail: string };
      message: string;
    };

export function processInWorker(
  upload: Uint8Array,
  options: Omit<ProcessOptions, 'onProgress' | 'renderThumbnail'>,
  onProgress?: ProgressListener,
  signal?: AbortSignal,
): Promise<ProcessedAsset> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const worker = new Worker(builtWorkerScript(import.meta.url, 'process-worker.js'), {
      workerData: { upload, options },
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
    worker.on('error', (error: Error) => settle(() => reject(error)));
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`asset-pipeline: the worker exited with code ${code} before finishing`))),
    );
  });
}

function errorOf(message: Extract<WorkerMessage, { type: 'error' }>): Error {
  if (message.fault) return new AssetPipelineFault(message.fault.stage, message.fault.detail);
  return message.problems ? new AssetRejectedError(message.problems) : new Error(message.message);
}
