/**
 * Serves the built player (dist/client, from `npm run build`) on a free local port, for the client
 * benchmark and browser tests that need no server: the same static middleware the product's server uses
 * for it (serve-static, under Express), without the rest of the server. (`vite preview` would do, but its
 * native bundler does not load inside jest's module sandbox.)
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import serveStatic from 'serve-static';

export interface PlayerPreview {
  origin: string;
  close(): Promise<void>;
}

export async function servePlayer(): Promise<PlayerPreview> {
  const dist = path.resolve('dist/client');
  if (!existsSync(path.join(dist, 'index.html')))
    throw new Error(`${dist}/index.html is missing: run \`npm run build\` first (npm test does)`);
  const serve = serveStatic(dist, { index: 'index.html' });
  const server = createServer((request, response) => {
    serve(request, response, () => {
      response.statusCode = 404;
      response.end(`not found: ${request.url ?? ''}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
