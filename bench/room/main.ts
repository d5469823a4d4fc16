/**
 * `npm run bench:room -- --clients N --seconds S [--spread scattered|crowd] [--churn C] [--bot-processes P]`
 *
 * Starts the built server as its own process, makes the benchmark's own world (`bench-room`: a flat scene
 * with one spawn point, so changes to the demo world never move these figures), drives N bot clients from
 * P bot processes, measures a window of S seconds, then does the same with interest management off (every
 * avatar to everyone) as the baseline. `--spread crowd` keeps everyone walking inside a 20 m square (as
 * before a stage); `--churn C`: C visitors leave and C join every second (planned leaves are not
 * disconnects). Prints a readable summary, then, as its last line, one JSON object with the figures.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nextMessage } from '../shared/child-messages.js';
import { cpuSeconds, percentile, round, serverMemory } from '../shared/stats.js';
import { BENCH_OPERATOR, call, operatorToken, publishDraft, replaceDraft } from '../shared/bench-api.js';
import { metric, startBenchServer } from '../shared/server-process.js';
import type { BotProcessOptions, BotProcessResult } from './bot-process.js';

const BOT_ENTRY = fileURLToPath(new URL('./bot-process.js', import.meta.url));
const WORLD = 'bench-room';
/** Half the side of a crowd's square, in metres (20 m across). */
const CROWD_HALF = 10;

interface Figures {
  clients: number;
  spread: 'scattered' | 'crowd';
  churn: number;
  /** Planned leaves and the joins that replaced them (churn). */
  churnLeaves: number;
  churnJoins: number;
  /** How long a churn join took, from asking to holding a position, in ms. */
  churnJoinMsP50: number;
  churnJoinMsP99: number;
  connectedAtEnd: number;
  disconnects: number;
  joinFailures: number;
  seconds: number;
  tickMsP50: number;
  tickMsP99: number;
  patchMsP50: number;
  patchMsP99: number;
  downBytesPerClientPerSecP50: number;
  downBytesPerClientPerSecP99: number;
  latencyMsP50: number;
  latencyMsP99: number;
  latencySamples: number;
  serverCpuPercent: number;
  /** The server process at the end of the run (with everyone in), in MB. */
  serverRssMB: number;
  serverPssMB: number;
  /** Of serverRssMB: the JS heap in use, and memory outside it (buffers, WASM), from /metrics. */
  serverHeapUsedMB: number;
  serverExternalMB: number;
  /** Its embedded PostgreSQL (every process of it) at the end; 0 on PGlite or DATABASE_URL. */
  databaseRssMB: number;
  databasePssMB: number;
  databaseProcesses: number;
  /** Server + embedded database, shared pages counted once (PSS). */
  totalPssMB: number;
  /** The same before any visitor joined (the world made, 8 s after start). */
  idleServerRssMB: number;
  idleDatabaseRssMB: number;
  idleDatabasePssMB: number;
  idleTotalPssMB: number;
  /** Patches (movement-frame rounds and schema patches) the room sent per second; 20+ when it keeps up. */
  patchesPerSec: number;
  /** CPU of all bot processes together, in % of one core: on 2 cores, what the server did not get. */
  botCpuPercent: number;
  /** Schema patches decoded by the bots per second (@colyseus/sdk; the bots that only count bytes aside). */
  decodedPatchesPerSec: number;
}

function usage(message: string): never {
  process.stderr.write(
    `bench:room: ${message}\nusage: npm run bench:room -- --clients 100 --seconds 30 [--spread scattered|crowd] [--churn 10] [--bot-processes 2]\n`,
  );
  process.exit(2);
}

interface Args {
  clients: number;
  seconds: number;
  botProcesses: number;
  spread: 'scattered' | 'crowd';
  churn: number;
  /** Measure only ours (no baseline run); the JSON then has no baseline or ratios. */
  skipBaseline: boolean;
  /** Directory for CPU profiles of the server (ours only), and of the bot processes in its bots/. */
  profileServer: string | undefined;
}

