/**
 * Harness 4, room churn and leaks: a visitor joins the demo world and leaves, `rooms` times, so each visit
 * creates a room and its leaving disposes it — on one process with in-process presence, and again with
 * Redis presence. The server runs under `node --expose-gc`, so `mib_rooms_disposed_uncollected` is exact
 * a scrape after a full collection (server/observability/metrics.ts).
 *
 * Pass: every room created was disposed and freed (0 retained), no room listing left in Redis, and the
 * process holds no more file descriptors than after the warm-up (± 5 for sockets still closing).
 */
import { readdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import { freshRedis } from '../rollout/saved-state.js';
import { freePort, metric, startBenchServer, type BenchServer } from '../shared/server-process.js';
import { joinWorld } from '../shared/visitors.js';
import { waitFor } from '../shared/wait.js';

export interface ChurnRun {
  presence: 'local' | 'redis';
  roomsCreated: number;
  roomsLiveAtEnd: number;
  /** Disposed rooms still in memory after a full GC (must be 0). */
  roomsRetained: number;
  /** Room listings left in Redis after every room closed (redis only). */
  listingsLeft: number;
  fdsAfterWarmup: number;
  fdsAtEnd: number;
  pass: boolean;
}

export interface ChurnFigures {
  local: ChurnRun;
  redis: ChurnRun;
  pass: boolean;
}

export const fileDescriptors = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

export async function scrape(server: BenchServer): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

/** Disposed rooms still in memory: one scrape to collect (and queue the finalizers), one to read. */
export async function retainedRooms(server: BenchServer): Promise<number> {
  await scrape(server);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await scrape(server);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return metric(await scrape(server), 'mib_rooms_disposed_uncollected');
}

/** Whether one run's figures meet the harness' targets. */
export function churnPasses(run: Omit<ChurnRun, 'pass'>, rooms: number): boolean {
  return (
    run.roomsCreated >= rooms &&
    run.roomsLiveAtEnd === 0 &&
    run.roomsRetained === 0 &&
    run.listingsLeft === 0 &&
    run.fdsAtEnd - run.fdsAfterWarmup <= 5
  );
}

async function churnOnce(presence: 'local' | 'redis', rooms: number): Promise<ChurnRun> {
  const redisUrl = presence === 'redis' ? await freshRedis() : undefined;
  const port = await freePort();
  const server = await startBenchServer(
    {
      PORT: String(port),
      DEV_CHAIN: 'off',
      ...(redisUrl && { REDIS_URL: redisUrl, PUBLIC_URL: `http://127.0.0.1:${port}` }),
    },
    ['--expose-gc'],
  );
  try {
    const visit = async (): Promise<void> => {
      const visitor = await joinWorld(server.url, { name: 'Churner' });
      await visitor.leave();
    };
    for (let i = 0; i < 20; i++) await visit(); // warm-up: pools, caches, compiled code
    const live = async () => metric(await scrape(server), 'mib_rooms');
    await waitFor(live, (count) => count === 0, { what: 'the warm-up rooms disposed' });
    const fdsAfterWarmup = fileDescriptors(server.pid);
    const createdBefore = metric(await scrape(server), 'mib_rooms_created_total');
    for (let i = 0; i < rooms; i++) {
      await visit();
      if ((i + 1) % 100 === 0) console.error(`churn ${presence}: ${i + 1}/${rooms} rooms`);
    }
    const roomsLiveAtEnd = await waitFor(live, (count) => count === 0, {
      what: 'every room disposed',
      timeoutMs: 20_000,
    }).catch(live);
    let listingsLeft = 0;
    if (redisUrl) {
      const redis = new Redis(redisUrl);
      listingsLeft = await redis.hlen('roomcaches');
      redis.disconnect();
    }
    const run = {
      presence,
      roomsCreated: metric(await scrape(server), 'mib_rooms_created_total') - createdBefore,
      roomsLiveAtEnd,
      roomsRetained: await retainedRooms(server),
      listingsLeft,
      fdsAfterWarmup,
      fdsAtEnd: fileDescriptors(server.pid),
    };
    return { ...run, pass: churnPasses(run, rooms) };
  } finally {
    await server.stop();
  }
}

export async function runChurn({ rooms = 500 } = {}): Promise<ChurnFigures> {
  const local = await churnOnce('local', rooms);
  const redis = await churnOnce('redis', rooms);
  return { local, redis, pass: local.pass && redis.pass };
}
