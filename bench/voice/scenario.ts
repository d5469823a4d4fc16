/**
 * One run of the voice benchmark in one world: voice bots (bench/shared/voice-bots.ts) stand as 4 groups
 * around the corners of a 40 m square (each group within 4 m), plus walkers that cross to the next group
 * every 10 s (bench/voice/placement.ts); every bot follows the server's voice assignments as the player
 * does and speaks; the walkers and a few members of each group also listen. Measures joins (token request → first audio),
 * reassignments (a walker entering a group → hearing it), who hears whom, mutes (bench/voice/mutes.ts),
 * subscriptions, received bitrate and CPU.
 *
 * "Should hear" is by placement: two bots should hear each other when they stand in the same group. A
 * walker counts as standing in a group once it has been within 8 m of its centre for 3 s, and is left
 * out of the pair counts while crossing (its switch is what reassignMs measures).
 */
import type { MoveInput } from '../../protocol/index.js';
import { cpuSeconds, percentile, round } from '../shared/stats.js';
import {
  HEARD_RMS,
  levelOf,
  voiceBotsOver,
  type LinkRole,
  type VoiceBot,
  type VoiceLink,
} from '../shared/voice-bots.js';
import { waitFor } from '../shared/wait.js';
import { measureMutes } from './mutes.js';
import {
  CENTRES,
  JOIN_RADIUS,
  placeBots,
  positionOf,
  standingIn,
  walkerSpot,
  type Member,
} from './placement.js';

export interface ScenarioOptions {
  serverUrl: string;
  world: string;
  participants: number;
  /** Length of the measured window with walkers crossing, in seconds. */
  seconds: number;
  /** The world owner's access token (for the mutes). */
  ownerToken: string;
  /**
   * How many members of each group listen (subscribe); walkers always do. The others only speak: rtc-node
   * decodes every subscribed track on one thread per process, and the baseline's room of 36 would be
   * 1,260 decoded streams on a 2-core machine. Pairs, joins, subscriptions and bitrate are counted over
   * listeners (as listener <- every speaker).
   */
  listenersPerGroup: number;
  /** Makes each bot's LiveKit side (bench/voice/link-processes.ts: in child processes). */
  newLink: (name: string, role: LinkRole) => VoiceLink;
  serverPid: number;
  livekitPid: number;
  log: (line: string) => void;
}

export interface VoiceFigures {
  participants: number;
  /** Bots that subscribe (see ScenarioOptions.listenersPerGroup); the pair counts are theirs. */
  listeners: number;
  islands: number;
  islandSizes: number[];
  joinMsP50: number;
  joinMsP99: number;
  reassignMsP50: number;
  reassignMsP99: number;
  /** A walker entering a group → hearing every member of it. */
  reassignAllMsP99: number;
  reassignSamples: number;
  muteMsP99: number;
  /** Mutes after which the muted voice was still heard 10 s later (bench/voice/mutes.ts). */
  muteTimeouts: number;
  /** Joins that failed (3 connects of over 20 s each), or after which nobody was heard within 20 s. */
  joinTimeouts: number;
  /**
   * Listeners whose reads of what they receive stalled for over 2 s at least once (a starved bot
   * process): their silence then was not counted as missed pairs.
   */
  blindListeners: number;
  /** Crossings after which the walker had not heard its whole new group when the next crossing began. */
  reassignUnfinished: number;
  /** LiveKit connections rtc-node lost while connecting, tried again. */
  connectRetries: number;
  wrongPairsHeard: number;
  missedPairs: number;
  subscriptionsPerParticipant: number;
  downKbpsPerParticipantP50: number;
  livekitCpuPercent: number;
  serverCpuPercent: number;
}

