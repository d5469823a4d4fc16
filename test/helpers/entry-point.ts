/**
 * A minimal load balancer for tests: one HTTP entry point in front of several server processes, as the
 * README tells operators to run. Each request goes to the first backend that answers (a dead process is
 * skipped), so a page served through it can matchmake again after a process dies. WebSockets do not pass
 * through it: seat reservations send clients straight to the hosting process's PUBLIC_URL.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EntryPoint {
  url: string;
  close(): Promise<void>;
}

export async function startEntryPoint(backends: string[]): Promise<EntryPoint> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => forward(0, Buffer.concat(chunks)));
    const forward = (index: number, body: Buffer): void => {
      const backend = backends[index];
      if (!backend) {
        res.writeHead(502).end('no backend answered');
        return;
      }
      const target = new URL(req.url ?? '/', backend);
      const upstream = http.request(
        target,
        { method: req.method, headers: { ...req.headers, host: target.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => forward(index + 1, body));
      upstream.end(body);
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
