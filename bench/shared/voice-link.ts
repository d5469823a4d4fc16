/**
 * A voice bot's LiveKit side: one LiveKit room at a time, a 440 Hz tone published into it, and what it
 * receives (bench/shared/voice-hearing.ts). `roomLink` runs it in this process with @livekit/rtc-node; the
 * benchmark runs links in child processes instead (bench/voice/link-processes.ts), behind the same
 * interface.
 */
import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  type RemoteParticipant,
} from '@livekit/rtc-node';
import { inboundStreamId } from './rtc-track-id.js';
import {
  FRAME_SAMPLES,
  SAMPLE_RATE,
  decode,
  statsOf,
  watchPackets,
  type Heard,
  type Hearing,
} from './voice-hearing.js';
import { within } from './wait.js';

/** One second of the bots' 440 Hz tone (440 whole periods, so it repeats seamlessly). */
const TONE = Int16Array.from({ length: SAMPLE_RATE }, (_, i) =>
  Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE)),
);

/** How long a LiveKit connection may take before `enter` gives up on it, in milliseconds. */
export const CONNECT_TIMEOUT_MS = 20_000;

/** `enter` found that a newer `enter` or a `leave` replaced the room it was connecting. */
export class SupersededError extends Error {
  constructor() {
    super('a newer voice room replaced this one while it connected');
    this.name = 'SupersededError';
  }
}

export interface VoiceLink {
  /** Identities with a subscribed track in the current room. */
  readonly heard: ReadonlySet<string>;
  /** What was received from each identity in the current room. */
  readonly audio: ReadonlyMap<string, Heard>;
  /**
   * When it last learned what it receives (ms since the epoch; 0 before): a stats read rtc-node answered
   * (`packets` hearing) or a decoded frame. A listener whose reads stalled knows nothing of the meantime —
   * silence then is not evidence of a miss.
   */
  readonly lastReadAt: number;
  /**
   * Joins the LiveKit room `token` grants at `url` (leaving the current one first), publishes the tone
   * and, when the link listens, subscribes to everyone. Rejects when not connected within
   * CONNECT_TIMEOUT_MS, and with SupersededError when another `enter` or a `leave` came meanwhile (the
   * newer one wins, as in the player: a switch never waits for a connection that is no longer wanted).
   */
  enter(url: string, token: string): Promise<void>;
  /**
   * Leaves the current room, if any, and forgets what was received in it. Resolves at once; the
   * disconnect itself finishes in the background (`close` waits for it).
   */
  leave(): Promise<void>;
  /** Bytes received in the current room so far (RTP payload and headers of every inbound stream). */
  receivedBytes(): Promise<number>;
  /** Leaves and stops the tone for good. */
  close(): Promise<void>;
}

/** A link in this process; `room` is its current rtc-node room (tests publish a camera into it). */
export interface RoomLink extends VoiceLink {
  readonly room: Room;
}

/**
 * Bytes a room received so far: the sum over its inbound RTP streams (payload and headers; a stream that
 * ended drops out). LiveKit may carry both directions on one peer connection, so inbound streams are
 * looked for in both transports' stats.
 */
async function receivedBytes(room: Room): Promise<number> {
  if (!room.isConnected) return 0;
  const stats = await statsOf(room);
  let inbound = 0;
  for (const entry of [...(stats?.subscriberStats ?? []), ...(stats?.publisherStats ?? [])])
    if (entry.stats.case === 'inboundRtp') {
      const stream = entry.stats.value.inbound;
      inbound += Number(stream?.bytesReceived ?? 0) + Number(stream?.headerBytesReceived ?? 0);
    }
  return inbound;
}

