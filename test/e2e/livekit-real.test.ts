/**
 * Voice against a REAL LiveKit server — the one test allowed to skip: no LiveKit server can run on the
 * machines this is built on. Set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET (a self-hosted
 * `livekit-server --dev` works: devkey / secret) to run it. Two @livekit/rtc-node bots publishing tones
 * join through our tokens: the one in the island hears the other, one outside the island receives nothing,
 * and a moderator's mute stops the muted bot's track. A bot's camera reaches its island only once the world
 * allows cameras (the server then widens its LiveKit permissions; no new token is needed).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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
  type RemoteParticipant,
} from '@livekit/rtc-node';
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
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { drive, joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

const LIVEKIT = {
  url: process.env.LIVEKIT_URL,
  key: process.env.LIVEKIT_API_KEY,
  secret: process.env.LIVEKIT_API_SECRET,
};
const configured = Boolean(LIVEKIT.url && LIVEKIT.key && LIVEKIT.secret);
const describeWithLiveKit = configured ? describe : describe.skip;
const SKIP_REASON = configured
  ? ''
  : ' (skipped: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET to run against a real LiveKit server)';

const SAMPLE_RATE = 48_000;
const FRAME_SAMPLES = 480; // 10 ms

let server: ServerProcess;
let owner: SignedIn;
const visitors: Visitor[] = [];
const rooms: Room[] = [];
const timers: NodeJS.Timeout[] = [];
let seq = 0;

beforeAll(async () => {
  if (!configured) return;
  server = await startServerProcess({
    DATA_DIR: await tempDir(),
    LIVEKIT_URL: LIVEKIT.url!,
    LIVEKIT_API_KEY: LIVEKIT.key!,
    LIVEKIT_API_SECRET: LIVEKIT.secret!,
  });
  owner = await registerAccount(server.url, 'Stage Host');
  await createOrg(owner.api, 'live', 'Live');
  await createWorld(owner.api, 'live', { slug: 'live-voice', name: 'Live voice' });
});
afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  await Promise.all(rooms.map((room) => room.disconnect().catch(() => undefined)));
  await Promise.all(visitors.map((v) => v.leave().catch(() => undefined)));
  await server?.stop();
});

interface Bot {
  who: SignedIn;
  visitor: Visitor;
  room: Room;
  heard: Set<string>;
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
  const response = await fetch(`${server.url}/voice/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${who.token}` },
    body: JSON.stringify({ sessionId: visitor.sessionId, room: event.room.room }),
  });
  const token = (await response.json()) as { url: string; token: string };
  const room = new Room();
  rooms.push(room);
  const heard = new Set<string>();
  room.on(RoomEvent.TrackSubscribed, (_track, _publication, participant: RemoteParticipant) =>
    heard.add(participant.identity),
  );
  room.on(RoomEvent.TrackUnsubscribed, (_track, _publication, participant: RemoteParticipant) =>
    heard.delete(participant.identity),
  );
  room.on(RoomEvent.TrackUnpublished, (_publication, participant: RemoteParticipant) =>
    heard.delete(participant.identity),
  );
  await room.connect(token.url, token.token, { autoSubscribe: true, dynacast: true });
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
  return { who, visitor, room, heard };
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

describeWithLiveKit(`voice on a real LiveKit server${SKIP_REASON}`, () => {
  it('lets islanders hear each other, keeps an outsider out, and stops a muted bot’s track', async () => {
    const ada = await bot('Ada');
    const bob = await bot('Bob');
    const far = await bot('Far', true);
    const identityOf = (b: Bot) => `${b.who.accountId}:${b.visitor.sessionId}`;

    await waitFor(() => bob.heard.has(identityOf(ada)), Boolean, {
      what: 'Bob hearing Ada',
      timeoutMs: 20_000,
    });
    await waitFor(() => ada.heard.has(identityOf(bob)), Boolean, {
      what: 'Ada hearing Bob',
      timeoutMs: 20_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(far.heard.size).toBe(0); // another island: nothing reaches it

    await ok(
      sdk.worldsMute({
        client: owner.api,
        path: { slug: 'live-voice', accountId: ada.who.accountId },
        body: { reason: 'too loud' },
      }),
    );
    await waitFor(() => !bob.heard.has(identityOf(ada)), Boolean, {
      what: 'Ada’s track stopping for Bob after the mute',
      timeoutMs: 15_000,
    });
  });

  it('lets camera video through only once the world allows cameras', async () => {
    const cam = await bot('Cam');
    const viewer = await bot('Viewer');
    const camIdentity = `${cam.who.accountId}:${cam.visitor.sessionId}`;
    await waitFor(() => viewer.heard.has(camIdentity), Boolean, {
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
    expect(videoFrom.has(camIdentity)).toBe(false);

    await ok(
      sdk.worldsUpdate({ client: owner.api, path: { slug: 'live-voice' }, body: { allowCamera: true } }),
    );
    await waitFor(
      () => cam.visitor.voice.at(-1),
      (e) => e?.enabled === true && e.room.sources.includes('camera'),
      { what: 'Cam told it may use its camera' },
    );
    await publishCamera(cam.room);
    await waitFor(() => videoFrom.has(camIdentity), Boolean, {
      what: 'Viewer receiving Cam’s camera',
      timeoutMs: 20_000,
    });
  });
});
