/**
 * One bot process of the room benchmark: joins `count` bots to the demo world with the 0.18 SDK, walks
 * each to a point in the test area and then in circles, 20 inputs per second, and measures what the bots
 * receive. Controlled by its parent over IPC: 'start' opens the measurement window; at its end ('stop')
 * the results go back as one message, and the process exits; 'lap' sends the window so far and opens the
 * next.
 *
 * Latency: a few "marker" bots stand still and now and then take one step; every other bot of this
 * process that decodes state and has the marker in view timestamps when the step shows up in its decoded
 * state. Marker and observers share this process's clock.
 */
import { Client, type Room } from '@colyseus/sdk';
import {
  MessageType,
  RoomName,
  STEP_SECONDS,
  ServerMessage,
  readMovementFrame,
  bodyAt,
  step,
  type AvatarBody,
  type MoveInput,
  type WorldStateView,
} from '../../protocol/index.js';
import { wsFrameBytes } from '../shared/stats.js';

export interface BotProcessOptions {
  url: string;
  /** The world the bots join (default: demo). */
  world?: string;
  count: number;
  /** Half the side of the square the bots spread over, in metres. */
  areaHalf: number;
  /**
   * How bots move: 'scattered' (the default) runs to a point of the square and circles it (2–8 m);
   * 'crowd' walks there and circles it closely (1–3 m), never running, all inside the square.
   */
  spread?: 'scattered' | 'crowd';
  /** Bots of this process that leave, and as many new ones that join, every second (0: none). */
  churn?: number;
  /** How many bots decode state; the rest count bytes only (the baseline cannot decode everything). */
  decoders: number;
  markers: number;
  seed: number;
}

export interface BotProcessResult {
  connectedAtEnd: number;
  /** Bots cut off by the server or the network (planned leaves of the churn not counted). */
  disconnects: number;
  /** Bots that left as planned (churn), and new ones that joined in their place. */
  churnLeaves: number;
  churnJoins: number;
  /** How long each churn join took, from asking to holding a position, in ms. */
  churnJoinMs: number[];
  /** Bytes each bot received per second during the window (framing included). */
  downBytesPerSec: number[];
  /** Schema patches the decoding bots decoded with @colyseus/sdk during the window, all together. */
  decodedPatches: number;
  latenciesMs: number[];
  joinFailures: string[];
}

interface Bot {
  room: Room;
  netId: number;
  /** Whether the server has told us where we spawned. */
  positioned: boolean;
  /** Positions received before our own netId was known, by netId. */
  early: Map<number, { x: number; z: number }>;
  /** Last x seen of each marker (decoding bots only), by netId. */
  seenX: Map<number, number>;
  body: AvatarBody;
  seq: number;
  target: { x: number; z: number };
  /** Radius of the circle walked around the target, in metres. */
  circle: number;
  phase: number;
  marker: boolean;
  decodes: boolean;
  bytes: number;
  connected: boolean;
}

interface Pulse {
  marker: Bot;
  sentAt: number;
  fromX: number;
  /** Decoding bots that had the marker in their state when it stepped; only they are timed. */
  watchers: Set<Bot>;
  seenBy: Set<Bot>;
}

const options = JSON.parse(process.argv[2] ?? '{}') as BotProcessOptions;
let seed = options.seed;
const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

const bots: Bot[] = [];
/** netIds of this process's marker bots (the only avatars whose steps are timed). */
const markerNetIds = new Set<number>();
const pulses: Pulse[] = [];
const latencies: number[] = [];
const joinFailures: string[] = [];
let disconnects = 0;
let churnLeaves = 0;
let churnJoins = 0;
const churnJoinMs: number[] = [];
let measuring = false;
let decodedPatches = 0;
const crowd = options.spread === 'crowd';

function socketOf(room: Room): WebSocket {
  return (room.connection as unknown as { transport: { ws: WebSocket } }).transport.ws;
}

