/**
 * Voice against a REAL LiveKit server, in every run: the binary `npm run services` builds, started for this
 * file on free ports with its webhooks pointed at this file's server (test/helpers/livekit-server.ts).
 * @livekit/rtc-node bots publishing tones join through our tokens: islanders hear each other (decoded audio
 * with a level), an outsider receives nothing and gets no token for their room, the real server's signed
 * webhooks mark people in voice, a moderator's mute stops the track, a kick removes the participant, and a
 * bot's camera reaches its island only once the world allows cameras.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AudioFrame,
  AudioSource,
  AudioStream,
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
  type RemoteTrack,
} from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import type { MoveInput, VoiceEvent } from '../../protocol/index.js';
import {
  createOrg,
  createWorld,
  guestAccount,
  ok,
  registerAccount,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import { startTestLiveKit, type TestLiveKit } from '../helpers/livekit-server.js';
import { freePort, startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { drive, joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

const SAMPLE_RATE = 48_000;
const FRAME_SAMPLES = 480; // 10 ms
/** A received voice counts as heard above this RMS (16-bit samples; the bots' tone has RMS ≈ 5,700). */
const HEARD_RMS = 500;
/** The level is the loudest 10 ms frame received within this window, in milliseconds; 0 when none. */
const LEVEL_WINDOW_MS = 500;

let livekit: TestLiveKit;
let server: ServerProcess;
let owner: SignedIn;
let rooms: RoomServiceClient;
const visitors: Visitor[] = [];
const bots: Bot[] = [];
const timers: NodeJS.Timeout[] = [];
let seq = 0;

beforeAll(async () => {
  const port = await freePort();
  livekit = await startTestLiveKit(port);
  server = await startServerProcess({ PORT: String(port), DATA_DIR: await tempDir(), ...livekit.env });
  rooms = new RoomServiceClient(livekit.url.replace(/^ws/, 'http'), livekit.apiKey, livekit.apiSecret);
  owner = await registerAccount(server.url, 'Stage Host');
  await createOrg(owner.api, 'live', 'Live');
  await createWorld(owner.api, 'live', { slug: 'live-voice', name: 'Live voice' });
}, 90_000);
afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  await Promise.all(bots.map((b) => b.room.disconnect().catch(() => undefined)));
  await Promise.all(visitors.map((v) => v.leave().catch(() => undefined)));
  await server?.stop();
  await livekit?.stop();
  // rtc-node's native side keeps the process alive until it is disposed.
  await dispose();
});

/** What one bot receives from one other participant: decoded audio, its bytes and level. */
interface Heard {
  bytes: number;
  /** [received at (ms), RMS] of recent frames. */
  frames: Array<[number, number]>;
}

interface Bot {
  who: SignedIn;
  visitor: Visitor;
  room: Room;
  voiceRoom: string;
  identity: string;
  /** Identities with a subscribed track. */
  heard: Set<string>;
  audio: Map<string, Heard>;
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** The loudest frame `listener` received from `speaker` within the last LEVEL_WINDOW_MS; 0 if none. */
function levelOf(listener: Bot, speaker: Bot): number {
  const since = Date.now() - LEVEL_WINDOW_MS;
  const frames = listener.audio.get(speaker.identity)?.frames ?? [];
  return frames.filter(([at]) => at >= since).reduce((max, [, level]) => Math.max(max, level), 0);
}

/** Decodes a subscribed audio track, recording bytes and per-frame levels. */
function listen(track: RemoteTrack, heard: Heard): void {
  void (async () => {
    for await (const frame of new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1 })) {
      heard.bytes += frame.data.byteLength;
      heard.frames.push([Date.now(), rms(frame.data)]);
      if (heard.frames.length > 400) heard.frames.splice(0, 200);
    }
  })().catch(() => undefined);
}

