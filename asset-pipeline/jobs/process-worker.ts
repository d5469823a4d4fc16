/**
 * Worker-thread entry: runs processAsset (or processEnvironment) off the main thread (WASM encoders block for seconds; the main
 * thread runs world rooms at 20 Hz). Talks to process-in-worker.ts through messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AssetPipelineFault, AssetRejectedError } from '../errors.js';
import { processEnvironment } from '../environment/process-environment.js';
import { processAsset, type ProcessOptions } from '../process-asset.js';

interface Input {
  upload: Uint8Array;
  options: Omit<ProcessOptions, 'onProgress' | 'renderThumbnail'>;
}

// The Basis encoder (WASM) prints its progress with console.log whatever its debug flag says. A worker's
// console writes to the host's stdout, which carries the server's JSON log lines: keep them out of it.
console.log = () => undefined;
console.info = () => undefined;

const port = parentPort;
if (!port) throw new Error('asset-pipeline: process-worker.js must run as a worker thread');
const { upload, options } = workerData as Input;

const onProgress: ProcessOptions['onProgress'] = (progress) =>
  port.postMessage({ type: 'progress', progress });
(options.profile === 'environment'
  ? processEnvironment(upload, { ...options, onProgress })
  : processAsset(upload, { ...options, onProgress })
).then(
  (result) => {
    const files =
      'kind' in result ? [result.file, result.thumbnail] : [result.glb, ...result.lods.map((lod) => lod.glb)];
    const buffers = files.map((bytes) => bytes.buffer as ArrayBuffer);
    port.postMessage({ type: 'done', result }, [...new Set(buffers)]);
  },
  (error: unknown) => {
    port.postMessage({
      type: 'error',
      problems: error instanceof AssetRejectedError ? error.problems : undefined,
      ...(error instanceof AssetPipelineFault ? { fault: { stage: error.stage, detail: error.detail } } : {}),
      message: error instanceof Error ? error.message : String(error),
    });
  },
);
