/**
 * Harness 1, room protocol fuzzing: 100 undisturbed visitors (bench:room's bot process: walking, decoding,
 * timing how soon a marker's step reaches the others) share the demo world with fuzzers that send
 * malformed, oversized, mistyped and flooding messages and random bytes, in phases: quiet, fuzzed, three
 * times over. In each fuzzed phase a visitor's connection drops and, during its reconnection grace, others
 * try to take its place with wrong or missing tokens (colyseus#962); and joins through an embed key come
 * from origins not on its list.
 *
 * Pass: the server never exits; every fuzzer closed for a violation, none of the undisturbed visitors;
 * the median over the three pairs of (fuzzed latency p99 / quiet latency p99) ≤ 1.10; no forged reconnect
 * accepted and the real one still resumes; no join from a wrong origin accepted (one from the right one
 * is); no room left once everyone has gone; ≥ 100,000 fuzz messages.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EMOTES, MAX_MESSAGE_BYTES, MessageType } from '../../protocol/index.js';
import type { BotProcessOptions, BotProcessResult } from '../room/bot-process.js';
import { freshSchema } from '../rollout/saved-state.js';
import { nextMessage } from '../shared/child-messages.js';
import { random } from '../shared/random.js';
import { cpuSeconds, percentile, round } from '../shared/stats.js';
import { freePort, metric, startBenchServer } from '../shared/server-process.js';
import { joinWorld, type Visitor } from '../shared/visitors.js';
import { waitFor, within } from '../shared/wait.js';
import { embedKey, originProbe, reconnectProbe } from './fuzz-probes.js';
import { operatorToken } from './writers.js';

const BOT_ENTRY = fileURLToPath(new URL('../room/bot-process.js', import.meta.url));
const OPERATOR = { email: 'fuzz-operator@example.com', password: 'fuzz-operator-password' };

export interface FuzzFigures {
  database: 'embedded' | 'postgres';
  messages: number;
  /** Fuzzers closed by the server after a deliberate violation, and violations that closed nothing. */
  fuzzersClosed: number;
  /** Fuzzers closed for something of the tolerated mix (random bytes that parsed as a bad message). */
  fuzzersClosedForOtherNonsense: number;
  violationsUnanswered: number;
  processExits: number;
  undisturbedDisconnects: number;
  quietLatencyP99Ms: number[];
  fuzzedLatencyP99Ms: number[];
  /** Median over the pairs of fuzzed p99 / quiet p99. */
  latencyRatio: number;
  quietCpuPercent: CpuShare[];
  fuzzedCpuPercent: CpuShare[];
  forgedReconnectsAccepted: number;
  realReconnectsRefused: number;
  wrongOriginJoinsAccepted: number;
  rightOriginJoinRefused: boolean;
  roomsAfterEveryoneLeft: number;
  pass: boolean;
}

/** Where the two cores went in one phase, in % of one core. */
interface CpuShare {
  server: number;
  bots: number;
  fuzzers: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const socketOf = (visitor: Visitor): WebSocket =>
  (visitor.room.connection as unknown as { transport: { ws: WebSocket } }).transport.ws;

/** One fuzzer: 50 messages a second, mostly tolerated nonsense, now and then a violation that must close it. */
class Fuzzer {
  visitor: Visitor | undefined;
  sent = 0;
  closed = 0;
  closedOtherwise = 0;
  unanswered = 0;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly next: () => number,
  ) {}

  async connect(): Promise<void> {
    if (!this.visitor || this.visitor.leftWith() !== undefined)
      this.visitor = await within(joinWorld(this.url, { name: 'Fuzzer' }), 10_000, () => {
        throw new Error('fuzz: a join took over 10 s');
      });
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    let untilViolation = 200 + Math.floor(this.next() * 200);
    while (this.running) {
      await this.connect().catch(() => sleep(200));
      const visitor = this.visitor!;
      if (visitor.leftWith() !== undefined) {
        // Closed for something tolerated() sent (random bytes it took for a message): an offender all the
        // same, and only this connection; reported, then joined again.
        this.closedOtherwise++;
        this.visitor = undefined;
        continue;
      }
      if (--untilViolation <= 0) {
        untilViolation = 200 + Math.floor(this.next() * 200);
        await this.violate(visitor);
        continue;
      }
      this.tolerated(visitor);
      await sleep(20); // 50 a second, under the room's 60
    }
  }

