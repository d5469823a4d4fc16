/**
 * `npm run bench:client -- --avatars N`: the player in headless Chromium (software WebGL) with N animated
 * avatars moving in view, fed straight into its avatar store (no server; see client/src/apps/player/bench/). Measures
 * the product's renderer (near avatars skinned, the crowd instanced with baked animation) and, in the same
 * run, the naive one (a skinned mesh and mixer per avatar). Frame times are the intervals between animation
 * frames (at 1,000 avatars in software WebGL they are far above the 16.7 ms vsync floor).
 *
 * Then a first visit to the demo world, cold (first-visit.ts), `--first-visits` times against the built
 * server on its embedded defaults: the bytes and time before the first frame, beside the baseline of all
 * the JavaScript the player can load. `--preset` picks the graphics preset for every page (as a visitor's
 * saved setting); the default preset otherwise.
 *
 * Then the same crowd at the low preset twice: in the demo world's scene and in a bare one (its sky and
 * ground only), for what the world itself costs a low-end visitor.
 *
 * Last line: one JSON object. Targets: avatarDrawCalls ≤ 10 at 1,000 avatars; frameMsP50 ≤ 0.5 × baseline;
 * firstLoadJsBytes ≤ 350 kB; low preset demo world ≤ 1.2 × bare scene.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../asset-pipeline/render/chromium-args.js';
import {
  DEFAULT_SETTINGS,
  STORAGE_KEY,
  withPreset,
  type PlayerSettings,
} from '../../client/src/shared/world/settings.js';
import { sceneDocumentSchema, type SceneDocument } from '../../protocol/index.js';
import { servePlayer } from '../shared/player-preview.js';
import { startBenchServer } from '../shared/server-process.js';
import { percentile, round } from '../shared/stats.js';
import { allPlayerJsBytes, firstVisit, type FirstVisit } from './first-visit.js';
import { customAvatarRuns } from './custom-avatar-runs.js';

interface Figures {
  avatars: number;
  avatarDrawCalls: number;
  drawCalls: number;
  triangles: number;
  frameMsP50: number;
  frameMsP95: number;
  /**
   * The mean interval: rAF intervals come in whole display frames (16.7 ms steps), so a difference smaller
   * than a step shows in the mean and not in the percentiles.
   */
  frameMsMean: number;
  frames: number;
  jsHeapMB: number;
}

/** What the page offers, typed here (the bench compiles without the DOM library). */
interface BenchPage {
  requestAnimationFrame(callback: (now: number) => void): number;
  __mib?: {
    stats: { avatars: number; avatarDrawCalls: number; drawCalls: number; triangles: number };
    models: Record<string, 'loading' | 'loaded' | 'failed'>;
    avatars: { embodied: string | null }[];
  };
  performance: { now(): number; memory?: { usedJSHeapSize: number } };
}

/** Rounds of the low-preset comparison (each: the demo world, then the bare scene). */
const LOW_PRESET_ROUNDS = 3;

/** The browser tests' viewport too. */
const VIEWPORT = { width: 1024, height: 640 };

const PRESETS = ['low', 'medium', 'high'] as const;
type Preset = (typeof PRESETS)[number];

const USAGE =
  'usage: npm run bench:client -- [--avatars N (1..10000, default 1000)] [--seconds S (default 6)] ' +
  '[--preset low|medium|high (default: the default preset)] [--first-visits N (0..10, default 3)] ' +
  '[--custom-avatars K (0..16, default 0)]';

interface Options {
  /** Distinct uploaded avatars the crowd also wears in a run of its own (0: none). */
  customAvatars: number;
  avatars: number;
  seconds: number;
  preset: Preset;
  firstVisits: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      avatars: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '6' },
      preset: { type: 'string' },
      'first-visits': { type: 'string', default: '3' },
      'custom-avatars': { type: 'string', default: '0' },
    },
  });
  const customAvatars = Number(values['custom-avatars']);
  if (!Number.isInteger(customAvatars) || customAvatars < 0 || customAvatars > 16)
    throw new Error(`--custom-avatars: ${USAGE}`);
  const avatars = Number(values.avatars);
  const seconds = Number(values.seconds);
  const firstVisits = Number(values['first-visits']);
  const preset = values.preset ?? DEFAULT_SETTINGS.quality;
  if (!Number.isInteger(avatars) || avatars < 1 || avatars > 10_000) throw new Error(`--avatars: ${USAGE}`);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 120) throw new Error(`--seconds: ${USAGE}`);
  if (!Number.isInteger(firstVisits) || firstVisits < 0 || firstVisits > 10)
    throw new Error(`--first-visits: ${USAGE}`);
  if (!PRESETS.includes(preset as Preset)) throw new Error(`--preset "${preset}": ${USAGE}`);
  return { avatars, seconds, preset: preset as Preset, firstVisits, customAvatars };
}