/** Joins the world as a guest, then its assigned LiveKit room with our token, publishing a 440 Hz tone. */
async function bot(name: string, walkAway = false): Promise<Bot> {
  const who = await guestAccount(server.url, name);
  const visitor = await joinWorld(server.url, { world: 'live-voice', name }, who.token);
  visitors.push(visitor);
  if (walkAway) {
    const away: MoveInput[] = Array.from({ length: 120 }, () => ({ seq: ++seq, x: 1, z: 0, run: true }));
    await drive(visitor, away);
  }
  const event = (await waitFor(
    () => visitor.voice.at(-1),
    (e) => e?.enabled === true,
    { what: `${name}'s voice room`, timeoutMs: 15_000 },
  )) as Extract<VoiceEvent, { enabled: true }>;
  const token = await voiceToken(who, visitor, event.room.room);
  expect(token.status).toBe(200);
  const room = new Room();
  const heard = new Set<string>();
  const audio = new Map<string, Heard>();
  room.on(RoomEvent.TrackSubscribed, (track, _publication, participant: RemoteParticipant) => {
    heard.add(participant.identity);
    if (track.kind !== TrackKind.KIND_AUDIO) return;
    const entry = audio.get(participant.identity) ?? { bytes: 0, frames: [] };
    audio.set(participant.identity, entry);
    listen(track, entry);
  });
  room.on(RoomEvent.TrackUnsubscribed, (_track, _publication, participant: RemoteParticipant) =>
    heard.delete(participant.identity),
  );
  room.on(RoomEvent.TrackUnpublished, (_publication, participant: RemoteParticipant) =>
    heard.delete(participant.identity),
  );
  const { url, token: jwt } = (await token.json()) as { url: string; token: string };
  await room.connect(url, jwt, { autoSubscribe: true, dynacast: true });
  const source = new AudioSource(SAMPLE_RATE, 1);
  const track = LocalAudioTrack.createAudioTrack('tone', source);
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_MICROPHONE;
  await room.localParticipant!.publishTrack(track, options);
  let phase = 0;
  timers.push(
    setInterval(() => {
      const samples = new Int16Array(FRAME_SAMPLES);
      for (let i = 0; i < FRAME_SAMPLES; i++, phase++)
        samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * phase) / SAMPLE_RATE));
      void source.captureFrame(new AudioFrame(samples, SAMPLE_RATE, 1, FRAME_SAMPLES)).catch(() => undefined);
    }, 10),
  );
  const made: Bot = {
    who,
    visitor,
    room,
    voiceRoom: event.room.room,
    identity: `${who.accountId}:${visitor.sessionId}`,
    heard,
    audio,
  };
  bots.push(made);
  return made;
}

function voiceToken(who: SignedIn, visitor: Visitor, room: string): Promise<Response> {
  return fetch(`${server.url}/voice/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${who.token}` },
    body: JSON.stringify({ sessionId: visitor.sessionId, room }),
  });
}

/** Publishes a 64×48 grey test picture as the bot's camera, 10 frames a second. */
async function publishCamera(room: Room): Promise<void> {
  const source = new VideoSource(64, 48);
  const track = LocalVideoTrack.createVideoTrack('camera', source);
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_CAMERA;
  const frame = new VideoFrame(new Uint8Array(64 * 48 * 4).fill(128), 64, 48, VideoBufferType.RGBA);
  timers.push(setInterval(() => source.captureFrame(frame), 100));
  await room.localParticipant!.publishTrack(track, options);
}

async function identitiesIn(room: string): Promise<string[]> {
  return (await rooms.listParticipants(room)).map((p) => p.identity);
}

