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
// First: rtc-node (the voice bots) must load quiet, or its debug lines bury the JSON line.
import '../voice/quiet-rtc-node.js';
import { parseArgs } from 'node:util';
import { call } from '../shared/bench-api.js';
import { percentile, round } from '../shared/stats.js';
import { enterThroughProxy, startTopology, ROUTES, type Route, type Topology } from '../shared/topology.js';
import { HEARD_RMS, levelOf, voiceBots, type VoiceBots } from '../shared/voice-bots.js';
import { waitFor } from '../shared/wait.js';
import { REJOIN_AFTER_MS, keepIn, mover, newBot, presser, type Bot, type Tally } from './bots.js';
import { expectedCrates, freshRedis, freshSchema, lostCrates, lostPresses, type Db } from './saved-state.js';

const WORLDS = ['demo', 'rollout-1', 'rollout-2', 'rollout-3'];

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

    for (let i = 0; i < visitorCount; i++) bots.push(newBot(`bot-${i}`, WORLDS[i % WORLDS.length]!));
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
