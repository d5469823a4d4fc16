/**
 * A page on another site than the server (http://localhost:<port>, while the server is on 127.0.0.1), for
 * embed tests and the embed benchmark: each page is registered by path and served as given.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostSite {
  /** e.g. http://localhost:41234 — a different site from http://127.0.0.1:<server port>. */
  origin: string;
  /** Serves `html` at `path` (replacing what was there). */
  page(path: string, html: string): string;
  close(): Promise<void>;
}

export async function startHostSite(): Promise<HostSite> {
  const pages = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/favicon.ico') {
      res.writeHead(204).end(); // no icon, and no 404 in the page's console
      return;
    }
    const html = pages.get(path);
    if (!html) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such page');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, resolve)); // every interface: localhost may be ::1
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    page: (path, html) => {
      pages.set(path, html);
      return `${origin}${path}`;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A host page: the loader script from `server`, `body` as given, a log of the elements' events (with the
 * page's performance.now() of each) in `window.mibEvents`, and the host's long tasks summed in
 * `window.longTaskMs`.
 */
export function hostPage(server: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host page</title>
<script type="module" src="${server}/embed.js"></script></head>
<body style="margin:0;font-family:sans-serif">${body}
<script>
  window.mibEvents = [];
  window.longTaskMs = 0;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTaskMs += entry.duration;
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  for (const name of ['ready','load','progress','joined','left','population','chat','error'])
    document.addEventListener('DOMContentLoaded', () => {
      for (const el of document.querySelectorAll('mib-world'))
        el.addEventListener(name, (event) =>
          window.mibEvents.push({ id: el.id, name, detail: event.detail, t: performance.now() }));
    });
</script></body></html>`;
}