function onFrame(bot: Bot, bytes: Uint8Array): void {
  if (bot.positioned && !bot.decodes) return; // counts bytes only
  readMovementFrame(bytes, (netId, x, z) => {
    // Until we know our netId (it comes with the state), remember every position we are sent.
    if (!bot.positioned) bot.early.set(netId, { x, z });
    // Only markers are timed: keeping every avatar's x cost the bots a map write per entry (1.3 M/s at
    // 1,000 bots in a crowd), CPU the server then did not get.
    else if (bot.decodes && markerNetIds.has(netId)) bot.seenX.set(netId, x);
  });
  if (!measuring || !bot.decodes) return;
  const now = performance.now();
  for (const pulse of pulses) {
    if (!pulse.watchers.has(bot) || pulse.seenBy.has(bot)) continue;
    const x = bot.seenX.get(pulse.marker.netId);
    if (x !== undefined && Math.abs(x - pulse.fromX) > 0.05) {
      pulse.seenBy.add(bot);
      latencies.push(now - pulse.sentAt);
    }
  }
}

async function joinBot(index: number): Promise<void> {
  const client = new Client(options.url);
  const room = await client.joinOrCreate(RoomName.world, {
    world: options.world ?? 'demo',
    name: `bot-${options.seed}-${index}`,
    color: '#7f7f7f',
  });
  const decodes = index < options.decoders;
  const circle = crowd ? 1 + random() * 2 : 2 + random() * 6;
  // A crowd's circles stay inside its square.
  const reach = crowd ? Math.max(0, options.areaHalf - circle) : options.areaHalf;
  const bot: Bot = {
    room,
    netId: 0,
    positioned: false,
    seenX: new Map(),
    early: new Map(),
    body: bodyAt(0, 0),
    seq: 0,
    target: { x: (random() * 2 - 1) * reach, z: (random() * 2 - 1) * reach },
    circle,
    phase: random() * Math.PI * 2,
    marker: index < options.markers,
    decodes,
    bytes: 0,
    connected: true,
  };
  room.onMessage(ServerMessage.movement, (bytes: Uint8Array) => onFrame(bot, bytes));
  // Every bot's SDK decodes every schema patch it is sent; the decoding ones count them.
  if (decodes)
    room.onStateChange(() => {
      if (measuring) decodedPatches += 1;
    });
  // Chat, emotes and the rest (bench:reliability's fuzzers send them): received, not looked at.
  room.onMessage('*', () => undefined);
  socketOf(room).addEventListener('message', (event: { data: ArrayBuffer }) => {
    if (measuring) bot.bytes += wsFrameBytes(event.data.byteLength);
  });
  // Our netId comes with our own avatar in the state; our position with the first movement frame.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const self = (room.state as WorldStateView | undefined)?.avatars?.get(room.sessionId);
    const spawn = self ? bot.early.get(self.netId) : undefined;
    if (self && spawn) {
      bot.netId = self.netId;
      if (bot.marker) markerNetIds.add(bot.netId);
      bot.body.x = spawn.x;
      bot.body.z = spawn.z;
      bot.positioned = true;
      bot.early.clear();
      break;
    }
    if (Date.now() > deadline) throw new Error('no own avatar or position within 10 s of joining');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  room.onLeave(() => {
    if (bot.connected) disconnects += 1;
    bot.connected = false;
  });
  bots.push(bot);
}

/** Next input of a bot: walk (run) to the target, then circle it; markers stand still at their target. */
function nextIntent(bot: Bot, t: number): Omit<MoveInput, 'seq'> | null {
  const dx = bot.target.x - bot.body.x;
  const dz = bot.target.z - bot.body.z;
  const distance = Math.hypot(dx, dz);
  if (distance > bot.circle + 0.5) return { x: dx / distance, z: dz / distance, run: !crowd };
  if (bot.marker) return null;
  const angle = bot.phase + t * (4 / bot.circle); // walking speed along a circle of this radius
  return { x: Math.cos(angle), z: Math.sin(angle), run: false };
}

function send(bot: Bot, intent: Omit<MoveInput, 'seq'>): void {
  const input: MoveInput = { seq: ++bot.seq, ...intent };
  step(bot.body, input, STEP_SECONDS);
  bot.room.send(MessageType.input, input);
}

/**
 * The churn of one second: `options.churn` bots (not markers) leave as planned, and as many new ones join
 * (their joins are not awaited: a slow join shows in the next seconds, not as a stall of the inputs).
 */