function readArgs(): Args {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '30' },
      'bot-processes': { type: 'string' },
      spread: { type: 'string', default: 'scattered' },
      churn: { type: 'string', default: '0' },
      'skip-baseline': { type: 'boolean', default: false },
      'profile-server': { type: 'string' },
    },
  });
  const clients = Number(values.clients);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(clients) || clients < 2 || clients > 5000)
    usage('--clients must be a whole number from 2 to 5000');
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 600) usage('--seconds must be from 1 to 600');
  const botProcesses = values['bot-processes'] ? Number(values['bot-processes']) : clients > 200 ? 2 : 1;
  if (!Number.isInteger(botProcesses) || botProcesses < 1 || botProcesses > 16)
    usage('--bot-processes must be from 1 to 16');
  const spread = values.spread;
  if (spread !== 'scattered' && spread !== 'crowd') usage('--spread must be scattered or crowd');
  const churn = Number(values.churn);
  if (!Number.isInteger(churn) || churn < 0 || churn > clients / 2)
    usage(`--churn must be a whole number of visitors a second from 0 to half of --clients (${clients / 2})`);
  return {
    clients,
    seconds,
    botProcesses,
    spread,
    churn,
    skipBaseline: values['skip-baseline'],
    profileServer: values['profile-server'],
  };
}

