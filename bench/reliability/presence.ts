/**
 * Harness 5, presence health under load: two server processes share PostgreSQL and Redis; visitors are in
 * the demo world on p1. p1's event loop is then held busy for `busySeconds` (a loop run through its
 * inspector: full CPU, no timers, no Redis replies — what a stuck handler or a GC storm does) while a
 * newcomer asks p2 for the demo world every 2 s. Afterwards p1 is killed (SIGKILL) while the newcomer
 * keeps asking.
 *
 * Pass: while p1 is busy and after, there is never more than one instance of the demo world (p2 does not
 * open a second one because p1 was slow); p1's room is still listed when it wakes and a newcomer through
 * p2 gets into it; once p1 is dead its listing is gone, and a newcomer is in a working room, within the
 * health-check period (Colyseus' 2 s remote-call timeout plus its 2 s health check: ≤ 10 s counted
 * generously).
 */
import { Redis } from 'ioredis';
import { freshRedis, freshSchema } from '../rollout/saved-state.js';
import { freePort, startBenchServer, type BenchServer } from '../shared/server-process.js';
import { joinWorld, type Visitor } from '../shared/visitors.js';
import { within } from '../shared/wait.js';
import { holdBusy } from './busy-loop.js';

export interface PresenceFigures {
  busySeconds: number;
  /** Join attempts through p2 while p1 was busy, and how they ended. */
  joinsWhileBusy: { joinedExisting: number; joinedNewRoom: number; failed: number };
  /** Most rooms of the demo world listed at once, over the whole run (must be 1). */
  mostDemoRooms: number;
  listedWhenAwake: boolean;
  joinableWhenAwake: boolean;
  visitorsOnP1KeptThrough: number;
  /** p1 killed → its listing gone from Redis, and → a newcomer joined a working room (ms; null: never). */
  listingGoneAfterKillMs: number | null;
  joinedAfterKillMs: number | null;
  pass: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Listing {
  roomId: string;
  processId: string;
  /** host:port of the process (its PUBLIC_URL). */
  publicAddress?: string;
  metadata?: { world?: string };
}

interface Process {
  server: BenchServer;
  port: number;
  inspectPort: number;
}

/** The demo world's rooms as Redis lists them, with the process holding each. */
async function demoRooms(redis: Redis): Promise<Listing[]> {
  const listings = await redis.hgetall('roomcaches');
  return Object.values(listings)
    .map((json) => JSON.parse(json) as Listing)
    .filter((room) => room.metadata?.world === 'demo');
}

export async function runPresence({ busySeconds = 30 } = {}): Promise<PresenceFigures> {
  const schema = await freshSchema();
  const redisUrl = await freshRedis();
  const redis = new Redis(redisUrl);
  const start = async (): Promise<Process> => {
    const port = await freePort();
    const inspectPort = await freePort();
    const server = await startBenchServer(
      {
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: schema.url,
        REDIS_URL: redisUrl,
        DEV_CHAIN: 'off',
      },
      [`--inspect=127.0.0.1:${inspectPort}`],
    );
    return { server, port, inspectPort };
  };
  const processes = [await start(), await start()];
  let p1 = processes[0]!.server;
  let p2: BenchServer;
  let inspectPort: number;
  const visitors: Visitor[] = [];
  let mostDemoRooms = 0;
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      mostDemoRooms = Math.max(mostDemoRooms, (await demoRooms(redis).catch(() => [])).length);
      await sleep(250);
    }
  })();
  try {
    for (let i = 0; i < 5; i++) visitors.push(await joinWorld(p1.url, { name: `Early ${i + 1}` }));
    const [p1Room] = await demoRooms(redis);
    if (!p1Room) throw new Error('presence: the demo world is not listed in Redis after joining it');
    // Colyseus creates a room on whichever process holds fewest: "p1" is the one that holds it.
    const holder = processes.find((candidate) => p1Room.publicAddress?.endsWith(`:${candidate.port}`));
    if (!holder) throw new Error(`presence: no process has the demo room's address ${p1Room.publicAddress}`);
    p1 = holder.server;
    p2 = processes.find((candidate) => candidate !== holder)!.server;
    inspectPort = holder.inspectPort;

    // p1 busy: newcomers ask p2 meanwhile.
    const joinsWhileBusy = { joinedExisting: 0, joinedNewRoom: 0, failed: 0 };
    const busy = holdBusy(inspectPort, busySeconds);
    const busyUntil = Date.now() + busySeconds * 1000;
    while (Date.now() < busyUntil - 2_000) {
      const newcomer = await within(joinWorld(p2.url, { name: 'Newcomer' }), 10_000, () => undefined).catch(
        () => undefined,
      );
      if (!newcomer) joinsWhileBusy.failed++;
      else {
        if (newcomer.room.roomId === p1Room.roomId) joinsWhileBusy.joinedExisting++;
        else joinsWhileBusy.joinedNewRoom++;
        void newcomer.leave().catch(() => undefined);
      }
      await sleep(2_000);
    }
    await busy;
    await sleep(3_000); // p1 answers again; anything it missed is caught up
    const awake = await demoRooms(redis);
    const listedWhenAwake = awake.some((room) => room.roomId === p1Room.roomId);
    const late = await within(joinWorld(p2.url, { name: 'After' }), 10_000, () => undefined).catch(
      () => undefined,
    );
    const joinableWhenAwake = late?.room.roomId === p1Room.roomId;
    await late?.leave().catch(() => undefined);
    const visitorsOnP1KeptThrough = visitors.filter((visitor) => visitor.leftWith() === undefined).length;

    // p1 dies for good.
    const killedAt = performance.now();
    p1.child.kill('SIGKILL');
    let listingGoneAfterKillMs: number | null = null;
    let joinedAfterKillMs: number | null = null;
    while (
      performance.now() - killedAt < 30_000 &&
      (listingGoneAfterKillMs === null || joinedAfterKillMs === null)
    ) {
      if (
        listingGoneAfterKillMs === null &&
        !(await demoRooms(redis)).some((room) => room.processId === p1Room.processId)
      )
        listingGoneAfterKillMs = Math.round(performance.now() - killedAt);
      if (joinedAfterKillMs === null) {
        const newcomer = await within(joinWorld(p2.url, { name: 'Survivor' }), 8_000, () => undefined).catch(
          () => undefined,
        );
        if (newcomer) {
          joinedAfterKillMs = Math.round(performance.now() - killedAt);
          await newcomer.leave().catch(() => undefined);
        }
      }
      await sleep(250);
    }
    const figures = {
      busySeconds,
      joinsWhileBusy,
      mostDemoRooms,
      listedWhenAwake,
      joinableWhenAwake,
      visitorsOnP1KeptThrough,
      listingGoneAfterKillMs,
      joinedAfterKillMs,
    };
    return {
      ...figures,
      pass:
        mostDemoRooms === 1 &&
        joinsWhileBusy.joinedNewRoom === 0 &&
        listedWhenAwake &&
        joinableWhenAwake &&
        listingGoneAfterKillMs !== null &&
        listingGoneAfterKillMs <= 10_000 &&
        joinedAfterKillMs !== null &&
        joinedAfterKillMs <= 10_000,
    };
  } finally {
    watching = false;
    await watcher;
    // Not awaited: a visitor whose server was killed leaves only once its SDK stops trying to reconnect.
    for (const visitor of visitors) void visitor.leave().catch(() => undefined);
    for (const { server } of processes) server.child.kill('SIGKILL');
    redis.disconnect();
    await schema.drop();
  }
}