async function measure(
  browser: Browser,
  origin: string,
  renderer: 'crowd' | 'naive',
  avatars: number,
  seconds: number,
  settings: PlayerSettings,
  /** The scene the crowd stands in (none: the default ground); `shot` names its screenshot (none: no shot). */
  scene?: { document: SceneDocument; shot: string | undefined },
  /** Avatar uploads on `origin`'s server the crowd wears in turn, and the screenshot's name. */
  custom?: { hashes: string[]; shot: string },
): Promise<Figures> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.addInitScript(
    ({ key, value }) => (globalThis as unknown as { localStorage: Storage }).localStorage.setItem(key, value),
    { key: STORAGE_KEY, value: JSON.stringify(settings) },
  );
  if (scene)
    await page.addInitScript((document) => {
      (globalThis as unknown as { __mibBenchScene: unknown }).__mibBenchScene = document;
    }, scene.document);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  try {
    const wearing = custom ? `&customAvatars=${custom.hashes.join(',')}` : '';
    await page.goto(`${origin}/?bench=${renderer}&avatars=${avatars}${wearing}`);
    await page.waitForFunction(
      (n) => (globalThis as unknown as BenchPage).__mib?.stats.avatars === n,
      avatars + 1,
      { timeout: 120_000 },
    );
    // The scene's models loaded (or failed: then the page reports it below), each of them.
    const modelEntities = scene
      ? Object.values(scene.document.entities).filter((entity) => entity.components.model).length
      : 0;
    await page.waitForFunction(
      (n) => {
        const models = Object.values((globalThis as unknown as BenchPage).__mib?.models ?? {});
        return models.length >= n && models.every((state) => state !== 'loading');
      },
      modelEntities,
      { timeout: 120_000 },
    );
    // The near crowd (the naive renderer: everyone) drawn in their avatars: every instance read.
    if (custom)
      await page.waitForFunction(
        (n) =>
          ((globalThis as unknown as BenchPage).__mib?.avatars ?? []).filter((avatar) => avatar.embodied)
            .length >= n,
        renderer === 'naive' ? avatars : Math.min(5, avatars),
        { timeout: 600_000, polling: 1_000 },
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
    const shot = custom ? custom.shot : scene ? scene.shot : renderer;
    if (shot) {
      const shotStart = Date.now();
      await page.screenshot({
        path: path.resolve('test-artifacts', `bench-client-${shot}.png`),
        timeout: 180_000,
      });
      console.error(`  screenshot took ${Date.now() - shotStart} ms`);
    }
    if (problems.length > 0) throw new Error(`the ${renderer} page reported errors:\n${problems.join('\n')}`);
    return {
      avatars: sample.stats.avatars - 1, // the local avatar is not part of the crowd asked for
      avatarDrawCalls: sample.stats.avatarDrawCalls,
      drawCalls: sample.stats.drawCalls,
      triangles: sample.stats.triangles,
      frameMsP50: round(percentile(sample.intervals, 50)),
      frameMsP95: round(percentile(sample.intervals, 95)),
      frameMsMean: round(sample.intervals.reduce((sum, ms) => sum + ms, 0) / sample.intervals.length),
      frames: sample.intervals.length,
      jsHeapMB: round(sample.heap / 2 ** 20, 1),
    };
  } finally {
    await page.close();
  }
}

/** The demo world's published scene on the server at `url`. */
async function publishedDemoScene(url: string): Promise<SceneDocument> {
  const response = await fetch(`${url}/worlds/demo/scene`);
  if (!response.ok) throw new Error(`bench: GET /worlds/demo/scene answered ${response.status}`);
  return sceneDocumentSchema.parse(await response.json());
}

/** Cold first visits to the demo world on the server at `url` (a new installation, embedded defaults). */
async function firstVisits(
  browser: Browser,
  url: string,
  settings: PlayerSettings,
  visits: number,
): Promise<FirstVisit[]> {
  const runs: FirstVisit[] = [];
  for (let visit = 0; visit < visits; visit += 1) {
    const run = await firstVisit(browser, url, settings, STORAGE_KEY);
    console.error(
      `  first visit ${visit + 1}: ${JSON.stringify({ ...run, scripts: undefined })}\n    scripts: ${run.scripts
        .map(({ file, bytes }) => `${file.replace('/assets/', '')} ${bytes}`)
        .join(', ')}`,
    );
    runs.push(run);
  }
  return runs;
}

