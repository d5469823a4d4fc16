/**
 * `npm run bench:embed`: the world widget on a page of another site (the page on http://localhost:P, the
 * server on http://127.0.0.1:Q, third-party cookies blocked) in headless Chromium, on a world of the
 * bench:assets models (uploaded through the real pipeline), its poster a photograph-like thumbnail the owner
 * uploaded (and, for comparison, the server's render of the scene). Measures:
 *   loaderBytesGz           /embed.js gzipped (what a page adds by embedding)
 *   bytesBeforeInteraction  every byte the page downloaded (all frames) with reveal="interaction", before
 *                           the click on Enter (poster included), once the network is idle
 *   bytesLazyUnscrolled     the same with loading="lazy" and the element never scrolled into view
 *   timeToPosterMs          navigation → the poster shown (the element's first population event)
 *   timeToFirstFrameMs      click → the world drawn in the frame (its load event)
 *   timeToJoinedMs          click → joined as a visitor (mode="join")
 *   hostLongTaskMs          long tasks on the host page's main thread from navigation to joined
 * and, in the same run, `baseline`: bytesBeforeInteraction and hostLongTaskMs of the player page embedded
 * as a plain eager iframe (everything it downloads until the world is loaded and the network idle).
 * Bytes are as transferred: this server sends them uncompressed (a proxy in front would compress).
 * Last line: one JSON object. Targets: loaderBytesGz ≤ 10,240; bytesBeforeInteraction ≤ 61,440 and
 * ≤ 0.05 × baseline; hostLongTaskMs ≤ 50.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../asset-pipeline/render/chromium-args.js';
import sharp from 'sharp';
import { random } from '../assets/sample-models.js';
import { call, createEmbedKey, publishDraft, replaceDraft, uploadModels } from '../shared/bench-api.js';
import { hostPage, startHostSite, type HostSite } from '../shared/host-site.js';
import { startBenchServer } from '../shared/server-process.js';
import { round } from '../shared/stats.js';

const SLUG = 'bench-embed';
const LOADER = fileURLToPath(new URL('../../client/embed.js', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };

interface HostView {
  mibEvents: Array<{ name: string; t: number; detail: unknown }>;
  longTaskMs: number;
  performance: { now(): number };
}

/** Counts every byte a page and its frames download (bodies as transferred, plus headers). */
function countBytes(page: Page): { bytes: () => number; heaviest: () => string } {
  const each: Array<[string, number]> = [];
  page.on('requestfinished', (request) => {
    void request
      .sizes()
      .then((sizes) => each.push([request.url(), sizes.responseBodySize + sizes.responseHeadersSize]))
      .catch(() => undefined);
  });
  return {
    bytes: () => each.reduce((sum, [, bytes]) => sum + bytes, 0),
    heaviest: () =>
      [...each]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([url, bytes]) => `${bytes} ${url.replace(/([?&](k|key)=mibe_)[\w-]+/, '$1…')}`)
        .join('\n  '),
  };
}

