/**
 * A short video for screen tests, recorded by the test's own Chromium (MediaRecorder on a canvas, VP8 in
 * WebM — nothing downloaded, no ffmpeg), and a tiny file server that serves it the way a media host
 * does: CORS open to any page, byte ranges honoured.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';

/** Fewer bytes than this is a recording without frames (the header alone is about 100 bytes). */
const LEAST_CLIP_BYTES = 10_000;

/**
 * Records `seconds` of a canvas cycling through colours with a caption, as WebM bytes. A fresh browser's
 * first recording sometimes captures no frame at all; such a take is thrown away and recorded again.
 */
export async function recordClip(browser: Browser, seconds = 1.5): Promise<Buffer> {
  for (let take = 1; take <= 3; take++) {
    const clip = await recordTake(browser, seconds);
    if (clip.length >= LEAST_CLIP_BYTES) return clip;
  }
  throw new Error(
    `recordClip: Chromium's MediaRecorder captured no frames in 3 takes (does this Chromium record WebM/VP8?)`,
  );
}

async function recordTake(browser: Browser, seconds: number): Promise<Buffer> {
  const page = await browser.newPage();
  try {
    const base64 = await page.evaluate(async (length) => {
      const canvas = document.createElement('canvas');
      canvas.width = 320;
      canvas.height = 180;
      document.body.append(canvas); // painted, so captured
      const context = canvas.getContext('2d')!;
      const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm;codecs=vp8' });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (event) => chunks.push(event.data);
      const stopped = new Promise((resolve) => (recorder.onstop = resolve));
      recorder.start(250);
      const start = performance.now();
      await new Promise<void>((resolve) => {
        const draw = () => {
          const t = (performance.now() - start) / 1000;
          context.fillStyle = `hsl(${Math.round(t * 240) % 360}, 80%, 50%)`;
          context.fillRect(0, 0, 320, 180);
          context.fillStyle = '#ffffff';
          context.font = 'bold 56px sans-serif';
          context.fillText('MIB TV', 62, 110);
          if (t < length) requestAnimationFrame(draw);
          else resolve();
        };
        draw();
      });
      recorder.stop();
      await stopped;
      const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
      let binary = '';
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return btoa(binary);
    }, seconds);
    return Buffer.from(base64, 'base64');
  } finally {
    await page.close();
  }
}

export interface MediaHost {
  url: string;
  close(): Promise<void>;
}

/** Serves `files` (path → bytes, as video/webm) on 127.0.0.1; anything else is a 404. */
export async function startMediaHost(files: Record<string, Buffer>): Promise<MediaHost> {
  const server = createServer((request, response) => {
    const body = files[new URL(request.url ?? '/', 'http://host').pathname];
    response.setHeader('access-control-allow-origin', '*');
    if (!body) {
      response.writeHead(404).end('not found');
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    if (!range) {
      response.writeHead(200, { 'content-type': 'video/webm', 'content-length': body.length }).end(body);
      return;
    }
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
    response
      .writeHead(206, {
        'content-type': 'video/webm',
        'content-length': end - start + 1,
        'content-range': `bytes ${start}-${end}/${body.length}`,
        'accept-ranges': 'bytes',
      })
      .end(body.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