async function main(): Promise<void> {
  const { avatars, seconds, preset, firstVisits: visits, customAvatars } = options();
  const settings = withPreset(DEFAULT_SETTINGS, preset);
  const player = await servePlayer();
  const origin = player.origin;
  // A new installation on its embedded defaults: its demo world and first visits.
  const server = await startBenchServer({});
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Frames here take far longer than Chromium's 60 Hz cap, so rAF intervals are the work per frame.
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'],
  });
  try {
    console.error(`bench:client: ${avatars} avatars, ${seconds} s per renderer`);
    const crowd = await measure(browser, origin, 'crowd', avatars, seconds, settings);
    console.error(`  crowd: ${JSON.stringify(crowd)}`);
    const baseline = await measure(browser, origin, 'naive', avatars, seconds, settings);
    console.error(`  naive: ${JSON.stringify(baseline)}`);
    // The demo world as a new installation seeds it (furnished: its models from that server's asset store)
    // against a bare scene (its sky and ground only), both at the low preset, same crowd, same server.
    const low = withPreset(DEFAULT_SETTINGS, 'low');
    const demo = await publishedDemoScene(server.url);
    const bare = {
      ...demo,
      entities: Object.fromEntries(
        Object.entries(demo.entities).filter(
          ([, entity]) =>
            entity.components.environment !== undefined || entity.components.ground !== undefined,
        ),
      ),
    };
    // Interleaved rounds (demo, bare, demo, bare, …) and the median of each: one pair of runs differs by
    // up to a quarter at this crowd size in software WebGL, more than the difference measured.
    const demoRuns: Figures[] = [];
    const bareRuns: Figures[] = [];
    for (let round = 1; round <= LOW_PRESET_ROUNDS; round++) {
      const shot = round === 1;
      demoRuns.push(
        await measure(browser, server.url, 'crowd', avatars, seconds, low, {
          document: demo,
          shot: shot ? 'low-demo-world' : undefined,
        }),
      );
      bareRuns.push(
        await measure(browser, server.url, 'crowd', avatars, seconds, low, {
          document: bare,
          shot: shot ? 'low-bare-scene' : undefined,
        }),
      );
      console.error(
        `  low preset, round ${round}: demo world ${JSON.stringify(demoRuns.at(-1))}, bare scene ${JSON.stringify(bareRuns.at(-1))}`,
      );
    }
    const median = (runs: Figures[], key: 'frameMsP50' | 'frameMsMean') =>
      percentile(
        runs.map((run) => run[key]),
        50,
      );
    const inDemo = {
      ...demoRuns[0]!,
      frameMsP50: median(demoRuns, 'frameMsP50'),
      frameMsMean: median(demoRuns, 'frameMsMean'),
    };
    const inBare = {
      ...bareRuns[0]!,
      frameMsP50: median(bareRuns, 'frameMsP50'),
      frameMsMean: median(bareRuns, 'frameMsMean'),
    };
    const custom =
      customAvatars > 0
        ? await customAvatarRuns(server.url, customAvatars, (renderer, hashes, shot) =>
            measure(browser, server.url, renderer, avatars, seconds, settings, undefined, { hashes, shot }),
          )
        : null;
    const visitsRun = await firstVisits(browser, server.url, settings, visits);
    const worst = (key: 'firstLoadJsBytes' | 'firstLoadBytes' | 'timeToFirstFrameMs') =>
      visitsRun.length > 0 ? Math.max(...visitsRun.map((run) => run[key])) : null;
    console.log(
      JSON.stringify({
        ...crowd,
        baseline,
        preset,
        viewport: `${VIEWPORT.width}x${VIEWPORT.height}`,
        frameMsRatio: round(crowd.frameMsP50 / baseline.frameMsP50, 3),
        // The worst of the first visits; the median time beside it (a cold start varies more).
        firstLoadJsBytes: worst('firstLoadJsBytes'),
        firstLoadBytes: worst('firstLoadBytes'),
        timeToFirstFrameMs: worst('timeToFirstFrameMs'),
        timeToFirstFrameMsP50:
          visitsRun.length > 0
            ? percentile(
                visitsRun.map((run) => run.timeToFirstFrameMs),
                50,
              )
            : null,
        firstVisits: visitsRun.length,
        lowPreset: {
          demoWorldFrameMsP50: inDemo.frameMsP50,
          bareSceneFrameMsP50: inBare.frameMsP50,
          demoWorldDrawCalls: inDemo.drawCalls,
          bareSceneDrawCalls: inBare.drawCalls,
          demoWorldFrameMsMean: inDemo.frameMsMean,
          bareSceneFrameMsMean: inBare.frameMsMean,
          ratio: round(inDemo.frameMsP50 / inBare.frameMsP50, 3),
          ratioOfMeans: round(inDemo.frameMsMean / inBare.frameMsMean, 3),
          rounds: LOW_PRESET_ROUNDS,
          demoWorldMeans: demoRuns.map((run) => run.frameMsMean),
          bareSceneMeans: bareRuns.map((run) => run.frameMsMean),
        },
        ...(custom && { customAvatars: custom }),
        allPlayerJsBytes: allPlayerJsBytes(),
        targets: {
          customAvatarDrawCallsMax: 24,
          avatarDrawCallsMax: 10,
          frameMsRatioMax: 0.5,
          firstLoadJsBytesMax: 350_000,
          lowPresetDemoOverBareMax: 1.2,
        },
        screenshots: [
          'test-artifacts/bench-client-crowd.png',
          'test-artifacts/bench-client-naive.png',
          'test-artifacts/bench-client-low-demo-world.png',
          'test-artifacts/bench-client-low-bare-scene.png',
        ],
      }),
    );
  } finally {
    await browser.close();
    await player.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