const hostEvents = (page: Page) => page.evaluate(() => (globalThis as unknown as HostView).mibEvents);
async function eventTime(page: Page, name: string, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const event = (await hostEvents(page)).find((e) => e.name === name);
    if (event) return event.t;
    const failed = (await hostEvents(page)).find((e) => e.name === 'error');
    if (failed) throw new Error(`bench:embed: the widget failed: ${JSON.stringify(failed.detail)}`);
    if (Date.now() > deadline) throw new Error(`bench:embed: no ${name} event within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1_000);
}

async function widget(browser: Browser, site: HostSite, server: string, key: string) {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const counted = countBytes(page);
  await page.goto(
    site.page(
      '/widget',
      hostPage(
        server,
        `<h1>A page with a world</h1><mib-world id="w" world="${SLUG}" embed-key="${key}" reveal="interaction" mode="join" name="Bench" style="max-width:960px"></mib-world>`,
      ),
    ),
  );
  const posterAt = await eventTime(page, 'population');
  await settle(page);
  const bytesBeforeInteraction = counted.bytes();
  console.error(`bench:embed: the heaviest downloads before the click:\n  ${counted.heaviest()}`);
  const clickAt = await page.evaluate(() => (globalThis as unknown as HostView).performance.now());
  await page.locator('#w').locator('button[part="enter-button"]').click();
  const joinedAt = await eventTime(page, 'joined');
  const loadAt = await eventTime(page, 'load');
  const hostLongTaskMs = await page.evaluate(() => (globalThis as unknown as HostView).longTaskMs);
  await page.goto('about:blank');
  await page.close();
  return {
    bytesBeforeInteraction,
    timeToPosterMs: posterAt,
    timeToFirstFrameMs: loadAt - clickAt,
    timeToJoinedMs: joinedAt - clickAt,
    hostLongTaskMs,
  };
}

async function lazyUnscrolled(
  browser: Browser,
  site: HostSite,
  server: string,
  key: string,
): Promise<number> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const counted = countBytes(page);
  await page.goto(
    site.page(
      '/lazy',
      hostPage(
        server,
        `<div style="height:4000px">An article</div><mib-world world="${SLUG}" embed-key="${key}"></mib-world>`,
      ),
    ),
  );
  await settle(page);
  const bytes = counted.bytes();
  await page.close();
  return bytes;
}

async function plainPlayer(browser: Browser, site: HostSite, server: string) {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const counted = countBytes(page);
  await page.goto(
    site.page(
      '/player',
      hostPage(
        server,
        `<h1>A page with a world</h1><iframe src="${server}/?world=${SLUG}&name=Bench" width="960" height="540" allow="microphone; camera; fullscreen"></iframe>`,
      ),
    ),
  );
  const frame = () => page.frames().find((f) => f !== page.mainFrame());
  const deadline = Date.now() + 120_000;
  for (;;) {
    const progress = await frame()
      ?.evaluate(
        () =>
          (globalThis as unknown as { __mib?: { loading: { progress: number } } }).__mib?.loading.progress ??
          0,
      )
      .catch(() => 0);
    if ((progress ?? 0) >= 1) break;
    if (Date.now() > deadline)
      throw new Error('bench:embed: the plain player frame did not load within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await settle(page);
  const figures = {
    bytesBeforeInteraction: counted.bytes(),
    hostLongTaskMs: await page.evaluate(() => (globalThis as unknown as HostView).longTaskMs),
  };
  await page.goto('about:blank');
  await page.close();
  return figures;
}

/** A photograph-like 1280×720 PNG: seeded noise, blurred into soft detail (no file is downloaded). */
async function photoLike(): Promise<Buffer> {
  const next = random(7);
  const pixels = Buffer.alloc(320 * 180 * 3);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = Math.floor(next() * 256);
  return sharp(pixels, { raw: { width: 320, height: 180, channels: 3 } })
    .resize(1280, 720, { kernel: 'cubic' })
    .blur(1.5)
    .png()
    .toBuffer();
}

async function main(): Promise<void> {
  const server = await startBenchServer({ RATE_LIMIT_WRITES_PER_MINUTE: '10000' });
  const site = await startHostSite();
  let browser: Browser | undefined;
  try {
    const origin = server.url;
    const email = `bench-${Date.now()}@example.com`;
    const session = (await (
      await call(`${origin}/auth/register`, {
        method: 'POST',
        json: { email, password: 'bench-password-1', displayName: 'Bench' },
      })
    ).json()) as { accessToken: string };
    const token = session.accessToken;
    await call(`${origin}/orgs`, { method: 'POST', token, json: { slug: 'bench-org', name: 'Bench' } });
    await call(`${origin}/orgs/bench-org/worlds`, {
      method: 'POST',
      token,
      json: { slug: SLUG, name: 'Bench embed', visibility: 'public' },
    });
    console.error('bench:embed: uploading the bench:assets models…');
    const assets = await uploadModels(origin, token, SLUG);
    // The models in a ring around the spawn point, all in view of a visitor who enters.
    const entities: Record<string, unknown> = {
      spawn: {
        order: 'a0',
        transform: { position: [0, 0, 0] },
        components: { 'spawn-point': { name: 'main', default: true } },
      },
    };
    assets.forEach((asset, i) => {
      const angle = (i / assets.length) * Math.PI * 2;
      entities[`model-${i}`] = {
        order: `a${i + 1}`,
        transform: { position: [Math.sin(angle) * 8, 0, Math.cos(angle) * 8] },
        components: { model: { asset } },
      };
    });
    await replaceDraft(origin, token, SLUG, { schema: 2, entities });
    await publishDraft(origin, token, SLUG, 'bench');
    console.error('bench:embed: rendering the world’s thumbnail (the poster)…');
    const thumbnail = (await (
      await call(`${origin}/worlds/${SLUG}/thumbnail/render`, {
        method: 'POST',
        token,
        json: { from: 'published' },
      })
    ).json()) as { bytes: number; width: number; height: number };
    const key = await createEmbedKey(origin, token, SLUG, 'bench site', [site.origin]);

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS, '--test-third-party-cookie-phaseout'],
    });
    const loaderBytesGz = gzipSync(await readFile(LOADER), { level: 9 }).length;
    console.error(
      `bench:embed: ${assets.length} models; thumbnail ${thumbnail.width}×${thumbnail.height}, ${thumbnail.bytes} bytes`,
    );
    const rendered = await widget(browser, site, origin, key);
    // A thumbnail the bench did not draw: a photograph-like picture (smooth noise, 1280×720) uploaded by
    // the owner, heavier than a render of a simple scene. The figures below are with it.
    await call(`${origin}/worlds/${SLUG}/thumbnail`, {
      method: 'PUT',
      token,
      headers: { 'content-type': 'image/png' },
      body: new Uint8Array(await photoLike()),
    });
    const measured = await widget(browser, site, origin, key);
    const bytesLazyUnscrolled = await lazyUnscrolled(browser, site, origin, key);
    const baseline = await plainPlayer(browser, site, origin);
    const figures = {
      loaderBytesGz,
      bytesBeforeInteraction: measured.bytesBeforeInteraction,
      bytesLazyUnscrolled,
      timeToPosterMs: round(measured.timeToPosterMs),
      timeToFirstFrameMs: round(measured.timeToFirstFrameMs),
      timeToJoinedMs: round(measured.timeToJoinedMs),
      hostLongTaskMs: round(measured.hostLongTaskMs),
      models: assets.length,
      renderedThumbnailBytes: thumbnail.bytes,
      bytesBeforeInteractionRenderedThumbnail: rendered.bytesBeforeInteraction,
      baseline: {
        bytesBeforeInteraction: baseline.bytesBeforeInteraction,
        hostLongTaskMs: round(baseline.hostLongTaskMs),
      },
      bytesRatio: round(measured.bytesBeforeInteraction / baseline.bytesBeforeInteraction, 3),
    };
    console.log(JSON.stringify(figures));
  } finally {
    await browser?.close();
    await site.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
