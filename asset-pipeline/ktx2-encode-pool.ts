/**
 * A document's textures to KTX2 (Basis Universal) on a pool of worker threads. The WASM encoder is
 * single-threaded and takes seconds per texture, so textures are encoded side by side — one worker per
 * core, at most one per texture — and never on the caller's thread. Each texture gets the settings of the
 * first plan whose slot pattern matches one of its slots (normal map, linear data, colour …).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Document, Texture } from '@gltf-transform/core';
import { KHRTextureBasisu } from '@gltf-transform/extensions';
import { listTextureSlots } from '@gltf-transform/functions';
import type { encodeToKTX2 } from 'ktx2-encoder';
import { builtWorkerScript } from './jobs/worker-script.js';

/** Encoder settings that can cross to a worker (the image decoder is the worker's own). */
export type Ktx2Settings = Omit<NonNullable<Parameters<typeof encodeToKTX2>[1]>, 'imageDecoder'>;

export interface Ktx2Plan {
  /** Texture slots (e.g. `normalTexture`) this plan is for. */
  slots: RegExp;
  settings: Ktx2Settings;
}

export interface Ktx2Request {
  image: Uint8Array;
  settings: Ktx2Settings;
  /** Images with more pixels are not decoded (the decompression-bomb guard). */
  maxImagePixels: number;
}

export type Ktx2Response = { ktx2: Uint8Array } | { error: string };

/** Formats the Basis encoder takes in. */
const ENCODABLE = new Set(['image/jpeg', 'image/png', 'image/webp']);

interface Job {
  texture: Texture;
  label: string;
  settings: Ktx2Settings;
}

function jobsOf(document: Document, plans: readonly Ktx2Plan[]): Job[] {
  const jobs: Job[] = [];
  for (const [index, texture] of document.getRoot().listTextures().entries()) {
    if (!ENCODABLE.has(texture.getMimeType()) || !texture.getImage()) continue;
    const slots = listTextureSlots(texture);
    const plan = plans.find((candidate) => slots.some((slot) => candidate.slots.test(slot)));
    if (!plan) continue;
    const label = texture.getName() || texture.getURI() || `#${index}`;
    jobs.push({ texture, label, settings: plan.settings });
  }
  return jobs;
}

function encodeOn(worker: Worker, request: Ktx2Request): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const onMessage = (response: Ktx2Response) => {
      cleanup();
      if ('ktx2' in response) resolve(response.ktx2);
      else reject(new Error(response.error));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => onError(new Error(`the encoder's worker exited (code ${code})`));
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request);
  });
}

/**
 * Encodes every JPEG/PNG/WebP texture that a plan covers to KTX2 in place, and marks the document as
 * requiring KHR_texture_basisu when any was. A texture that cannot be encoded fails the whole call, naming it.
 */
export async function encodeTexturesToKtx2(
  document: Document,
  plans: readonly Ktx2Plan[],
  maxImagePixels: number,
): Promise<void> {
  const jobs = jobsOf(document, plans);
  if (jobs.length === 0) return;
  const script = builtWorkerScript(import.meta.url, 'ktx2-encode-worker.js');
  const workers = Array.from(
    { length: Math.min(availableParallelism(), jobs.length) },
    () => new Worker(script),
  );
  const queue = [...jobs];
  try {
    await Promise.all(
      workers.map(async (worker) => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const image = job.texture.getImage()!.slice(); // only its bytes, if it views a larger buffer
          const ktx2 = await encodeOn(worker, { image, settings: job.settings, maxImagePixels }).catch(
            (error: Error) => {
              queue.length = 0; // the others stop after their current texture
              throw new Error(`texture "${job.label}" could not be encoded to KTX2: ${error.message}`);
            },
          );
          job.texture.setImage(ktx2).setMimeType('image/ktx2');
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  document.createExtension(KHRTextureBasisu).setRequired(true);
}
