/**
 * `npm run bench:rollout [-- --visitors 200 --seconds 30]`: a rolling restart under load, on the compose
 * topology as processes (bench/shared/topology.ts: two server processes, nginx from the deployment's
 * template, PostgreSQL, Redis, a real LiveKit). Bots enter through the proxy into worlds spread over both
 * processes; every bot presses its world's button now and then, and movers carry the demo world's crates
 * around. Mid-run the process holding the demo world is sent SIGTERM: it drains, and its bots rejoin
 * through the proxy as the player does on 4001 (after 500 ms). Two voice bots in a world on p1 measure how long voice takes to come
 * back. At the end the saved state is read from PostgreSQL. Prints, last, one JSON object:
 *   visitors, acknowledged      bots, and the writes they saw acknowledged (presses answered, crates put
 *                               down where the server says)
 *   lostChanges                 acknowledged but missing from the saved state afterwards
 *   visitorsBackMsP50/P99       the stop signal → back in the world through the proxy (a new connection;
 *                               counted from the signal, so it includes the drain before the close)
 *   voiceBackMsP99              close → hearing each other again
 *   otherProcessDisconnects     connections of the other process's visitors that closed meanwhile
 *   drainMs, drainExitCode      SIGTERM → exit
 * and `baseline`: the same figures when the other process — by then holding every bot — is killed
 * (SIGKILL, no drain) later in the same run: what a crash, or an engine that does not wait, costs.
 * Targets: lostChanges = 0, otherProcessDisconnects = 0, visitorsBackMsP99 ≤ 5,000.
 */
// First: rtc-node (the voice bots) must load quiet, or its debug lines bury the JSON line.
import '../voice/quiet-rtc-node.js';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import { MessageType, type ItemPose } from '../../protocol/index.js';
import { call } from '../shared/bench-api.js';
import { percentile, round } from '../shared/stats.js';
import { enterThroughProxy, startTopology, ROUTES, type Route, type Topology } from '../shared/topology.js';
import { walkTowards, type Visitor } from '../shared/visitors.js';
import { HEARD_RMS, levelOf, voiceBots, type VoiceBots } from '../shared/voice-bots.js';
import { waitFor, within } from '../shared/wait.js';

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = `${process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'}/13`;
const WORLDS = ['demo', 'rollout-1', 'rollout-2', 'rollout-3'];
/** As the player: the first rejoin 500 ms after the close (client/src/shared/net/stay-in-world.ts). */
const REJOIN_AFTER_MS = 500;
const PRESS_EVERY_MS = 2_000;

interface Bot {
  name: string;
  world: string;
  visitor: Visitor | undefined;
  route: Route | undefined;
  /** When its current connection was made (performance.now()). */
  joinedAt: number;
  closes: number;
  stopped: boolean;
}

interface Tally {
  presses: Map<string, number>;
  /** Last crate pose each mover saw acknowledged (resting where the server put it). */
  crates: Map<string, ItemPose>;
  /** Which bot carries which crate around. */
  movers: Map<string, Bot>;
  acknowledged: number;
}

/** Where the saved state must have a crate after a stop, and how exactly. */
interface ExpectedCrate {
  x: number;
  z: number;
  /** 0.01 m for a put-down the mover saw acknowledged; ~ an arm's length for one carried at the stop. */
  within: number;
  /** The acknowledged pose it was (unchanged unless the mover has put it down again since). */
  acknowledged: ItemPose | undefined;
}

async function freshSchema(): Promise<{
  url: string;
  name: string;
  client: pg.Client;
  drop(): Promise<void>;
}> {
  const schema = `mib_bench_rollout_${Date.now()}`;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect().catch((error: unknown) => {
    throw new Error(
      `bench:rollout needs PostgreSQL at ${POSTGRES_URL} (run npm run services): ${String(error)}`,
    );
  });
  await client.query(`create schema ${schema}`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    name: schema,
    client,
    drop: async () => {
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

async function freshRedis(): Promise<string> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await redis.connect();
  await redis.flushdb();
  redis.disconnect();
  return REDIS_URL;
}

/** Keeps a bot in its world: on a close it was not asked for, rejoins through the proxy, as the player. */
function keepIn(topology: Topology, bot: Bot): Promise<void> {
  const join = async (): Promise<void> => {
    for (let attempt = 0; !bot.stopped; attempt++) {
      try {
        const { visitor, route } = await enterThroughProxy(topology, bot.world, bot.name);
        bot.visitor = visitor;
        bot.route = route;
        bot.joinedAt = performance.now();
        visitor.room.onLeave(() => {
          if (bot.stopped) return;
          bot.closes += 1;
          bot.visitor = undefined;
          setTimeout(() => void join(), REJOIN_AFTER_MS);
        });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, Math.min(4_000, 500 * 2 ** attempt)));
      }
    }
  };
  return join();
}