describe('voice on a real LiveKit server', () => {
  it('lets islanders hear each other, keeps an outsider out, and marks them in voice by webhook', async () => {
    const ada = await bot('Ada');
    const bob = await bot('Bob');
    const far = await bot('Far', true);
    expect(ada.voiceRoom).toBe(bob.voiceRoom);
    expect(far.voiceRoom).not.toBe(ada.voiceRoom);

    await waitFor(
      () => levelOf(bob, ada),
      (level) => level > HEARD_RMS,
      {
        what: 'Bob hearing Ada (decoded level)',
        timeoutMs: 20_000,
      },
    );
    await waitFor(
      () => levelOf(ada, bob),
      (level) => level > HEARD_RMS,
      {
        what: 'Ada hearing Bob (decoded level)',
        timeoutMs: 20_000,
      },
    );
    expect(bob.audio.get(ada.identity)!.bytes).toBeGreaterThan(0);

    // The outsider: no token for their room, and nothing of theirs reaches it in its own.
    const refused = await voiceToken(far.who, far.visitor, ada.voiceRoom);
    expect(refused.status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(far.heard.size).toBe(0);
    expect(far.audio.size).toBe(0);
    expect(await identitiesIn(ada.voiceRoom)).not.toContain(far.identity);

    // LiveKit's own signed webhooks reach /livekit/webhook: others see both as in voice.
    await waitFor(
      () => bob.visitor.avatars().get(ada.visitor.sessionId)?.inVoice,
      (inVoice) => inVoice === true,
      { what: 'Ada shown in voice to Bob (participant_joined webhook)', timeoutMs: 15_000 },
    );
    await waitFor(
      () => ada.visitor.avatars().get(bob.visitor.sessionId)?.inVoice,
      (inVoice) => inVoice === true,
      { what: 'Bob shown in voice to Ada', timeoutMs: 15_000 },
    );
  });

  it('stops a muted speaker for everyone and removes a kicked visitor from voice', async () => {
    const loud = await bot('Loud');
    const ear = await bot('Ear');
    const gone = await bot('Gone');
    await waitFor(
      () => levelOf(ear, loud),
      (level) => level > HEARD_RMS,
      {
        what: 'Ear hearing Loud',
        timeoutMs: 20_000,
      },
    );

    await ok(
      sdk.worldsMute({
        client: owner.api,
        path: { slug: 'live-voice', accountId: loud.who.accountId },
        body: { reason: 'too loud' },
      }),
    );
    await waitFor(
      () => levelOf(ear, loud),
      (level) => level === 0,
      {
        what: 'Loud’s level at Ear falling to 0 after the mute',
        timeoutMs: 15_000,
      },
    );
    // The server says so: Loud's grant no longer publishes, and LiveKit holds the same permission.
    await waitFor(
      () => loud.visitor.voice.at(-1),
      (e) => e?.enabled === true && !e.room.canPublish,
      { what: 'Loud told it may not talk' },
    );
    const muted = (await rooms.listParticipants(loud.voiceRoom)).find((p) => p.identity === loud.identity);
    expect(muted?.permission?.canPublish).toBe(false);

    await waitFor(
      () => identitiesIn(gone.voiceRoom),
      (ids) => ids.includes(gone.identity),
      {
        what: 'Gone in its LiveKit room',
      },
    );
    await ok(
      sdk.worldsKick({
        client: owner.api,
        path: { slug: 'live-voice', accountId: gone.who.accountId },
        body: { reason: 'leave, please' },
      }),
    );
    await waitFor(
      () => identitiesIn(gone.voiceRoom),
      (ids) => !ids.includes(gone.identity),
      {
        what: 'Gone removed from its LiveKit room after the kick',
        timeoutMs: 15_000,
      },
    );
    await waitFor(
      () => levelOf(ear, gone),
      (level) => level === 0,
      {
        what: 'Gone no longer heard after the kick',
        timeoutMs: 15_000,
      },
    );
  });

  it('lets camera video through only once the world allows cameras', async () => {
    const cam = await bot('Cam');
    const viewer = await bot('Viewer');
    await waitFor(() => viewer.heard.has(cam.identity), Boolean, {
      what: 'Viewer hearing Cam',
      timeoutMs: 20_000,
    });
    const videoFrom = new Set<string>();
    viewer.room.on(RoomEvent.TrackSubscribed, (track, _publication, participant: RemoteParticipant) => {
      if (track.kind === TrackKind.KIND_VIDEO) videoFrom.add(participant.identity);
    });
    // The world does not allow cameras: the token's sources leave it out, so LiveKit refuses it.
    await publishCamera(cam.room).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(videoFrom.has(cam.identity)).toBe(false);

    await ok(
      sdk.worldsUpdate({ client: owner.api, path: { slug: 'live-voice' }, body: { allowCamera: true } }),
    );
    await waitFor(
      () => cam.visitor.voice.at(-1),
      (e) => e?.enabled === true && e.room.sources.includes('camera'),
      { what: 'Cam told it may use its camera' },
    );
    await publishCamera(cam.room);
    await waitFor(() => videoFrom.has(cam.identity), Boolean, {
      what: 'Viewer receiving Cam’s camera',
      timeoutMs: 20_000,
    });
  });
});