/** A link in this process. `listen: false` only speaks (no subscriptions: rtc-node decodes each one). */
export function roomLink(hearing: Hearing, listen: boolean): RoomLink {
  const heard = new Set<string>();
  const audio = new Map<string, Heard>();
  let tone: NodeJS.Timeout | undefined;
  /** Disconnects under way (a switch never waits for one; `close` does). */
  const leaving = new Set<Promise<unknown>>();
  /**
   * Disconnects `room` in the background. rtc-node's disconnect waits for an FFI answer that a room it
   * already dropped (the server removed it) may never get: bounded to 5 s.
   */
  const retire = (room: Room): void => {
    const done = within(
      room.disconnect().catch(() => undefined),
      5_000,
      () => undefined,
    );
    leaving.add(done);
    void done.then(() => leaving.delete(done));
  };

  /** A room whose received tracks land in `heard` and `audio`. */
  const listeningRoom = (): Room => {
    const room = new Room();
    // rtc-node adds one "tokenRefreshed" listener to the room per received track: a room with more than 10
    // speakers is not a leak (Node's default limit of 10 would warn for every one beyond).
    room.setMaxListeners(0);
    const tracks = new Map<string, Heard>();
    let watching = false;
    room.on(RoomEvent.TrackSubscribed, (track, _publication, participant: RemoteParticipant) => {
      if (room !== link.room) return; // a room left while it connected
      heard.add(participant.identity);
      if (track.kind !== TrackKind.KIND_AUDIO) return;
      const entry: Heard = { bytes: 0, frames: [], recorded: 0 };
      audio.set(participant.identity, entry);
      const read = (): void => {
        if (room === link.room) link.lastReadAt = Date.now();
      };
      if (hearing === 'decoded') decode(track, entry, read);
      else {
        // Packet counting starts with the room's first subscription and runs while it is connected.
        if (!watching) void watchPackets(room, tracks, read);
        watching = true;
        const wanted = (): boolean => room.isConnected && audio.get(participant.identity) === entry;
        void inboundStreamId(track, wanted).then((id) => id && tracks.set(id, entry));
      }
    });
    const forget = (participant: RemoteParticipant): void => {
      if (room === link.room) heard.delete(participant.identity);
    };
    room.on(RoomEvent.TrackUnsubscribed, (_track, _publication, participant) => forget(participant));
    room.on(RoomEvent.TrackUnpublished, (_publication, participant) => forget(participant));
    return room;
  };

  const speak = async (room: Room): Promise<void> => {
    const source = new AudioSource(SAMPLE_RATE, 1);
    const track = LocalAudioTrack.createAudioTrack('tone', source);
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    await room.localParticipant!.publishTrack(track, options);
    let offset = 0;
    const frameSamples = FRAME_SAMPLES[hearing];
    clearInterval(tone);
    tone = setInterval(
      () => {
        if (!room.isConnected) return;
        const samples = new Int16Array(frameSamples);
        for (let i = 0; i < frameSamples; i++) samples[i] = TONE[(offset + i) % SAMPLE_RATE]!;
        offset = (offset + frameSamples) % SAMPLE_RATE;
        void source
          .captureFrame(new AudioFrame(samples, SAMPLE_RATE, 1, frameSamples))
          .catch(() => undefined);
      },
      (frameSamples / SAMPLE_RATE) * 1000,
    );
  };

  const link = {
    room: new Room(),
    heard,
    audio,
    lastReadAt: 0,
    async enter(url: string, token: string): Promise<void> {
      await link.leave();
      const room = listeningRoom();
      link.room = room;
      // rtc-node's connect has no deadline of its own, and on a busy process it can hang.
      await within(
        (async () => {
          await room.connect(url, token, { autoSubscribe: listen, dynacast: true });
          if (link.room === room) await speak(room);
        })(),
        CONNECT_TIMEOUT_MS,
        () => {
          throw new Error(`LiveKit connect took over ${CONNECT_TIMEOUT_MS / 1000} s`);
        },
      );
      if (link.room !== room) {
        // Another enter (or a leave) came while this one connected: the room it finished is not wanted.
        retire(room);
        throw new SupersededError();
      }
    },
    leave(): Promise<void> {
      clearInterval(tone);
      retire(link.room);
      link.room = new Room();
      heard.clear();
      audio.clear();
      link.lastReadAt = 0;
      return Promise.resolve();
    },
    receivedBytes: () => receivedBytes(link.room),
    async close(): Promise<void> {
      await link.leave();
      await Promise.all(leaving);
    },
  };
  return link;
}
