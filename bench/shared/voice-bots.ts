/**
 * Voice bots for real-LiveKit tests: a guest visitor in a world (the same SDK and protocol the player uses)
 * that fetches our voice token for the room the server assigned it, joins that LiveKit room with
 * @livekit/rtc-node, publishes a 440 Hz tone, and hears what it receives (bench/shared/voice-hearing.ts).
 */
import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  LocalVideoTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
  dispose,
  type RemoteParticipant,
} from '@livekit/rtc-node';
import type { MoveInput, VoiceEvent } from '../../protocol/index.js';
import { inboundStreamId } from './rtc-track-id.js';
import {
  FRAME_SAMPLES,
  SAMPLE_RATE,
  decode,
  watchPackets,
  type Heard,
  type Hearing,
} from './voice-hearing.js';
import { drive, joinWorld, type Visitor } from './visitors.js';
import { waitFor } from './wait.js';

export { HEARD_RMS, levelOf, statsOf, type Heard, type Hearing } from './voice-hearing.js';

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

export interface VoiceBot {
  name: string;
  who: Guest;
  visitor: Visitor;
  room: Room;
  voiceRoom: string;
  identity: string;
  /** Identities with a subscribed track. */
  heard: Set<string>;
  audio: Map<string, Heard>;
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
}

export interface VoiceBots {
  bot(name: string, options?: BotOptions): Promise<VoiceBot>;
  voiceToken(bot: Pick<VoiceBot, 'who' | 'visitor'>, room: string): Promise<Response>;
  publishCamera(room: Room): Promise<void>;
  /**
   * Disconnects every bot and releases rtc-node (which otherwise keeps the process alive); with
   * `{ dispose: false }` rtc-node stays usable for more bots (the benchmark's second run).
   */
  close(options?: { dispose?: boolean }): Promise<void>;
}

