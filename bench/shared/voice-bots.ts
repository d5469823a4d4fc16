/**
 * Voice bots for real-LiveKit tests: a guest visitor in a world (the same SDK and protocol the player uses)
 * that fetches our voice token for the room the server assigned it and, through its link
 * (bench/shared/voice-link.ts: @livekit/rtc-node in this process or in a child), joins that LiveKit room,
 * publishes a 440 Hz tone and hears what it receives (bench/shared/voice-hearing.ts).
 */
import {
  LocalVideoTrack,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
  dispose,
  type Room,
} from '@livekit/rtc-node';
import type { MoveInput, VoiceEvent } from '../../protocol/index.js';
import type { Heard, Hearing } from './voice-hearing.js';
import { roomLink, type RoomLink, type VoiceLink } from './voice-link.js';
import { drive, joinWorld, type Visitor } from './visitors.js';
import { waitFor } from './wait.js';

export { HEARD_RMS, levelOf, type Heard, type Hearing } from './voice-hearing.js';
export type { RoomLink, VoiceLink } from './voice-link.js';

/** A signed-in guest: its access token and account id. */
export interface Guest {
  token: string;
  accountId: string;
}

/** POST /auth/guest: a guest session, usable at once. */
export async function guestSession(serverUrl: string, displayName: string): Promise<Guest> {
  const response = await fetch(`${serverUrl}/auth/guest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName }),
  });
  if (!response.ok)
    throw new Error(`guest session for ${displayName}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { accessToken: string; account: { id: string } };
  return { token: body.accessToken, accountId: body.account.id };
}

export interface VoiceBot<L extends VoiceLink = RoomLink> {
  name: string;
  who: Guest;
  visitor: Visitor;
  /** Its LiveKit side (bench/shared/voice-link.ts). */
  link: L;
  voiceRoom: string;
  identity: string;
  /** Identities with a subscribed track. */
  readonly heard: ReadonlySet<string>;
  readonly audio: ReadonlyMap<string, Heard>;
  /** When the token for the current LiveKit room was first requested (ms since the epoch). */
  tokenRequestedAt: number;
  /** Connections to LiveKit that failed and were tried again. */
  connectFailures: number;
  /** Whether it is between LiveKit rooms right now (leave a switching room alone). */
  switching: boolean;
  /** Connects again with a fresh token for the room the server assigns now (after a LiveKit restart). */
  rejoinVoice(): Promise<void>;
}

export interface BotOptions {
  world?: string;
  walkAway?: boolean;
  /** Switch LiveKit rooms the moment the server assigns another, as the player does. */
  follow?: boolean;
  /** Join voice at once (default); false: only the world, until `rejoinVoice()`. */
  connect?: boolean;
  /**
   * Subscribe to the others (default). false: only speak. rtc-node decodes every subscribed audio track
   * on one thread per process (its synthetic audio device pulls playout), so a process can hear a few
   * hundred streams at most: the benchmark lets a sample of its bots listen.
   */
  listen?: boolean;
  /**
   * What it receives is what a benchmark measures (bench:voice's listeners): the benchmark runs such a
   * bot's LiveKit side at normal priority and the others', which only make load, below it.
   */
  measured?: boolean;
}

/** What a bot's link is made for. */
export interface LinkRole {
  listen: boolean;
  measured: boolean;
}

export interface VoiceBots<L extends VoiceLink = RoomLink> {
  bot(name: string, options?: BotOptions): Promise<VoiceBot<L>>;
  voiceToken(bot: Pick<VoiceBot<L>, 'who' | 'visitor'>, room: string): Promise<Response>;
  publishCamera(room: Room): Promise<void>;
  /**
   * Disconnects every bot and releases rtc-node (which otherwise keeps the process alive); with
   * `{ dispose: false }` rtc-node stays usable for more bots (the benchmark's second run).
   */
  close(options?: { dispose?: boolean }): Promise<void>;
}

/** Bots whose LiveKit side runs in this process (the tests'). */
export function voiceBots(serverUrl: string, hearing: Hearing = 'decoded'): VoiceBots {
  return voiceBotsOver(serverUrl, (_name, { listen }) => roomLink(hearing, listen));
}

/** Bots whose LiveKit side `newLink` makes (the benchmark's run in child processes). */
export function voiceBotsOver<L extends VoiceLink>(
  serverUrl: string,
  newLink: (name: string, role: LinkRole) => L,
): VoiceBots<L> {
  const bots: Array<VoiceBot<L>> = [];
  const visitors: Visitor[] = [];
  const timers: NodeJS.Timeout[] = [];
  let seq = 0;

  const voiceToken = (bot: Pick<VoiceBot<L>, 'who' | 'visitor'>, room: string): Promise<Response> =>
    fetch(`${serverUrl}/voice/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bot.who.token}` },
      body: JSON.stringify({ sessionId: bot.visitor.sessionId, room }),
    });

  const assignedRoom = async (visitor: Visitor, name: string): Promise<string> => {
    const event = (await waitFor(
      () => visitor.voice.at(-1),
      (e) => e?.enabled === true,
      { what: `${name}'s voice room`, timeoutMs: 15_000 },
    )) as Extract<VoiceEvent, { enabled: true }>;
    return event.room.room;
  };

  return {
    voiceToken,
    async bot(name, options = {}) {
      const who = await guestSession(serverUrl, name);
      const visitor = await joinWorld(serverUrl, { world: options.world ?? 'demo', name }, who.token);
      visitors.push(visitor);
      if (options.walkAway) {
        const away: MoveInput[] = Array.from({ length: 120 }, () => ({ seq: ++seq, x: 1, z: 0, run: true }));
        await drive(visitor, away);
      }
      const link = newLink(name, { listen: options.listen ?? true, measured: options.measured ?? false });
      const bot: VoiceBot<L> = {
        name,
        who,
        visitor,
        link,
        voiceRoom: await assignedRoom(visitor, name),
        identity: `${who.accountId}:${visitor.sessionId}`,
        get heard() {
          return link.heard;
        },
        get audio() {
          return link.audio;
        },
        tokenRequestedAt: 0,
        connectFailures: 0,
        switching: false,
        async rejoinVoice() {
          const generation = ++switches;
          bot.switching = true;
          try {
            await rejoin(generation);
          } finally {
            if (generation === switches) bot.switching = false;
          }
        },
      };
      /** Rejoins started so far: a rejoin that a newer one replaced gives up quietly. */
      let switches = 0;
      /**
       * Leaves the current room and joins the one assigned now; the token is asked for while leaving. A
       * connection can fail (rtc-node loses a room torn down while it connects): tried 3 times.
       */
      const rejoin = async (generation: number): Promise<void> => {
        let firstRequest: number | undefined;
        for (let attempt = 1; ; attempt++) {
          const room = await assignedRoom(visitor, name);
          bot.voiceRoom = room;
          try {
            bot.tokenRequestedAt = Date.now();
            const [response] = await Promise.all([voiceToken(bot, room), link.leave()]);
            if (response.status !== 200)
              throw new Error(`voice token for ${room}: ${response.status} ${await response.text()}`);
            const token = (await response.json()) as { url: string; token: string };
            if (generation !== switches) return; // a newer assignment took over
            // The embedded LiveKit's url is a path on the server's origin, as the player resolves it.
            await link.enter(new URL(token.url, serverUrl).toString(), token.token);
            bot.tokenRequestedAt = firstRequest ?? bot.tokenRequestedAt;
            return;
          } catch (error) {
            if (generation !== switches) return; // replaced while connecting: not a failure
            firstRequest ??= bot.tokenRequestedAt;
            bot.connectFailures += 1;
            if (attempt >= 3) throw new Error(`${name}: ${(error as Error).message}`, { cause: error });
          }
        }
      };
      // The first connection as every later one: the assignment may move on while it connects.
      if (options.connect ?? true) await bot.rejoinVoice();
      if (options.follow) {
        // As the player: a newer assignment replaces a switch still connecting (it never waits for it).
        visitor.onVoice((event) => {
          if (!event.enabled || bot.tokenRequestedAt === 0) return; // not in voice yet: nothing to follow
          if (event.room.room === bot.voiceRoom) return;
          void bot.rejoinVoice().catch(() => undefined);
        });
      }
      bots.push(bot);
      return bot;
    },
    /** Publishes a 64×48 grey test picture as the bot's camera, 10 frames a second. */
    async publishCamera(room) {
      const source = new VideoSource(64, 48);
      const track = LocalVideoTrack.createVideoTrack('camera', source);
      const options = new TrackPublishOptions();
      options.source = TrackSource.SOURCE_CAMERA;
      const frame = new VideoFrame(new Uint8Array(64 * 48 * 4).fill(128), 64, 48, VideoBufferType.RGBA);
      timers.push(setInterval(() => source.captureFrame(frame), 100));
      await room.localParticipant!.publishTrack(track, options);
    },
    async close({ dispose: release = true } = {}) {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(bots.map((b) => b.link.close().catch(() => undefined)));
      await Promise.all(visitors.map((v) => v.leave().catch(() => undefined)));
      if (release) await dispose();
    },
  };
}