const CROSS_EVERY_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runScenario(options: ScenarioOptions): Promise<VoiceFigures> {
  const { log } = options;
  const bots = voiceBotsOver(options.serverUrl, options.newLink);
  const { members, perGroup, walkerCount } = await placeBots(bots, options);
  const listeners = members.filter((m) => m.listens);
  log(
    `  ${members.length} bots joined (${perGroup} in each of 4 groups, ${walkerCount} walkers; ${listeners.length} listen)`,
  );

  const enters = (walker: Member, at: { x: number; z: number }): boolean =>
    members.some((m) => {
      if (m.walker || m.group !== walker.group) return false;
      const p = positionOf(m);
      return !!p && Math.hypot(p.x - at.x, p.z - at.z) <= JOIN_RADIUS;
    });

  const everyGroupHearsItself = (): boolean =>
    listeners.every((a) =>
      members.every((b) => a === b || a.group !== b.group || levelOf(a.bot, b.bot) > HEARD_RMS),
    );

  // Steering: 20 inputs a second toward each bot's target, nothing once there.
  const steering = setInterval(() => {
    const now = Date.now();
    for (const member of members) {
      const at = positionOf(member);
      if (!at) continue;
      const dx = member.target.x - at.x;
      const dz = member.target.z - at.z;
      const distance = Math.hypot(dx, dz);
      const centre = CENTRES[member.group]!;
      if (member.walker) {
        const nearCentre = Math.hypot(centre.x - at.x, centre.z - at.z) <= 8;
        if (nearCentre) member.settledSince ??= now;
        else member.settledSince = undefined;
        // Entering: within the director's join radius of a member of the group walked to.
        if (!member.measured && member.enteredAt === undefined && enters(member, at)) member.enteredAt = now;
      }
      if (distance < 0.3) continue;
      const input: MoveInput = { seq: ++member.seq, x: dx / distance, z: dz / distance, run: distance > 2 };
      member.bot.visitor.sendInput(input);
    }
  }, 50);

  try {
    await waitFor(
      () =>
        members.every((m) => {
          const at = positionOf(m);
          return !!at && Math.hypot(m.target.x - at.x, m.target.z - at.z) < 0.5;
        }),
      Boolean,
      { what: 'every bot at its place', timeoutMs: 60_000, intervalMs: 200 },
    );
    // Voice: the i-th member of every group at once, round after round, then the walkers. A listener's
    // join is timed from its token request to the first audio heard from the group already there
    // (listeners come last in their group, so there always is someone).
    const joinMs: number[] = [];
    let joinTimeouts = 0;
    const rounds = [
      ...Array.from({ length: perGroup }, (_, i) =>
        CENTRES.map((_, g) => members.filter((m) => !m.walker && m.group === g)[i]!),
      ),
      members.filter((m) => m.walker),
    ];
    // One connection at a time: rtc-node drops a room whose connection it could not finish in time on a
    // busy event loop, and a join's time should be LiveKit's, not this process's queue.
    for (const [index, round] of rounds.entries()) {
      log(`  voice round ${index + 1} of ${rounds.length}`);
      for (const member of round) {
        const joined = await member.bot.rejoinVoice().then(
          () => true,
          (error: unknown) => {
            joinTimeouts += 1;
            log(`  ${member.bot.name} could not join voice: ${(error as Error).message}`);
            return false;
          },
        );
        if (!joined || !member.listens) continue;
        const heard = await waitFor(
          () => Math.min(...[...member.bot.audio.values()].map((h) => h.firstLoudAt ?? Infinity)),
          Number.isFinite,
          { what: `${member.bot.name} hearing its group after joining`, timeoutMs: 20_000, intervalMs: 10 },
        ).catch(() => undefined);
        if (heard === undefined) {
          joinTimeouts += 1;
          log(`  ${member.bot.name} heard nobody within 20 s of joining ${member.bot.voiceRoom}`);
          continue;
        }
        joinMs.push(heard - member.bot.tokenRequestedAt);
      }
    }
    log(`  joined voice: p50 ${percentile(joinMs, 50)} ms`);
    // Everyone in a group hears everyone else in it: the rooms have settled.
    const settled = await waitFor(everyGroupHearsItself, Boolean, {
      what: 'every group hearing itself',
      timeoutMs: 60_000,
      intervalMs: 200,
    }).catch(() => false);
    log(
      settled ? '  every group hears itself' : '  not every group hears itself after 60 s; measuring anyway',
    );

    // The measured window: walkers cross to the next group every 10 s.
    const reassignFirst: number[] = [];
    let reassignUnfinished = 0;
    const reassignAll: number[] = [];
    const wrong = new Set<string>();
    const missed = new Set<string>();
    /** Listeners that were blind at least once in the window (see the missed check). */
    const blind = new Set<Member>();
    const subscriptions: number[] = [];
    // Bytes by LiveKit room a bot was in (its token request tells one room from the next; a retried
    // connection's first interval counts nothing).
    const bytesAt = new Map<string, number>();
    const received = new Map<VoiceBot<VoiceLink>, number>();
    const sampleBytes = async (): Promise<void> => {
      await Promise.all(
        listeners.map(async ({ bot }) => {
          if (bot.switching) return; // its room is being replaced: counted from the next sample on
          const room = `${bot.name}@${bot.tokenRequestedAt}`;
          const now = await bot.link.receivedBytes().catch(() => 0);
          const before = bytesAt.get(room);
          if (before !== undefined) received.set(bot, (received.get(bot) ?? 0) + Math.max(0, now - before));
          bytesAt.set(room, now);
        }),
      );
    };
    await sampleBytes();
    const cpuAtStart = { server: cpuSeconds(options.serverPid), livekit: cpuSeconds(options.livekitPid) };
    const started = Date.now();
    // Each walker crosses every 10 s, the walkers evenly staggered (not all at one moment).
    const walkers = members.filter((m) => m.walker);
    const crossAt = walkers.map((_, w) => started + CROSS_EVERY_MS * (1 + w / walkers.length));
    let samples = 0;
    while (Date.now() - started < options.seconds * 1000) {
      const now = Date.now();
      for (const [w, walker] of walkers.entries()) {
        if (now < crossAt[w]!) continue;
        crossAt[w]! += CROSS_EVERY_MS;
        if (!walker.measured) reassignUnfinished += 1;
        walker.group = (walker.group + 1) % CENTRES.length;
        walker.target = walkerSpot(walker.group, walker.angle);
        walker.enteredAt = undefined;
        walker.settledSince = undefined;
        walker.measured = false;
      }
      for (const walker of walkers) {
        const group = members.filter((m) => !m.walker && m.group === walker.group);
        if (walker.measured || walker.enteredAt === undefined) continue;
        const known = group
          .map((m) => walker.bot.audio.get(m.bot.identity)?.firstLoudAt)
          .filter((t): t is number => t !== undefined);
        if (known.length < group.length) continue;
        reassignFirst.push(Math.max(0, Math.min(...known) - walker.enteredAt));
        reassignAll.push(Math.max(0, Math.max(...known) - walker.enteredAt));
        walker.measured = true;
      }
      // Who hears whom, among those standing in a group.
      for (const a of listeners)
        for (const b of members) {
          if (a === b) continue;
          const ga = standingIn(a, now);
          const gb = standingIn(b, now);
          if (ga === undefined || gb === undefined) continue;
          const pair = `${a.bot.name} <- ${b.bot.name}`;
          // Missed: nothing for 2 s on end (one late 10 ms frame on a loaded machine is not a miss), seen
          // by a read within those 2 s: a listener whose reads stalled (its process starved) was blind.
          if (ga === gb && levelOf(a.bot, b.bot, 2_000) <= HEARD_RMS) {
            if (a.bot.link.lastReadAt >= now - 2_000) missed.add(pair);
            else blind.add(a);
          }
          // Wrongly heard: anything at all within the last half second.
          if (ga !== gb && levelOf(a.bot, b.bot) > HEARD_RMS) wrong.add(pair);
        }
      subscriptions.push(listeners.reduce((sum, m) => sum + m.bot.heard.size, 0) / listeners.length);
      if (++samples % 4 === 0) await sampleBytes();
      await sleep(500);
    }
    await sampleBytes();
    const elapsed = (Date.now() - started) / 1000;
    const cpu = {
      server: ((cpuSeconds(options.serverPid) - cpuAtStart.server) / elapsed) * 100,
      livekit: ((cpuSeconds(options.livekitPid) - cpuAtStart.livekit) / elapsed) * 100,
    };
    const rooms = new Map<string, number>();
    for (const m of members.filter((m) => !m.walker))
      rooms.set(m.bot.voiceRoom, (rooms.get(m.bot.voiceRoom) ?? 0) + 1);
    log(
      `  window done: ${reassignFirst.length} reassignments, ${wrong.size} wrong pairs, ${missed.size} missed (${blind.size} listeners blind at times)`,
    );
    if (missed.size > 0) log(`  missed (listener <- speaker): ${[...missed].slice(0, 8).join(', ')}`);
    if (wrong.size > 0) log(`  wrongly heard (listener <- speaker): ${[...wrong].slice(0, 8).join(', ')}`);

    // Mutes: one member of each group that only speaks, one after another, heard by its group's listeners.
    const { muteMs, muteTimeouts } = await measureMutes(
      options,
      CENTRES.map((_, g) => ({
        muted: members.find((m) => !m.walker && !m.listens && m.group === g)!.bot,
        ears: listeners.filter((m) => !m.walker && m.group === g).map((m) => m.bot),
      })),
    );

    const kbps = listeners.map((m) => ((received.get(m.bot) ?? 0) * 8) / 1000 / elapsed);
    return {
      participants: members.length,
      listeners: listeners.length,
      islands: rooms.size,
      islandSizes: [...rooms.values()].sort((a, b) => b - a),
      joinMsP50: round(percentile(joinMs, 50), 0),
      joinMsP99: round(percentile(joinMs, 99), 0),
      reassignMsP50: round(percentile(reassignFirst, 50), 0),
      reassignMsP99: round(percentile(reassignFirst, 99), 0),
      reassignAllMsP99: round(percentile(reassignAll, 99), 0),
      reassignSamples: reassignFirst.length,
      reassignUnfinished,
      muteMsP99: round(percentile(muteMs, 99), 0),
      muteTimeouts,
      joinTimeouts,
      blindListeners: blind.size,
      connectRetries: members.reduce((sum, m) => sum + m.bot.connectFailures, 0),
      wrongPairsHeard: wrong.size,
      missedPairs: missed.size,
      subscriptionsPerParticipant: round(
        subscriptions.reduce((sum, value) => sum + value, 0) / Math.max(1, subscriptions.length),
      ),
      downKbpsPerParticipantP50: round(percentile(kbps, 50), 1),
      livekitCpuPercent: round(cpu.livekit, 1),
      serverCpuPercent: round(cpu.server, 1),
    };
  } finally {
    clearInterval(steering);
    await bots.close({ dispose: false });
  }
}