async function run(
  mode: 'interest' | 'baseline',
  { clients, seconds, botProcesses, spread, churn, profileServer }: Args,
): Promise<Figures> {
  const server = await startBenchServer(
    {
      ...BENCH_OPERATOR,
      INTEREST_MANAGEMENT: mode === 'interest' ? 'on' : 'off',
      // Room for everyone in one instance, churn included (the default, 1,000, is exactly --clients 1000:
      // a join racing a leave would find the instance full and open another).
      WORLD_CAPACITY: String(worldCapacity(clients)),
    },
    profileServer && mode === 'interest' ? ['--cpu-prof', `--cpu-prof-dir=${profileServer}`] : [],
  );
  const bots: ChildProcess[] = [];
  try {
    await makeWorld(server.url, clients);
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const idle = serverMemory(server.pid);
    // Scattered: so that each bot has well over K = 64 others within its 40 m radius. Crowd: 20 m across.
    const areaHalf = spread === 'crowd' ? CROWD_HALF : Math.max(10, Math.sqrt(clients) * 1.2);
    const share = (total: number, p: number) =>
      Math.floor(total / botProcesses) + (p < total % botProcesses ? 1 : 0);
    for (let p = 0; p < botProcesses; p++) {
      const count = share(clients, p);
      const options: BotProcessOptions = {
        url: server.url,
        world: WORLD,
        count,
        areaHalf,
        spread,
        churn: share(churn, p),
        decoders: mode === 'interest' ? count : Math.min(count, 20),
        markers: 4,
        seed: 1000 + p,
      };
      bots.push(
        fork(BOT_ENTRY, [JSON.stringify(options)], {
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          execArgv:
            profileServer && mode === 'interest'
              ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileServer, 'bots')}`]
              : [],
        }),
      );
    }
    await Promise.all(bots.map((bot) => nextMessage(bot, 'ready', 300_000)));
    // Let bots spread out, and let the join burst age out of the server's 30 s quantile window.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const cpuStart = cpuSeconds(server.pid);
    const botCpuStart = bots.reduce((sum, bot) => sum + cpuSeconds(bot.pid!), 0);
    const patchesStart = metric(
      await (await fetch(`${server.url}/metrics`)).text(),
      'mib_room_patch_ms_count',
    );
    const started = performance.now();
    for (const bot of bots) bot.send({ type: 'start' });
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const results = bots.map((bot) => nextMessage<{ result: BotProcessResult }>(bot, 'result', 60_000));
    for (const bot of bots) bot.send({ type: 'stop' });
    const elapsed = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(server.pid) - cpuStart;
    const botCpu = bots.reduce((sum, bot) => sum + cpuSeconds(bot.pid!), 0) - botCpuStart;
    const memory = serverMemory(server.pid);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const merged = (await Promise.all(results)).map((message) => message.result);
    const failures = merged.flatMap((result) => result.joinFailures);
    if (failures.length > 0)
      process.stderr.write(`bench:room: ${failures.length} joins failed, e.g. ${failures[0]}\n`);
    const down = merged.flatMap((result) => result.downBytesPerSec);
    const latencies = merged.flatMap((result) => result.latenciesMs);
    const joinMs = merged.flatMap((result) => result.churnJoinMs);
    return {
      clients,
      spread,
      churn,
      churnLeaves: merged.reduce((sum, result) => sum + result.churnLeaves, 0),
      churnJoins: merged.reduce((sum, result) => sum + result.churnJoins, 0),
      churnJoinMsP50: round(percentile(joinMs, 50), 1),
      churnJoinMsP99: round(percentile(joinMs, 99), 1),
      connectedAtEnd: merged.reduce((sum, result) => sum + result.connectedAtEnd, 0),
      disconnects: merged.reduce((sum, result) => sum + result.disconnects, 0),
      joinFailures: merged.reduce((sum, result) => sum + result.joinFailures.length, 0),
      seconds: round(elapsed, 1),
      tickMsP50: round(metric(metrics, 'mib_room_tick_ms', 'quantile="0.5"'), 3),
      tickMsP99: round(metric(metrics, 'mib_room_tick_ms', 'quantile="0.99"'), 3),
      patchMsP50: round(metric(metrics, 'mib_room_patch_ms', 'quantile="0.5"'), 3),
      patchMsP99: round(metric(metrics, 'mib_room_patch_ms', 'quantile="0.99"'), 3),
      downBytesPerClientPerSecP50: Math.round(percentile(down, 50)),
      downBytesPerClientPerSecP99: Math.round(percentile(down, 99)),
      latencyMsP50: round(percentile(latencies, 50), 1),
      latencyMsP99: round(percentile(latencies, 99), 1),
      latencySamples: latencies.length,
      serverCpuPercent: round((cpu / elapsed) * 100, 1),
      serverRssMB: memory.serverRssMB,
      serverPssMB: memory.serverPssMB,
      serverHeapUsedMB: round(metric(metrics, 'nodejs_heap_size_used_bytes') / 2 ** 20, 1),
      serverExternalMB: round(metric(metrics, 'nodejs_external_memory_bytes') / 2 ** 20, 1),
      databaseRssMB: memory.databaseRssMB,
      databasePssMB: memory.databasePssMB,
      databaseProcesses: memory.databaseProcesses,
      totalPssMB: memory.totalPssMB,
      idleServerRssMB: idle.serverRssMB,
      idleDatabaseRssMB: idle.databaseRssMB,
      idleDatabasePssMB: idle.databasePssMB,
      idleTotalPssMB: idle.totalPssMB,
      patchesPerSec: round((metric(metrics, 'mib_room_patch_ms_count') - patchesStart) / elapsed, 1),
      botCpuPercent: round((botCpu / elapsed) * 100, 1),
      decodedPatchesPerSec: round(
        merged.reduce((sum, result) => sum + result.decodedPatches, 0) / elapsed,
        1,
      ),
    };
  } finally {
    for (const bot of bots) if (bot.exitCode === null) bot.kill();
    await server.stop();
  }
}

const worldCapacity = (clients: number): number => Math.min(5000, clients * 2);

/** The benchmark's own world: public, room for everyone in one instance, one spawn point at the centre. */
async function makeWorld(origin: string, clients: number): Promise<void> {
  const token = await operatorToken(origin);
  await call(`${origin}/orgs/default/worlds`, {
    method: 'POST',
    token,
    json: {
      slug: WORLD,
      name: 'Room benchmark',
      visibility: 'public',
      capacity: worldCapacity(clients),
    },
  });
  await replaceDraft(origin, token, WORLD, {
    schema: 2,
    entities: {
      spawn: {
        name: 'Spawn',
        order: 'a0',
        transform: { position: [0, 0, 0] },
        components: { 'spawn-point': { name: 'centre', default: true } },
      },
    },
  });
  await publishDraft(origin, token, WORLD);
}

async function main(): Promise<void> {
  const args = readArgs();
  const { clients, seconds, botProcesses, spread, churn } = args;
  process.stderr.write(
    `bench:room: ${clients} clients (${spread}, churn ${churn}/s), ${seconds} s, ${botProcesses} bot process(es); interest management on\n`,
  );
  const ours = await run('interest', args);
  if (args.skipBaseline) {
    console.log(JSON.stringify({ ...ours, baseline: null }));
    return;
  }
  process.stderr.write(
    `bench:room: ours ${JSON.stringify(ours)}\nbench:room: baseline (interest management off)\n`,
  );
  const baseline = await run('baseline', args);
  process.stderr.write(`bench:room: baseline ${JSON.stringify(baseline)}\n`);
  const ratio = (a: number, b: number): number => round(a / b, 3);
  console.log(
    JSON.stringify({
      ...ours,
      baseline,
      bytesRatio: ratio(ours.downBytesPerClientPerSecP50, baseline.downBytesPerClientPerSecP50),
      cpuRatio: ratio(ours.serverCpuPercent, baseline.serverCpuPercent),
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:room: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
