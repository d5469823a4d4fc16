/**
 * How voice bots hear: what one bot receives from another (bytes and levels, as decoded audio or as RTP
 * packet counts) and how loud it was lately. Used by bench/shared/voice-bots.ts.
 */
import { AudioStream, type RemoteTrack, type Room } from '@livekit/rtc-node';
import { within } from './wait.js';

export const SAMPLE_RATE = 48_000;
/**
 * How a bot tells what it receives.
 * - `decoded` (tests): every subscribed audio track is read through an AudioStream (48 kHz, 10 ms frames)
 *   and a frame's level is its RMS. Exact, at 10 ms resolution, but one FFI event per frame per track.
 * - `packets` (the benchmark): no AudioStream; every 100 ms (longer in big rooms, see statsEveryMs) the
 *   bot reads its inbound RTP stats, and a track counts as heard in that interval when voice payload
 *   arrived (on average more than VOICE_PAYLOAD_BYTES per packet: the SFU's silence frames after a mute
 *   are a few bytes); its level is then HEARD_LEVEL, else 0. The bots' tone is never silent, so for them
 *   "voice payload arrived" and "audible" are the same thing, at 100–440 ms resolution. Its tone goes out
 *   in 200 ms frames.
 * Either way rtc-node itself decodes every subscribed audio track, on one thread per process (its
 * synthetic audio device pulls playout): about 300 streams fill that thread on this machine.
 */
export type Hearing = 'decoded' | 'packets';
/**
 * Samples per captured tone frame, by hearing mode (10 ms and 200 ms at 48 kHz). rtc-node answers every
 * capture with an FFI event that every room in the process looks at, so the benchmark captures rarely.
 */
export const FRAME_SAMPLES: Record<Hearing, number> = { decoded: 480, packets: 9_600 };
/**
 * How often a listening room's stats are read: every 100 ms, stretched to 12.5 ms per received track
 * beyond 8 (a room of 35 speakers: every 440 ms). Decoding the stats of many streams costs this process
 * more than anything else the benchmark does.
 */
const statsEveryMs = (tracks: number): number => Math.max(100, 12.5 * tracks);
/** Opus packets of the bots' tone carry ~60–160 bytes; the SFU's silence frames 3. */
const VOICE_PAYLOAD_BYTES = 20;
/** A received voice counts as heard above this RMS (16-bit samples; the bots' tone has RMS ≈ 5,700). */
export const HEARD_RMS = 500;
/** The level `packets` hearing gives an interval in which voice payload arrived. */
const HEARD_LEVEL = 1_000;
/** A level is the loudest 10 ms frame received within this window, in milliseconds; 0 when none. */
const LEVEL_WINDOW_MS = 500;

/** What one bot receives from one other participant: decoded audio, its bytes and levels. */
export interface Heard {
  bytes: number;
  /** When the first frame louder than HEARD_RMS arrived (ms since the epoch); undefined until then. */
  firstLoudAt?: number;
  /** [received at (ms), RMS] of recent frames (the last 200–400). */
  frames: Array<[number, number]>;
  /** How many frames were ever recorded (a copy in another process takes the ones it lacks). */
  recorded: number;
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** The loudest frame `listener` received from `speaker` within the last `windowMs` (default 500); 0 if none. */
export function levelOf(
  listener: { audio: ReadonlyMap<string, Heard> },
  speaker: { identity: string },
  windowMs = LEVEL_WINDOW_MS,
): number {
  const since = Date.now() - windowMs;
  const frames = listener.audio.get(speaker.identity)?.frames ?? [];
  return frames.filter(([at]) => at >= since).reduce((max, [, level]) => Math.max(max, level), 0);
}

/** Decodes a subscribed audio track, recording bytes and per-frame levels; `onRead` after each frame. */
export function decode(track: RemoteTrack, heard: Heard, onRead: () => void = () => undefined): void {
  void (async () => {
    const stream = new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1 });
    for await (const frame of stream) {
      record(heard, frame.data.byteLength, rms(frame.data));
      onRead();
    }
  })().catch(() => undefined);
}

function record(heard: Heard, bytes: number, level: number): void {
  heard.bytes += bytes;
  if (level > HEARD_RMS) heard.firstLoudAt ??= Date.now();
  heard.frames.push([Date.now(), level]);
  heard.recorded += 1;
  if (heard.frames.length > 400) heard.frames.splice(0, 200);
}

/**
 * A room's session stats, or undefined when they fail or take over 2 s: on a loaded process rtc-node
 * sometimes never answers a stats request, and a reader waiting on it would go deaf for good.
 */
export async function statsOf(room: Room): Promise<Awaited<ReturnType<Room['getRtcStats']>> | undefined> {
  return within(
    room.getRtcStats().catch(() => undefined),
    2_000,
    () => undefined,
  );
}

/**
 * `packets` hearing: reads `room`'s inbound audio RTP stats every 100 ms (see statsEveryMs) and records,
 * per inbound stream in `tracks` (by its WebRTC track identifier, bench/shared/rtc-track-id.ts), one level
 * for the interval: HEARD_LEVEL when voice payload arrived, else 0. A track's first level comes up to
 * 150 ms after its first packet (the mapping is asked every 50 ms, the stats every 100); on a busy process
 * the reads space out. `onRead` is called after every read that rtc-node answered. Runs while the room is
 * connected.
 */
export async function watchPackets(
  room: Room,
  tracks: Map<string, Heard>,
  onRead: () => void = () => undefined,
): Promise<void> {
  const last = new Map<string, { packets: number; bytes: number }>();
  // One request at a time: rtc-node answers every FFI event to every waiting request, so requests that
  // pile up on a busy process make it busier still.
  while (room.isConnected) {
    const asked = Date.now();
    const stats = await statsOf(room);
    if (stats) onRead();
    // LiveKit may carry both directions on one peer connection: received streams can be in either.
    for (const entry of [...(stats?.subscriberStats ?? []), ...(stats?.publisherStats ?? [])]) {
      if (entry.stats.case !== 'inboundRtp' || entry.stats.value.stream?.kind !== 'audio') continue;
      const id = entry.stats.value.inbound?.trackIdentifier ?? '';
      const heard = tracks.get(id);
      if (!heard) continue;
      const now = {
        packets: Number(entry.stats.value.received?.packetsReceived ?? 0),
        bytes: Number(entry.stats.value.inbound?.bytesReceived ?? 0),
      };
      const before = last.get(id) ?? { packets: 0, bytes: 0 };
      last.set(id, now);
      const packets = now.packets - before.packets;
      const bytes = now.bytes - before.bytes;
      record(
        heard,
        Math.max(0, bytes),
        packets > 0 && bytes / packets > VOICE_PAYLOAD_BYTES ? HEARD_LEVEL : 0,
      );
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, statsEveryMs(tracks.size) - (Date.now() - asked))),
    );
  }
}
