/**
 * Harness 4, long form (`--long`): `minutes` (30) with `visitors` (300) bots walking in the demo world while
 * a visitor joins a world of its own and leaves every `everyMs` (2 s) — each visit creates a room and its
 * leaving disposes it. The server runs under `node --expose-gc`; every `sampleEveryMs` (30 s) a scrape
 * collects the garbage and the next one reads the heap left (`nodejs_heap_size_used_bytes`).
 *
 * Pass: the least-squares slope of the post-GC heap after the warm-up (the first `warmupMinutes`) is under
 * 1 MB per 10 minutes; every churned room disposed and freed; no bot disconnected; no file-descriptor
 * growth beyond the sockets still closing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BotProcessOptions } from '../room/bot-process.js';
import { call } from '../shared/bench-api.js';
import { nextMessage } from '../shared/child-messages.js';
import { metric, startBenchServer } from '../shared/server-process.js';
import { round } from '../shared/stats.js';
import { joinWorld } from '../shared/visitors.js';
import { fileDescriptors, retainedRooms, scrape } from './churn.js';
import { operatorToken } from './writers.js';

const BOT_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), '../room/bot-process.js');
const OPERATOR = { email: 'churn-operator@example.com', password: 'churn-operator-password' };
const CHURN_WORLD = 'churn';
const MB = 1024 * 1024;

export interface ChurnLongFigures {
  minutes: number;
  visitors: number;
  roomsCreated: number;
  roomsRetained: number;
  churnFailures: number;
  botDisconnects: number;
  heapSamples: number;
  heapStartMB: number;
  heapEndMB: number;
  /** Post-GC heap growth after the warm-up, least squares, in MB per 10 minutes (must be < 1). */
  heapSlopeMBPer10Min: number;
  fdsAfterWarmup: number;
  fdsAtEnd: number;
  pass: boolean;
}

/** Least-squares slope of `points` ([x, y]), in y per x. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** Whether a long run's figures meet the targets; `expectedRooms`: the visits its length allows. */
export function churnLongPasses(figures: Omit<ChurnLongFigures, 'pass'>, expectedRooms: number): boolean {
  return (
    figures.heapSlopeMBPer10Min < 1 &&
    figures.roomsRetained === 0 &&
    figures.churnFailures === 0 &&
    figures.botDisconnects === 0 &&
    figures.roomsCreated >= expectedRooms * 0.9 &&
    figures.fdsAtEnd - figures.fdsAfterWarmup <= 5
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runChurnLong({
  minutes = 30,
  visitors = 300,
  everyMs = 2_000,
  sampleEveryMs = 30_000,
  warmupMinutes = 3,
} = {}): Promise<ChurnLongFigures> {
  const server = await startBenchServer(
    {
      DEV_CHAIN: 'off',
      OPERATOR_EMAIL: OPERATOR.email,
      OPERATOR_PASSWORD: OPERATOR.password,
      RATE_LIMIT_WRITES_PER_MINUTE: '100000',
    },
    ['--expose-gc'],
  );
  let bots: ChildProcess | undefined;
  try {
    const token = await operatorToken(server.url, OPERATOR.email, OPERATOR.password);
    // A world of its own, so each visit makes a room (the demo world's room holds the bots).
    await call(`${server.url}/orgs`, { method: 'POST', token, json: { slug: 'churn-org', name: 'Churn' } });
    await call(`${server.url}/orgs/churn-org/worlds`, {
      method: 'POST',
      token,
      json: { slug: CHURN_WORLD, name: 'Churn', visibility: 'public' },
    });
    const options: BotProcessOptions = {
      url: server.url,
      count: visitors,
      areaHalf: 20,
      decoders: 20,
      markers: 4,
      seed: 11,
    };
    bots = fork(BOT_ENTRY, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await nextMessage(bots, 'ready', 180_000);
    bots.send({ type: 'start' });
    const lap = nextMessage(bots, 'lap', 10_000);
    bots.send({ type: 'lap' });
    await lap;

    let churnFailures = 0;
    let running = true;
    // Access tokens live 15 minutes: a fresh one every 5 (a sign-in per visit would load the server).
    let visitToken = token;
    let tokenAt = performance.now();
    const churner = (async () => {
      while (running) {
        const started = performance.now();
        try {
          if (started - tokenAt > 5 * 60_000) {
            visitToken = await operatorToken(server.url, OPERATOR.email, OPERATOR.password);
            tokenAt = started;
          }
          const visitor = await joinWorld(server.url, { world: CHURN_WORLD, name: 'Churner' }, visitToken);
          await visitor.leave();
        } catch (error) {
          churnFailures++;
          if (churnFailures <= 3) console.error(`churn long: a visit failed: ${(error as Error).message}`);
        }
        await sleep(Math.max(0, everyMs - (performance.now() - started)));
      }
    })();

    const createdBefore = metric(await scrape(server), 'mib_rooms_created_total');
    const samples: Array<[number, number]> = [];
    const startedAt = performance.now();
    let fdsAfterWarmup = -1;
    while (performance.now() - startedAt < minutes * 60_000) {
      await sleep(sampleEveryMs);
      await scrape(server); // collects (--expose-gc)
      const heap = metric(await scrape(server), 'nodejs_heap_size_used_bytes') / MB;
      const atMinutes = (performance.now() - startedAt) / 60_000;
      samples.push([atMinutes, heap]);
      if (fdsAfterWarmup < 0 && atMinutes >= warmupMinutes) fdsAfterWarmup = fileDescriptors(server.pid);
      console.error(`churn long: ${atMinutes.toFixed(1)} min, heap ${heap.toFixed(1)} MB after GC`);
    }
    running = false;
    await churner;
    const lapped = nextMessage<{ result: { disconnects: number } }>(bots, 'lap', 10_000);
    bots.send({ type: 'lap' });
    const botDisconnects = (await lapped).result.disconnects;
    await sleep(3_000); // the last churned room disposed
    const afterWarmup = samples.filter(([at]) => at >= warmupMinutes);
    const heapSlopeMBPer10Min = round(slope(afterWarmup) * 10, 3);
    const figures = {
      minutes,
      visitors,
      roomsCreated: metric(await scrape(server), 'mib_rooms_created_total') - createdBefore,
      roomsRetained: await retainedRooms(server),
      churnFailures,
      botDisconnects,
      heapSamples: samples.length,
      heapStartMB: round(afterWarmup[0]?.[1] ?? 0, 1),
      heapEndMB: round(samples.at(-1)?.[1] ?? 0, 1),
      heapSlopeMBPer10Min,
      fdsAfterWarmup,
      fdsAtEnd: fileDescriptors(server.pid),
    };
    return { ...figures, pass: churnLongPasses(figures, (minutes * 60_000) / everyMs) };
  } finally {
    bots?.send({ type: 'stop' });
    bots?.kill();
    await server.stop();
  }
}
