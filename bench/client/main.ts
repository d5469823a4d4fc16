/**
 * `npm run bench:client -- --avatars N`: the player in headless Chromium (software WebGL) with N animated
 * avatars moving in view, fed straight into its avatar store (no server; see client/src/apps/player/bench/). Measures
 * the product's renderer (near avatars skinned, the crowd instanced with baked animation) and, in the same
 * run, the naive one (a skinned mesh and mixer per avatar). Frame times are the intervals between animation
 * frames (at 1,000 avatars in software WebGL they are far above the 16.7 ms vsync floor).
 *
 * Last line: one JSON object. Targets: avatarDrawCalls ≤ 10 at 1,000 avatars; frameMsP50 ≤ 0.5 × baseline.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../asset-pipeline/render/chromium-args.js';
import { servePlayer } from '../shared/player-preview.js';
import { percentile, round } from '../shared/stats.js';

interface Figures {
  avatars: number;
  avatarDrawCalls: number;
  drawCalls: number;
  triangles: number;
  frameMsP50: number;
  frameMsP95: number;
  frames: number;
  jsHeapMB: number;
}

/** What the page offers, typed here (the bench compiles without the DOM library). */
interface BenchPage {
  requestAnimationFrame(callback: (now: number) => void): number;
  __mib?: { stats: { avatars: number; avatarDrawCalls: number; drawCalls: number; triangles: number } };
  performance: { now(): number; memory?: { usedJSHeapSize: number } };
}

/** The browser tests' viewport too. */
const VIEWPORT = { width: 1024, height: 640 };

const USAGE =
  'usage: npm run bench:client -- [--avatars N (1..10000, default 1000)] [--seconds S (default 6)]';

function options(): { avatars: number; seconds: number } {
  const { values } = parseArgs({
    options: { avatars: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '6' } },
  });
  const avatars = Number(values.avatars);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(avatars) || avatars < 1 || avatars > 10_000) throw new Error(`--avatars: ${USAGE}`);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 120) throw new Error(`--seconds: ${USAGE}`);
  return { avatars, seconds };
}

async function measure(
  browser: Browser,
  origin: string,
  renderer: 'crowd' | 'naive',
  avatars: number,
  seconds: number,
): Promise<Figures> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  try {
    await page.goto(`${origin}/?bench=${renderer}&avatars=${avatars}`);
    await page.waitForFunction(
      (n) => (globalThis as unknown as BenchPage).__mib?.stats.avatars === n,
      avatars + 1,
      { timeout: 120_000 },
    );
    // Warm up: shaders compiled, mixers and buffers allocated, the JIT settled.
    await page.waitForTimeout(2_000);
    const sample = await page.evaluate(async (ms) => {
      const view = globalThis as unknown as BenchPage;
      const { performance } = view;
      const intervals: number[] = [];
      await new Promise<void>((resolve) => {
        const end = performance.now() + ms;
        let last = performance.now();
        const tick = (now: number) => {
          intervals.push(now - last);
          last = now;
          if (now < end) view.requestAnimationFrame(tick);
          else resolve();
        };
        view.requestAnimationFrame(tick);
      });
      return {
        intervals: intervals.slice(1),
        stats: view.__mib!.stats,
        heap: performance.memory?.usedJSHeapSize ?? Number.NaN,
      };
    }, seconds * 1000);
    const shotStart = Date.now();
    await page.screenshot({
      path: path.resolve('test-artifacts', `bench-client-${renderer}.png`),
      timeout: 180_000,
    });
    console.error(`  screenshot took ${Date.now() - shotStart} ms`);
    if (problems.length > 0) throw new Error(`the ${renderer} page reported errors:\n${problems.join('\n')}`);
    return {
      avatars: sample.stats.avatars - 1, // the local avatar is not part of the crowd asked for
      avatarDrawCalls: sample.stats.avatarDrawCalls,
      drawCalls: sample.stats.drawCalls,
      triangles: sample.stats.triangles,
      frameMsP50: round(percentile(sample.intervals, 50)),
      frameMsP95: round(percentile(sample.intervals, 95)),
      frames: sample.intervals.length,
      jsHeapMB: round(sample.heap / 2 ** 20, 1),
    };
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  const { avatars, seconds } = options();
  const player = await servePlayer();
  const origin = player.origin;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Frames here take far longer than Chromium's 60 Hz cap, so rAF intervals are the work per frame.
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'],
  });
  try {
    console.error(`bench:client: ${avatars} avatars, ${seconds} s per renderer`);
    const crowd = await measure(browser, origin, 'crowd', avatars, seconds);
    console.error(`  crowd: ${JSON.stringify(crowd)}`);
    const baseline = await measure(browser, origin, 'naive', avatars, seconds);
    console.error(`  naive: ${JSON.stringify(baseline)}`);
    console.log(
      JSON.stringify({
        ...crowd,
        baseline,
        viewport: `${VIEWPORT.width}x${VIEWPORT.height}`,
        frameMsRatio: round(crowd.frameMsP50 / baseline.frameMsP50, 3),
        targets: { avatarDrawCallsMax: 10, frameMsRatioMax: 0.5 },
        screenshots: ['test-artifacts/bench-client-crowd.png', 'test-artifacts/bench-client-naive.png'],
      }),
    );
  } finally {
    await browser.close();
    await player.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