export function voiceBots(serverUrl: string, hearing: Hearing = 'decoded'): VoiceBots {
  const bots: VoiceBot[] = [];
  const visitors: Visitor[] = [];
  const timers: NodeJS.Timeout[] = [];
  let seq = 0;

  const voiceToken = (bot: Pick<VoiceBot, 'who' | 'visitor'>, room: string): Promise<Response> =>
    fetch(`${serverUrl}/voice/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bot.who.token}` },
      body: JSON.stringify({ sessionId: bot.visitor.sessionId, room }),
    });

  /** A LiveKit room whose received tracks land in `heard` and `audio`. */
  const listeningRoom = (heard: Set<string>, audio: Map<string, Heard>): Room => {
    const room = new Room();
    const tracks = new Map<string, Heard>();
    let watching = false;
    room.on(RoomEvent.TrackSubscribed, (track, _publication, participant: RemoteParticipant) => {
      heard.add(participant.identity);
      if (track.kind !== TrackKind.KIND_AUDIO) return;
      const entry: Heard = { bytes: 0, frames: [] };
      audio.set(participant.identity, entry);
      if (hearing === 'decoded') decode(track, entry);
      else {
        // Packet counting starts with the room's first subscription and runs while it is connected.
        if (!watching) void watchPackets(room, tracks);
        watching = true;
        const wanted = (): boolean => room.isConnected && audio.get(participant.identity) === entry;
        void inboundStreamId(track, wanted).then((id) => id && tracks.set(id, entry));
      }
    });
    room.on(RoomEvent.TrackUnsubscribed, (_track, _publication, participant: RemoteParticipant) =>
      heard.delete(participant.identity),
    );
    room.on(RoomEvent.TrackUnpublished, (_publication, participant: RemoteParticipant) =>
      heard.delete(participant.identity),
    );
    return room;
  };

  /** Connects `room` with our token for `voiceRoom` and publishes a tone into it. */
  const connectAndSpeak = async (
    bot: Pick<VoiceBot, 'who' | 'visitor' | 'tokenRequestedAt'>,
    room: Room,
    voiceRoom: string,
    listen: boolean,
  ): Promise<void> => {
    bot.tokenRequestedAt = Date.now();
    const response = await voiceToken(bot, voiceRoom);
    if (response.status !== 200)
      throw new Error(`voice token for ${voiceRoom}: ${response.status} ${await response.text()}`);
    const token = (await response.json()) as { url: string; token: string };
    // The embedded LiveKit's url is a path on the server's origin, as the player resolves it.
    await room.connect(new URL(token.url, serverUrl).toString(), token.token, {
      autoSubscribe: listen,
      dynacast: true,
    });
    const source = new AudioSource(SAMPLE_RATE, 1);
    const track = LocalAudioTrack.createAudioTrack('tone', source);
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    await room.localParticipant!.publishTrack(track, options);
    let phase = 0;
    const frameSamples = FRAME_SAMPLES[hearing];
    const timer = setInterval(
      () => {
        if (!room.isConnected) return;
        const samples = new Int16Array(frameSamples);
        for (let i = 0; i < frameSamples; i++, phase++)
          samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * phase) / SAMPLE_RATE));
        void source
          .captureFrame(new AudioFrame(samples, SAMPLE_RATE, 1, frameSamples))
          .catch(() => undefined);
      },
      (frameSamples / SAMPLE_RATE) * 1000,
    );
    timers.push(timer);
  };

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
      const voiceRoom = await assignedRoom(visitor, name);
      const heard = new Set<string>();
      const audio = new Map<string, Heard>();
      const bot: VoiceBot = {
        name,
        who,
        visitor,
        room: listeningRoom(heard, audio),
        voiceRoom,
        identity: `${who.accountId}:${visitor.sessionId}`,
        heard,
        audio,
        tokenRequestedAt: 0,
        connectFailures: 0,
        switching: false,
        async rejoinVoice() {
          bot.switching = true;
          try {
            await rejoin();
          } finally {
            bot.switching = false;
          }
        },
      };
      /** rtc-node can lose a room torn down while it connects (its FFI handle is gone): try again. */
      const rejoin = async (): Promise<void> => {
        let firstRequest: number | undefined;
        for (let attempt = 1; ; attempt++) {
          await bot.room.disconnect().catch(() => undefined);
          // rtc-node releases the old room's native handles asynchronously: give it a moment.
          await new Promise((resolve) => setTimeout(resolve, 200));
          heard.clear();
          audio.clear();
          bot.voiceRoom = await assignedRoom(visitor, name);
          bot.room = listeningRoom(heard, audio);
          try {
            // rtc-node's connect has no deadline of its own, and on a busy process it can hang: give up on
            // it after 20 s and try again with a new room.
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([
              connectAndSpeak(bot, bot.room, bot.voiceRoom, options.listen ?? true),
              new Promise<never>((_, reject) => {
                timer = setTimeout(
                  () => reject(new Error(`${name}: LiveKit connect took over 20 s`)),
                  20_000,
                );
              }),
            ]).finally(() => clearTimeout(timer));
            bot.tokenRequestedAt = firstRequest ?? bot.tokenRequestedAt;
            return;
          } catch (error) {
            firstRequest ??= bot.tokenRequestedAt;
            bot.connectFailures += 1;
            if (attempt >= 3) throw error;
          }
        }
      };
      // The first connection as every later one: the assignment may move on while it connects.
      if (options.connect ?? true) await bot.rejoinVoice();
      if (options.follow) {
        // One switch at a time; a newer assignment that arrives meanwhile is taken up right after.
        let switching: Promise<void> = Promise.resolve();
        visitor.onVoice((event) => {
          if (!event.enabled) return;
          switching = switching.then(async () => {
            const latest = visitor.voice.at(-1);
            if (bot.tokenRequestedAt === 0) return; // not in voice yet: nothing to follow
            if (!latest?.enabled || latest.room.room === bot.voiceRoom) return;
            await bot.rejoinVoice().catch(() => undefined);
          });
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
      await Promise.all(
        bots.filter((b) => b.room.isConnected).map((b) => b.room.disconnect().catch(() => undefined)),
      );
      await Promise.all(visitors.map((v) => v.leave().catch(() => undefined)));
      if (release) await dispose();
    },
  };
}
