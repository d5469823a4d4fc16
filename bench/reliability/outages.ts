/**
 * Harness 3, dependency outages: one server process reaches PostgreSQL, Redis and a real LiveKit through
 * fault proxies (fault-proxy.ts) while visitors walk and press. In turn: Redis restarted, Redis blackholed,
 * PostgreSQL refusing, PostgreSQL slow, LiveKit gone — each followed by recovery. /readyz is polled every
 * 100 ms throughout. At the end the process is killed and the stored press count read from PostgreSQL.
 *
 * Pass: the process never exits; /readyz answers 503 within 2 s of a PostgreSQL or Redis outage and 200
 * within 5 s of recovery; LiveKit down shows as degraded with 200s and never a 503; rooms keep simulating
 * (≥ 90 % of the tick rate) through the Redis outage; every acknowledged press is stored (0 lost) and no
 * press is stored that was not sent (0 phantom).
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TICK_HZ } from '../../protocol/index.js';
import { freshRedis, freshSchema } from '../rollout/saved-state.js';
import { startBenchLiveKit } from '../shared/bench-livekit.js';
import { round } from '../shared/stats.js';
import { freePort, startBenchServer } from '../shared/server-process.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { monitorReadiness, outageTimings, type OutageTimings } from './readiness-monitor.js';
import { startWorldLoad } from './world-load.js';

export interface OutageScenario extends OutageTimings {
  name: string;
  faultSeconds: number;
  /** Mean room ticks per second the visitors saw while the fault lasted. */
  ticksPerSecondDuring: number;
}