  /** Nonsense the room must shrug off (ignore, refuse politely), never closing anyone for it. */
  private tolerated(visitor: Visitor): void {
    const r = this.next();
    this.sent++;
    // Mostly nonsense; chat and emotes (valid, delivered to everyone near) at 1 a second each, a busy
    // crowd's rate — at 5 a second from 50 fuzzers the fan-out alone is a load test, not fuzzing.
    if (r < 0.55) {
      // Stale, repeated, out-of-order and far-future sequence numbers.
      visitor.sendInput({
        seq: Math.floor(this.next() * 2 ** 31),
        x: this.next() * 2 - 1,
        z: this.next() * 2 - 1,
        run: r < 0.3,
      });
    } else if (r < 0.9) {
      // Random bytes on the socket: their first byte, masked, names one of Colyseus' protocol codes, so
      // they reach its decoders (data, requests, inputs) with garbage behind.
      const bytes = Uint8Array.from({ length: 1 + Math.floor(this.next() * 64) }, () =>
        Math.floor(this.next() * 256),
      );
      bytes[0] = 200 + Math.floor(this.next() * 56);
      socketOf(visitor).send(bytes);
    } else if (r < 0.96) {
      visitor.room.send(MessageType.interact, { entity: `nothing-${Math.floor(this.next() * 1000)}` });
    } else if (r < 0.98) {
      visitor.room.send(MessageType.emote, { emote: EMOTES[Math.floor(this.next() * EMOTES.length)] });
    } else {
      visitor.say('\u202e\u0000<script>alert(1)</script>'.slice(0, 1 + Math.floor(this.next() * 30)));
    }
  }

  /** A violation the room must answer by closing this connection alone. */
  private async violate(visitor: Visitor): Promise<void> {
    const kind = Math.floor(this.next() * 4);
    if (kind === 0) visitor.room.send('no-such-message', { any: 'thing' });
    else if (kind === 1) visitor.room.send(MessageType.input, { seq: 'one', x: Number.NaN });
    else if (kind === 2) visitor.room.send(MessageType.input, { pad: 'x'.repeat(MAX_MESSAGE_BYTES * 2) });
    else for (let i = 0; i < 120; i++) visitor.sendInput({ seq: i, x: 0, z: 0, run: false });
    this.sent += kind === 3 ? 120 : 1;
    const closed = await waitFor(
      () => visitor.leftWith(),
      (code) => code !== undefined,
      { what: 'the fuzzer closed', timeoutMs: 5_000 },
    ).catch(() => undefined);
    if (closed === undefined) {
      this.unanswered++;
      await within(visitor.leave(), 2_000, () => undefined).catch(() => undefined);
    } else this.closed++;
  }
}

export interface FuzzOptions {
  fuzzers?: number;
  phaseSeconds?: number;
  pairs?: number;
  seed?: number;
  /** Node arguments for the server, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] to profile it. */
  serverNodeArgs?: string[];
  /** The embedded database (in the server's own thread) or PostgreSQL (its own processes). */
  database?: 'embedded' | 'postgres';
}

