/**
 * A first visit to the demo world, as a newcomer makes it: a fresh browser profile (nothing cached) opens
 * the server's `/`, which joins the demo world at once. Counts what the page downloaded before the first
 * frame drawn after entering (the player's User Timing mark FIRST_FRAME_MARK), from the browser's own
 * Resource Timing: bytes on the wire after compression (encodedBodySize), the page itself included.
 * The room's WebSocket traffic is not part of it (Resource Timing does not see sockets).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { FIRST_FRAME_MARK } from '../../client/src/shared/world/first-frame.js';

export interface FirstVisit {
  /** Gzipped JavaScript fetched before the first frame. */
  firstLoadJsBytes: number;
  /** Everything fetched before it: the page, JS, CSS, WASM, models, textures, API answers. */
  firstLoadBytes: number;
  /** From navigation start to that frame. */
  timeToFirstFrameMs: number;
  requests: number;
  /** The JS files fetched, with their bytes (for the log). */
  scripts: Array<{ file: string; bytes: number }>;
}

/** What the page answers (the bench compiles without the DOM library). */
interface TimedResource {
  name: string;
  encodedBodySize: number;
  responseEnd: number;
}
interface TimingPage {
  performance: {
    getEntriesByName(name: string): Array<{ startTime: number }>;
    getEntriesByType(type: string): TimedResource[];
  };
}

export async function firstVisit(
  browser: Browser,
  serverUrl: string,
  settings: Record<string, unknown>,
  settingsKey: string,
): Promise<FirstVisit> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 640 } });
  try {
    await context.addInitScript(
      ({ key, value }) =>
        (globalThis as unknown as { localStorage: Storage }).localStorage.setItem(key, value),
      { key: settingsKey, value: JSON.stringify(settings) },
    );
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${serverUrl}/`);
    await page.waitForFunction(
      (mark) => (globalThis as unknown as TimingPage).performance.getEntriesByName(mark).length > 0,
      FIRST_FRAME_MARK,
      { timeout: 120_000, polling: 50 },
    );
    if (problems.length > 0) throw new Error(`the player reported errors:\n${problems.join('\n')}`);
    const timing = await page.evaluate((mark) => {
      const { performance } = globalThis as unknown as TimingPage;
      const at = performance.getEntriesByName(mark)[0]!.startTime;
      const pick = ({ name, encodedBodySize, responseEnd }: TimedResource) => ({
        name,
        encodedBodySize,
        responseEnd,
      });
      return {
        at,
        page: performance.getEntriesByType('navigation').map(pick),
        resources: performance.getEntriesByType('resource').map(pick),
      };
    }, FIRST_FRAME_MARK);
    const before = [...timing.page, ...timing.resources].filter((entry) => entry.responseEnd <= timing.at);
    const scripts = before
      .filter((entry) => new URL(entry.name).pathname.endsWith('.js'))
      .map((entry) => ({ file: new URL(entry.name).pathname, bytes: entry.encodedBodySize }));
    return {
      firstLoadJsBytes: scripts.reduce((sum, script) => sum + script.bytes, 0),
      firstLoadBytes: before.reduce((sum, entry) => sum + entry.encodedBodySize, 0),
      timeToFirstFrameMs: Math.round(timing.at),
      requests: before.length,
      scripts,
    };
  } finally {
    await context.close();
  }
}

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
}

/**
 * The baseline: every JavaScript file the player can ever load (its entry's static and dynamic imports,
 * from the build's manifest), gzipped as the server sends them — what one unsplit bundle would cost.
 */
export function allPlayerJsBytes(distDir = path.resolve('dist/client')): number {
  const manifest = JSON.parse(readFileSync(path.join(distDir, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`bench:client: the build's manifest has no chunk ${key}: run npm run build`);
    for (const next of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visit(next);
  };
  visit('index.html');
  let bytes = 0;
  for (const key of seen) {
    const file = manifest[key]!.file;
    if (file.endsWith('.js')) bytes += gzipSync(readFileSync(path.join(distDir, file))).length;
  }
  return bytes;
}