function churnOnce(): void {
  // Bots that only count bytes leave first: the decoding ones time latency (all of them decode in ours).
  const candidates = bots.filter((bot) => bot.connected && !bot.marker);
  const leaving = [
    ...candidates.filter((bot) => !bot.decodes),
    ...candidates.filter((bot) => bot.decodes),
  ].slice(0, options.churn ?? 0);
  for (const bot of leaving) {
    bot.connected = false; // planned: not a disconnect
    bots.splice(bots.indexOf(bot), 1);
    churnLeaves += 1;
    void bot.room.leave().catch(() => undefined);
  }
  for (let i = 0; i < leaving.length; i++) {
    const asked = performance.now();
    joinBot(nextIndex++).then(
      () => {
        churnJoins += 1;
        churnJoinMs.push(performance.now() - asked);
      },
      (error: unknown) => joinFailures.push(String((error as Error)?.message ?? error)),
    );
  }
}

function tickAll(t: number): void {
  for (const bot of bots) {
    if (!bot.connected) continue;
    const intent = nextIntent(bot, t);
    if (intent) send(bot, intent);
  }
}

let pulseCount = 0;
function pulseMarker(): void {
  const candidates = bots.filter((bot) => bot.marker && bot.connected && nextIntent(bot, 0) === null);
  const marker = candidates[pulseCount++ % Math.max(1, candidates.length)];
  if (!marker) return;
  const fromX = marker.body.x;
  // An observer that only gets the marker into view later would time interest management, not latency.
  const watchers = new Set<Bot>();
  for (const bot of bots) {
    const state = bot.room.state as WorldStateView | undefined;
    if (bot !== marker && bot.decodes && bot.connected && state?.avatars?.has(marker.room.sessionId))
      watchers.add(bot);
  }
  send(marker, { x: pulseCount % 2 === 0 ? 1 : -1, z: 0, run: false });
  pulses.push({ marker, sentAt: performance.now(), fromX, watchers, seenBy: new Set() });
  if (pulses.length > 4) pulses.shift();
}

let nextIndex = options.count;

async function main(): Promise<void> {
  const concurrency = 16;
  for (let i = 0; i < options.count; i += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, options.count - i) }, (_, j) => i + j);
    const results = await Promise.allSettled(batch.map((index) => joinBot(index)));
    for (const result of results) {
      if (result.status === 'rejected')
        joinFailures.push(String((result.reason as Error)?.message ?? result.reason));
    }
  }
  const started = performance.now();
  const inputs = setInterval(() => tickAll((performance.now() - started) / 1000), STEP_SECONDS * 1000);
  let pulser: NodeJS.Timeout | undefined;
  let churner: NodeJS.Timeout | undefined;
  let windowStart = 0;
  process.on('message', (message: { type: string }) => {
    if (message.type === 'start') {
      for (const bot of bots) bot.bytes = 0;
      measuring = true;
      windowStart = performance.now();
      pulser = setInterval(pulseMarker, 500);
      if (options.churn) churner = setInterval(churnOnce, 1_000);
    } else if (message.type === 'lap') {
      // The window so far, and a new one from now (bench:reliability's interleaved phases).
      const seconds = (performance.now() - windowStart) / 1000;
      const result: BotProcessResult = {
        connectedAtEnd: bots.filter((bot) => bot.connected).length,
        disconnects,
        churnLeaves,
        churnJoins,
        churnJoinMs,
        downBytesPerSec: bots.filter((bot) => bot.connected).map((bot) => bot.bytes / seconds),
        decodedPatches,
        latenciesMs: latencies.splice(0),
        joinFailures,
      };
      for (const bot of bots) bot.bytes = 0;
      decodedPatches = 0;
      windowStart = performance.now();
      process.send?.({ type: 'lap', result });
    } else if (message.type === 'stop') {
      measuring = false;
      const seconds = (performance.now() - windowStart) / 1000;
      clearInterval(pulser);
      clearInterval(churner);
      clearInterval(inputs);
      const result: BotProcessResult = {
        connectedAtEnd: bots.filter((bot) => bot.connected).length,
        disconnects,
        churnLeaves,
        churnJoins,
        churnJoinMs,
        downBytesPerSec: bots.filter((bot) => bot.connected).map((bot) => bot.bytes / seconds),
        decodedPatches,
        latenciesMs: latencies,
        joinFailures,
      };
      // Everyone leaves (consented, no reconnection grace) before the process ends, at most 5 s.
      const left = Promise.all(
        bots.filter((bot) => bot.connected).map((bot) => bot.room.leave().catch(() => undefined)),
      );
      const done = (): void => void process.send?.({ type: 'result', result }, () => process.exit(0));
      void Promise.race([left, new Promise((resolve) => setTimeout(resolve, 5_000))]).then(done);
    }
  });
  process.send?.({ type: 'ready', joined: bots.length });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
