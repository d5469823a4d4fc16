/**
 * Worker-thread entry of the KTX2 encoding pool (`ktx2-encode-pool.ts`): encodes one texture per message
 * with the Basis Universal encoder (WASM, single-threaded, seconds per texture) and answers with the file.
 */
import { parentPort } from 'node:worker_threads';
import { encodeToKTX2 } from 'ktx2-encoder';
import sharp from 'sharp';
import type { Ktx2Request, Ktx2Response } from './ktx2-encode-pool.js';

// The Basis encoder prints its progress with console.log whatever its debug flag says; a worker's console
// writes to the host's stdout, which carries the server's JSON log lines.
console.log = () => undefined;
console.info = () => undefined;

const port = parentPort;
if (!port) throw new Error('asset-pipeline: ktx2-encode-worker.js must run as a worker thread');

port.on('message', ({ image, settings, maxImagePixels }: Ktx2Request) => {
  const imageDecoder = async (buffer: Uint8Array) => {
    const { data, info } = await sharp(buffer, { limitInputPixels: maxImagePixels })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data), width: info.width, height: info.height };
  };
  encodeToKTX2(image, { ...settings, imageDecoder }).then(
    (ktx2) => port.postMessage({ ktx2 } satisfies Ktx2Response, [ktx2.buffer as ArrayBuffer]),
    (error: unknown) =>
      port.postMessage({
        error: error instanceof Error ? error.message : String(error),
      } satisfies Ktx2Response),
  );
});
