/** processAsset in a worker thread, with progress, so a long optimization never stalls the caller's thread. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AssetRejectedError, type AssetProblem } from '../errors.js';
import type { ProcessOptions, ProcessedAsset } from '../process-asset.js';
import type { ProgressListener } from '../progress.js';

type WorkerMessage =
  | { type: 'progress'; progress: Parameters<ProgressListener>[0] }
  | { type: 'done'; result: ProcessedAsset }
  | { type: 'error'; problems?: AssetProblem[]; message: string };

/**
 * The compiled worker script. Beside this file when running from dist/; when this module runs from
 * TypeScript sources (tests), the build's copy under dist/ (tests run after `npm run build`).
 */
function workerScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const sibling = path.join(here, 'process-worker.js');
  if (existsSync(sibling)) return sibling;
  const built = here.replace(
    `${path.sep}asset-pipeline${path.sep}`,
    `${path.sep}dist${path.sep}asset-pipeline${path.sep}`,
  );
  const fromDist = path.join(built, 'process-worker.js');
  if (existsSync(fromDist)) return fromDist;
  throw new Error(
    `asset-pipeline: the worker script is not built (looked for ${sibling} and ${fromDist}); run \`npm run build\``,
  );
}

export function processInWorker(
  upload: Uint8Array,
  options: Omit<ProcessOptions, 'onProgress' | 'renderThumbnail'>,
  onProgress?: ProgressListener,
  signal?: AbortSignal,
): Promise<ProcessedAsset> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const worker = new Worker(workerScript(), { workerData: { upload, options } });
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
      else
        settle(() =>
          reject(message.problems ? new AssetRejectedError(message.problems) : new Error(message.message)),
        );
    });
    worker.on('error', (error: Error) => settle(() => reject(error)));
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`asset-pipeline: the worker exited with code ${code} before finishing`))),
    );
  });
}