export interface OutageFigures {
  scenarios: OutageScenario[];
  processExits: number;
  presses: { sent: number; acknowledged: number; refused: number; stored: number };
  lostPresses: number;
  phantomPresses: number;
  visitorCloses: number;
  pass: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface ScenarioPlan {
  name: string;
  proxy: FaultProxy;
  /** Starts the fault; resolves when it is in place (a restart resolves when it is over). */
  fault: () => Promise<void> | void;
  faultMs: number;
  /** Out of rotation expected (PostgreSQL, Redis); LiveKit must stay in rotation, degraded. */
  required: boolean;
}

/** Whether one scenario's figures meet the harness' targets. */
export function scenarioPasses(
  scenario: OutageScenario,
  plan: Pick<ScenarioPlan, 'required'> & { restart?: boolean },
): boolean {
  if (scenario.otherAnswers > 0) return false;
  if (scenario.readyAgainAfterMs === null || scenario.readyAgainAfterMs > 5_000) return false;
  if (!plan.required) return scenario.notReadyAnswers === 0 && scenario.degradedAnswers > 0;
  if (plan.restart) return true; // a restart may be over before the next probe; it must come back in time
  return scenario.notReadyAfterMs !== null && scenario.notReadyAfterMs <= 2_000;
}

export async function runOutages({ blackholeSeconds = 30, faultSeconds = 10 } = {}): Promise<OutageFigures> {
  const schema = await freshSchema();
  const redisUrl = new URL(await freshRedis());
  const work = await mkdtemp(path.join(os.tmpdir(), 'mib-outages-'));
  const { livekit, apiKey, apiSecret } = await startBenchLiveKit({
    workDir: work,
    apiKey: 'APIoutages',
    logLevel: 'error',
  });
  const postgresUrl = new URL(schema.url);
  const postgres = await startFaultProxy({
    host: postgresUrl.hostname,
    port: Number(postgresUrl.port || 5432),
  });
  const redis = await startFaultProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
  const livekitAddress = new URL(livekit.url);
  const voice = await startFaultProxy({ host: livekitAddress.hostname, port: Number(livekitAddress.port) });
  postgresUrl.host = `127.0.0.1:${postgres.port}`;
  redisUrl.host = `127.0.0.1:${redis.port}`;

  const port = await freePort();
  const server = await startBenchServer({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: postgresUrl.toString(),
    REDIS_URL: redisUrl.toString(),
    LIVEKIT_URL: `ws://127.0.0.1:${voice.port}`,
    LIVEKIT_PUBLIC_URL: livekit.url,
    LIVEKIT_API_KEY: apiKey,
    LIVEKIT_API_SECRET: apiSecret,
    DEV_CHAIN: 'off',
  });
  let exitedBeforeTheEnd: boolean;
  const monitor = monitorReadiness(server.url);
  const load = await startWorldLoad(server.url);
  const scenarios: OutageScenario[] = [];
  const plans: Array<ScenarioPlan & { restart?: boolean }> = [
    {
      name: 'redis restarted',
      proxy: redis,
      fault: () => redis.restart(1_000),
      faultMs: 0,
      required: true,
      restart: true,
    },
    {
      name: 'redis blackholed',
      proxy: redis,
      fault: () => redis.set('blackhole'),
      faultMs: blackholeSeconds * 1_000,
      required: true,
    },
    {
      name: 'postgres refusing',
      proxy: postgres,
      fault: () => postgres.set('refuse'),
      faultMs: faultSeconds * 1_000,
      required: true,
    },
    {
      name: 'postgres slow (3 s a chunk)',
      proxy: postgres,
      fault: () => postgres.set('slow', 3_000),
      faultMs: faultSeconds * 1_000,
      required: true,
    },
    {
      name: 'livekit gone',
      proxy: voice,
      fault: () => voice.set('refuse'),
      faultMs: faultSeconds * 1_000,
      required: false,
    },
  ];
  let pass = true;
  try {
    await sleep(3_000); // settled: every visitor walking, presses answered
    for (const plan of plans) {
      const faultAt = Date.now();
      await plan.fault();
      await sleep(plan.faultMs);
      plan.proxy.set('pass');
      const healAt = Date.now();
      await sleep(8_000);
      const scenario: OutageScenario = {
        name: plan.name,
        faultSeconds: round((healAt - faultAt) / 1000, 1),
        ...outageTimings(monitor.samples, faultAt, healAt, Date.now()),
        ticksPerSecondDuring: round(load.ticksPerSecond(faultAt, healAt), 1),
      };
      if (!scenarioPasses(scenario, plan)) pass = false;
      if (plan.name === 'redis blackholed' && scenario.ticksPerSecondDuring < 0.9 * TICK_HZ) pass = false;
      scenarios.push(scenario);
      console.error(`outages: ${JSON.stringify(scenario)}`);
    }
  } finally {
    await load.stop();
    await monitor.stop();
    exitedBeforeTheEnd = server.child.exitCode !== null || server.child.signalCode !== null;
    server.child.kill('SIGKILL');
    await new Promise((resolve) =>
      server.child.exitCode === null ? server.child.once('exit', resolve) : resolve(null),
    );
    await Promise.all([postgres.close(), redis.close(), voice.close()]);
    await livekit.stop();
  }
  const stored = await schema.client.query<{ presses: number }>(
    `select (state->>'presses')::int as presses from ${schema.name}.world_state s join ${schema.name}.worlds w on w.id = s.world_id where w.slug = 'demo'`,
  );
  await schema.drop();
  const storedPresses = stored.rows[0]?.presses ?? 0;
  const presses = { ...load.presses, stored: storedPresses };
  const lostPresses = Math.max(
    0,
    load.presses.highestCount - storedPresses,
    load.presses.acknowledged - storedPresses,
  );
  const phantomPresses = Math.max(0, storedPresses - load.presses.sent);
  // The kill at the end is ours: only an exit before it counts.
  const processExits = exitedBeforeTheEnd ? 1 : 0;
  if (processExits !== 0 || lostPresses !== 0 || phantomPresses !== 0) pass = false;
  return {
    scenarios,
    processExits,
    presses: {
      sent: presses.sent,
      acknowledged: presses.acknowledged,
      refused: presses.refused,
      stored: storedPresses,
    },
    lostPresses,
    phantomPresses,
    visitorCloses: load.closes.length,
    pass,
  };
}
