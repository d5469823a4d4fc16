/**
 * Streams a request body to a file, counting bytes as they arrive: an upload over the cap is refused
 * (413) as soon as it crosses it — by its Content-Length before reading anything, or mid-stream — and
 * the partial file is removed. Nothing is buffered in memory.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Request, Response } from 'express';
import { Problem } from '../control-plane/index.js';

/** After refusing an upload mid-stream, how long the client gets to read the answer before we hang up, ms. */
const HANG_UP_AFTER_MS = 1_000;

function tooLarge(maxBytes: number): Problem {
  const mb = (maxBytes / (1024 * 1024)).toFixed(1);
  return new Problem(
    413,
    'payload-too-large',
    `the upload is over the ${mb} MB limit (ASSET_UPLOAD_MAX_BYTES = ${maxBytes}); reduce the model or ask the operator to raise the limit`,
  );
}

/** Ends the connection shortly after the (error) response is sent, so the rest of a huge body is not read. */
function hangUpAfterAnswer(req: Request, res: Response): void {
  res.setHeader('Connection', 'close');
  res.on('finish', () => setTimeout(() => req.socket.destroy(), HANG_UP_AFTER_MS).unref());
  req.resume();
}

export async function receiveUpload(
  req: Request,
  res: Response,
  file: string,
  maxBytes: number,
): Promise<number> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    hangUpAfterAnswer(req, res);
    throw tooLarge(maxBytes);
  }
  const out = createWriteStream(file, { flags: 'wx' });
  let bytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        req.unpipe(out);
        out.destroy();
        reject(error);
      };
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes) fail(tooLarge(maxBytes));
      });
      req.on('aborted', () =>
        fail(Problem.badRequest('the upload was interrupted before it finished; upload again')),
      );
      req.on('error', fail);
      out.on('error', fail);
      out.on('finish', () => resolve());
      req.pipe(out);
    });
  } catch (error) {
    await rm(file, { force: true });
    if (error instanceof Problem && error.getStatus() === 413) hangUpAfterAnswer(req, res);
    throw error;
  }
  if (bytes === 0) {
    await rm(file, { force: true });
    throw Problem.badRequest(
      'the upload is empty (0 bytes); send the .glb, .gltf or .zip file as the request body',
    );
  }
  return bytes;
}
