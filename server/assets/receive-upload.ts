/**
 * Streams a request body to a file, counting bytes as they arrive: an upload over the cap is refused
 * (413) as soon as it crosses it — by its Content-Length before reading anything, or mid-stream — and
 * the partial file is removed. Nothing is buffered in memory.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Request, Response } from 'express';
import { Problem } from '../control-plane/index.js';

/**
 * Lingering close, as nginx does it: after refusing an upload, the rest of its body is read and dropped —
 * a client still sending when the answer comes (a browser mid-upload) would otherwise get a reset or a
 * broken pipe instead of reading the 413. The connection is closed once the client pauses for
 * LINGER_IDLE_MS, and after LINGER_MAX_MS at most, whatever it does.
 */
const LINGER_IDLE_MS = 5_000;
const LINGER_MAX_MS = 30_000;

function tooLarge(maxBytes: number): Problem {
  const mb = (maxBytes / (1024 * 1024)).toFixed(1);
  return new Problem(
    413,
    'payload-too-large',
    `the upload is over the ${mb} MB limit (ASSET_UPLOAD_MAX_BYTES = ${maxBytes}); reduce the model or ask the operator to raise the limit`,
  );
}

/** Closes the connection after the (error) response, lingering while the client is still sending. */
function hangUpAfterAnswer(req: Request, res: Response): void {
  res.setHeader('Connection', 'close');
  req.resume(); // read and drop whatever else comes
  const socket = req.socket;
  // Node's HTTP server destroys a `Connection: close` socket as soon as the answer is written
  // (socket.destroySoon): the client's next bytes then meet a closed socket, the kernel resets the
  // connection, and a reset can discard the answer before the client reads it (it saw no status at all).
  // Only half-close here — the answer, then FIN — and keep reading until the client pauses or stops.
  socket.destroySoon = () => void socket.end();
  res.on('finish', () => {
    const hangUp = () => socket.destroy();
    const idle = setTimeout(hangUp, LINGER_IDLE_MS).unref();
    const total = setTimeout(hangUp, LINGER_MAX_MS).unref();
    req.on('data', () => idle.refresh());
    socket.once('close', () => {
      clearTimeout(idle);
      clearTimeout(total);
    });
  });
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
      'the upload is empty (0 bytes); send the .glb, .gltf or .zip file (an environment: the .exr or .hdr) as the request body',
    );
  }
  return bytes;
}