/** Presses now and then; counts each press the room acknowledged (stored before it answers). */
async function presser(bot: Bot, tally: Tally, until: () => boolean): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.random() * PRESS_EVERY_MS));
  while (!until()) {
    const visitor = bot.visitor;
    if (visitor) {
      try {
        await within(visitor.press(), 5_000, () => {
          throw new Error('no answer');
        });
        tally.presses.set(bot.world, (tally.presses.get(bot.world) ?? 0) + 1);
        tally.acknowledged += 1;
      } catch {
        // refused while draining, or the connection went: not acknowledged, so not counted
      }
    }
    await new Promise((resolve) => setTimeout(resolve, PRESS_EVERY_MS));
  }
}

/** Carries one crate of the demo world to random spots; records each put-down the server confirms. */
async function mover(bot: Bot, crate: string, tally: Tally, until: () => boolean): Promise<void> {
  let seq = 0;
  while (!until()) {
    const visitor = bot.visitor;
    try {
      if (!visitor) throw new Error('between connections');
      const at = await waitFor(() => visitor.items().get(crate), Boolean, { what: crate, timeoutMs: 5_000 });
      const near = (x: number, z: number, d: number) => () =>
        Math.hypot(visitor.self()!.x - x, visitor.self()!.z - z) < d;
      await walkTowards(visitor, at!, near(at!.x, at!.z, 1.2), () => ++seq);
      visitor.room.send(MessageType.interact, { entity: crate });
      await waitFor(
        () => visitor.items().get(crate)?.heldBy,
        (by) => by === visitor.sessionId,
        {
          what: 'grab',
          timeoutMs: 3_000,
        },
      );
      const target = { x: -8 + Math.random() * 16, z: -8 + Math.random() * 6 };
      await walkTowards(visitor, target, near(target.x, target.z, 1), () => ++seq);
      visitor.room.send(MessageType.interact, { entity: crate });
      const put = await waitFor(
        () => visitor.items().get(crate),
        (item) => item?.heldBy === '',
        {
          what: 'put down',
          timeoutMs: 3_000,
        },
      );
      tally.crates.set(crate, { x: put!.x, y: put!.y, z: put!.z, yaw: put!.yaw });
      tally.movers.set(crate, bot);
      tally.acknowledged += 1;
    } catch {
      // the connection moved mid-carry: start over (the carried crate was put down by the drain)
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

interface Phase {
  /** Crates put down (acknowledged) before the stop, not moved since, and not where the saved state has them. */
  lostChanges: number;
  drainMs: number;
  drainExitCode: number | null;
  visitorsBackMsP50: number;
  visitorsBackMsP99: number;
  visitorsBack: number;
  voiceBackMsP99: number;
  otherProcessDisconnects: number;
}

/** Stops `route` (drain, or kill) with bots on both processes; measures who comes back and how fast. */
async function restart(
  topology: Topology,
  bots: Bot[],
  voice: VoiceBots,
  route: Route,
  how: 'drain' | 'kill',
  tally: Tally,
  db: Db,
): Promise<Phase> {
  const stopped = bots.filter((bot) => bot.route === route);
  const others = bots.filter((bot) => bot.route !== route);
  const othersCloses = others.reduce((sum, bot) => sum + bot.closes, 0);
  // Two islanders in a world on the stopped process measure voice coming back.
  const world = stopped[0]?.world ?? 'demo';
  const ada = await voice.bot(`ada-${how}`, { world });
  const bob = await voice.bot(`bob-${how}`, { world });
  await waitFor(
    () => levelOf(bob, ada),
    (level) => level > HEARD_RMS,
    { what: 'voice before', timeoutMs: 20_000 },
  );
  const started = performance.now();
  const roomsAtStop = new Map(stopped.map((bot) => [bot, bot.visitor?.room.roomId]));
  const expected = expectedCrates(tally);
  const stopping = how === 'drain' ? topology.processes[route].stop() : topology.processes[route].kill();
  // The voice bots rejoin as the player does: a new session in the world, then voice again.
  await waitFor(
    () => ada.visitor.leftWith(),
    (code) => code !== undefined,
    { what: 'voice bots closed', timeoutMs: 15_000 },
  );
  const closedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, REJOIN_AFTER_MS));
  const ada2 = await waitFor(() => voice.bot(`ada2-${how}`, { world }).catch(() => undefined), Boolean, {
    what: 'voice bot back',
    timeoutMs: 30_000,
  });
  const bob2 = await waitFor(() => voice.bot(`bob2-${how}`, { world }).catch(() => undefined), Boolean, {
    what: 'voice bot back',
    timeoutMs: 30_000,
  });
  await waitFor(
    () => levelOf(bob2!, ada2!),
    (level) => level > HEARD_RMS,
    { what: 'voice after', timeoutMs: 30_000 },
  );
  const voiceBackMs = performance.now() - closedAt;
  const { code, ms } = await stopping;
  const isBack = (bot: Bot): boolean =>
    bot.visitor !== undefined && bot.visitor.room.roomId !== roomsAtStop.get(bot) && bot.joinedAt > started;
  await waitFor(() => stopped.every(isBack), Boolean, {
    what: 'every bot of the stopped process back',
    // After a kill the SDK first tries to resume its session (up to 15 times) before the bot rejoins.
    timeoutMs: how === 'drain' ? 30_000 : 120_000,
    intervalMs: 100,
  }).catch(() => undefined);
  const back = stopped.filter(isBack).map((bot) => bot.joinedAt - started);
  console.error(
    `bench:rollout: ${how} ${route}: exit ${code} after ${round(ms, 0)} ms; ${back.length}/${stopped.length} bots back ` +
      `(p99 ${round(percentile(back, 99), 0)} ms); voice back after ${round(voiceBackMs, 0)} ms (${round(performance.now() - started, 0)} ms in all)`,
  );
  await topology.processes[route].start();
  const unmoved = new Map(
    [...expected].filter(([crate, was]) => tally.crates.get(crate) === was.acknowledged),
  );
  return {
    lostChanges: await lostCrates(db, unmoved),
    drainMs: round(ms, 0),
    drainExitCode: code,
    visitorsBack: back.length,
    visitorsBackMsP50: round(percentile(back, 50), 0),
    visitorsBackMsP99: round(percentile(back, 99), 0),
    voiceBackMsP99: round(voiceBackMs, 0),
    otherProcessDisconnects: others.reduce((sum, bot) => sum + bot.closes, 0) - othersCloses,
  };
}

/** The bench's PostgreSQL schema and a connection to read it. */
type Db = { name: string; client: pg.Client };

type SavedStates = Map<string, { presses: number; items?: Record<string, ItemPose> }>;

async function savedStates(db: Db): Promise<SavedStates> {
  const rows = await db.client.query<{
    slug: string;
    state: { presses: number; items?: Record<string, ItemPose> };
  }>(`select w.slug, s.state from ${db.name}.world_state s join ${db.name}.worlds w on w.id = s.world_id`);
  return new Map(rows.rows.map((row) => [row.slug, row.state]));
}

/**
 * Where each crate must be saved after a stop now: where its mover last put it down (acknowledged), or —
 * when the mover carries it at this moment — about where the mover stands (a drain puts carried items down
 * where their holders are, as when they leave).
 */
function expectedCrates(tally: Tally): Map<string, ExpectedCrate> {
  const expected = new Map<string, ExpectedCrate>();
  for (const [crate, bot] of tally.movers) {
    const visitor = bot.visitor;
    const acknowledged = tally.crates.get(crate);
    const self = visitor?.self();
    if (visitor && self && visitor.items().get(crate)?.heldBy === visitor.sessionId)
      expected.set(crate, { x: self.x, z: self.z, within: 2, acknowledged });
    else if (acknowledged) expected.set(crate, { ...acknowledged, within: 0.01, acknowledged });
  }
  return expected;
}

/** Crates the demo world's saved state does not have where they must be. */
async function lostCrates(db: Db, crates: Map<string, ExpectedCrate>): Promise<number> {
  const saved = (await savedStates(db)).get('demo');
  let lost = 0;
  for (const [crate, want] of crates) {
    const stored = saved?.items?.[crate];
    if (!stored || Math.hypot(stored.x - want.x, stored.z - want.z) > want.within) {
      console.error(
        `bench:rollout: ${crate} saved at ${JSON.stringify(stored)}, expected ${JSON.stringify(want)}`,
      );
      lost += 1;
    }
  }
  return lost;
}

/** Acknowledged presses missing from the saved counts (each is stored before it is answered). */
async function lostPresses(db: Db, before: Map<string, number>, tally: Tally): Promise<number> {
  const saved = await savedStates(db);
  let lost = 0;
  for (const [world, acknowledged] of tally.presses) {
    const gained = (saved.get(world)?.presses ?? 0) - (before.get(world) ?? 0);
    lost += Math.max(0, acknowledged - gained);
  }
  return lost;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { visitors: { type: 'string', default: '200' }, seconds: { type: 'string', default: '10' } },
  });
  const visitorCount = Number(values.visitors);
  const settleMs = Number(values.seconds) * 1000;
  if (!Number.isInteger(visitorCount) || visitorCount < 4)
    throw new Error('bench:rollout: --visitors must be a whole number of at least 4, e.g. --visitors 200');
  const schema = await freshSchema();
  const topology = await startTopology({
    databaseUrl: schema.url,
    redisUrl: await freshRedis(),
    logLevel: 'warn',
    env: {
      RATE_LIMIT_WRITES_PER_MINUTE: '100000',
      RATE_LIMIT_AUTH_PER_MINUTE: '100000',
      RATE_LIMIT_VOICE_TOKENS_PER_MINUTE: '100000',
    },
  });
  const voice = voiceBots(topology.url);
  const bots: Bot[] = [];
  try {
    const owner = (await (
      await call(`${topology.url}/auth/register`, {
        method: 'POST',
        json: {
          email: `rollout-${Date.now()}@example.com`,
          password: 'bench-password-1',
          displayName: 'Bench',
        },
      })
    ).json()) as { accessToken: string };
    await call(`${topology.url}/orgs`, {
      method: 'POST',
      token: owner.accessToken,
      json: { slug: 'rollout', name: 'Rollout' },
    });
    for (const slug of WORLDS.slice(1))
      await call(`${topology.url}/orgs/rollout/worlds`, {
        method: 'POST',
        token: owner.accessToken,
        json: { slug, name: slug, visibility: 'public' },
      });

    for (let i = 0; i < visitorCount; i++)
      bots.push({
        name: `bot-${i}`,
        world: WORLDS[i % WORLDS.length]!,
        visitor: undefined,
        route: undefined,
        joinedAt: 0,
        closes: 0,
        stopped: false,
      });
    // In batches: a crowd arriving at once is not what this measures.
    for (let i = 0; i < bots.length; i += 20)
      await Promise.all(bots.slice(i, i + 20).map((bot) => keepIn(topology, bot)));
    const spread = Object.fromEntries(
      ROUTES.map((route) => [route, bots.filter((bot) => bot.route === route).length]),
    );
    console.error(`bench:rollout: ${bots.length} bots in ${WORLDS.length} worlds: ${JSON.stringify(spread)}`);
    if (!spread.p1 || !spread.p2) throw new Error('bench:rollout: every world landed on one process');

    const before = new Map<string, number>();
    for (const world of WORLDS) before.set(world, (await enterAndRead(topology, world)) ?? 0);
    const tally: Tally = { presses: new Map(), crates: new Map(), movers: new Map(), acknowledged: 0 };
    let done = false;
    const until = () => done;
    const demoBots = bots.filter((bot) => bot.world === 'demo');
    const work = [
      ...bots.map((bot) => presser(bot, tally, until)),
      ...['crate-1', 'crate-2', 'crate-3'].map((crate, i) => mover(demoBots[i]!, crate, tally, until)),
    ];
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    // Drain the process that holds the demo world (its crates are the moved items), then kill the other.
    const first = bots.find((bot) => bot.world === 'demo')!.route!;
    const drained = await restart(topology, bots, voice, first, 'drain', tally, schema);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const killed = await restart(topology, bots, voice, first === 'p1' ? 'p2' : 'p1', 'kill', tally, schema);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    done = true;
    await Promise.all(work);
    for (const bot of bots) bot.stopped = true;
    await Promise.all(bots.map((bot) => bot.visitor?.leave().catch(() => undefined) ?? Promise.resolve()));
    await voice.close();
    // Rooms save on their own schedule and when their last visitor leaves; give them a moment.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const presses = await lostPresses(schema, before, tally);
    console.log(
      JSON.stringify({
        visitors: bots.length,
        acknowledged: tally.acknowledged,
        ...drained,
        lostChanges: drained.lostChanges + presses,
        lostPresses: presses,
        baseline: { how: 'SIGKILL of the other process later in the same run', ...killed },
      }),
    );
  } finally {
    for (const bot of bots) bot.stopped = true;
    await topology.stop();
    await schema.drop();
  }
}

/** The world's press count as stored now (a visitor's view right after joining). */
async function enterAndRead(topology: Topology, world: string): Promise<number | undefined> {
  const { visitor } = await enterThroughProxy(topology, world, 'reader');
  const presses = visitor.presses();
  await visitor.leave();
  return presses;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