export async function runFuzz({
  fuzzers = 50,
  phaseSeconds = 16,
  pairs = 3,
  seed = 1,
  serverNodeArgs = [],
  database = 'embedded',
}: FuzzOptions = {}): Promise<FuzzFigures> {
  const next = random(seed);
  const schema = database === 'postgres' ? await freshSchema() : undefined;
  const port = await freePort();
  const server = await startBenchServer(
    {
      PORT: String(port),
      DEV_CHAIN: 'off',
      OPERATOR_EMAIL: OPERATOR.email,
      OPERATOR_PASSWORD: OPERATOR.password,
      ...(schema && { DATABASE_URL: schema.url }),
    },
    serverNodeArgs,
  );
  const key = await embedKey(server.url, await operatorToken(server.url, OPERATOR.email, OPERATOR.password));
  const options: BotProcessOptions = {
    url: server.url,
    count: 100,
    areaHalf: 12,
    decoders: 100,
    markers: 4,
    seed: 7,
  };
  const bots: ChildProcess = fork(BOT_ENTRY, [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const crew = Array.from({ length: fuzzers }, () => new Fuzzer(server.url, next));
  const quiet: number[] = [];
  const fuzzed: number[] = [];
  /** CPU of the server, the bot process and this process (the fuzzers) per phase, in % of one core. */
  const quietCpu: CpuShare[] = [];
  const fuzzedCpu: CpuShare[] = [];
  let disconnects: number;
  let forgedReconnectsAccepted = 0;
  let realReconnectsRefused = 0;
  let origins = { wrongAccepted: 0, rightRefused: false };
  try {
    await nextMessage(bots, 'ready', 120_000);
    for (const fuzzer of crew) await fuzzer.connect();
    await sleep(5_000); // the bots spread out
    bots.send({ type: 'start' });
    for (let pair = 0; pair < pairs; pair++) {
      for (const phase of ['quiet', 'fuzzed'] as const) {
        await Promise.all(crew.map((fuzzer) => fuzzer.connect().catch(() => undefined)));
        const reset = nextMessage(bots, 'lap', 10_000); // the window starts now
        bots.send({ type: 'lap' });
        await reset;
        if (phase === 'fuzzed') {
          for (const fuzzer of crew) fuzzer.start();
          const probe = await reconnectProbe(server.url);
          forgedReconnectsAccepted += probe.forgedAccepted;
          realReconnectsRefused += probe.realRefused;
          if (pair === 0) origins = await originProbe(server.url, key);
        }
        const cpuAtStart = {
          server: cpuSeconds(server.pid),
          bots: cpuSeconds(bots.pid!),
          fuzzers: process.cpuUsage(),
        };
        const startedAt = performance.now();
        await sleep(phaseSeconds * 1_000);
        const seconds = (performance.now() - startedAt) / 1000;
        const ownCpu = process.cpuUsage(cpuAtStart.fuzzers);
        (phase === 'quiet' ? quietCpu : fuzzedCpu).push({
          server: round((100 * (cpuSeconds(server.pid) - cpuAtStart.server)) / seconds, 0),
          bots: round((100 * (cpuSeconds(bots.pid!) - cpuAtStart.bots)) / seconds, 0),
          fuzzers: round((ownCpu.user + ownCpu.system) / 1e4 / seconds, 0),
        });
        const lap = nextMessage<{ result: BotProcessResult }>(bots, 'lap', 10_000);
        bots.send({ type: 'lap' });
        const { result } = await lap;
        if (phase === 'fuzzed') await Promise.all(crew.map((fuzzer) => fuzzer.stop()));
        (phase === 'quiet' ? quiet : fuzzed).push(percentile(result.latenciesMs, 99));
        console.error(
          `fuzz: pair ${pair + 1} ${phase}: latency p99 ${round(percentile(result.latenciesMs, 99), 1)} ms over ${result.latenciesMs.length}, sent ${crew.reduce((sum, f) => sum + f.sent, 0)}`,
        );
      }
    }
    const stopped = nextMessage<{ result: BotProcessResult }>(bots, 'result', 30_000);
    bots.send({ type: 'stop' });
    disconnects = (await stopped).result.disconnects;
    await Promise.all(
      crew.map((fuzzer) =>
        fuzzer.visitor
          ? within(fuzzer.visitor.leave(), 5_000, () => undefined).catch(() => undefined)
          : Promise.resolve(),
      ),
    );
    const rooms = async () => metric(await (await fetch(`${server.url}/metrics`)).text(), 'mib_rooms');
    const roomsAfterEveryoneLeft = await waitFor(rooms, (count) => count === 0, {
      what: 'every room gone',
      timeoutMs: 15_000,
    }).catch(rooms);
    const ratios = fuzzed.map((value, i) => value / quiet[i]!).sort((a, b) => a - b);
    const latencyRatio = round(ratios[Math.floor(ratios.length / 2)]!, 3);
    const figures = {
      database,
      messages: crew.reduce((sum, fuzzer) => sum + fuzzer.sent, 0),
      fuzzersClosed: crew.reduce((sum, fuzzer) => sum + fuzzer.closed, 0),
      fuzzersClosedForOtherNonsense: crew.reduce((sum, fuzzer) => sum + fuzzer.closedOtherwise, 0),
      violationsUnanswered: crew.reduce((sum, fuzzer) => sum + fuzzer.unanswered, 0),
      processExits: server.child.exitCode === null && server.child.signalCode === null ? 0 : 1,
      undisturbedDisconnects: disconnects,
      quietLatencyP99Ms: quiet.map((value) => round(value, 1)),
      fuzzedLatencyP99Ms: fuzzed.map((value) => round(value, 1)),
      latencyRatio,
      quietCpuPercent: quietCpu,
      fuzzedCpuPercent: fuzzedCpu,
      forgedReconnectsAccepted,
      realReconnectsRefused,
      wrongOriginJoinsAccepted: origins.wrongAccepted,
      rightOriginJoinRefused: origins.rightRefused,
      roomsAfterEveryoneLeft,
    };
    return {
      ...figures,
      pass:
        figures.messages >= 100_000 &&
        figures.violationsUnanswered === 0 &&
        figures.processExits === 0 &&
        figures.undisturbedDisconnects === 0 &&
        latencyRatio <= 1.1 &&
        forgedReconnectsAccepted === 0 &&
        realReconnectsRefused === 0 &&
        origins.wrongAccepted === 0 &&
        !origins.rightRefused &&
        roomsAfterEveryoneLeft === 0,
    };
  } finally {
    bots.kill('SIGKILL');
    await server.stop();
    await schema?.drop();
  }
}
