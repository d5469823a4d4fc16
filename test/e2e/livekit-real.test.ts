/**
 * Voice against a REAL LiveKit server, in every run: the binary `npm run services` builds, started for this
 * file on free ports with its webhooks pointed at this file's server (test/helpers/livekit-server.ts).
 * @livekit/rtc-node bots publishing tones join through our tokens: islanders hear each other (decoded audio
 * with a level), an outsider receives nothing and gets no token for their room, the real server's signed
 * webhooks mark people in voice, a moderator's mute stops the track, a kick removes the participant, and a
 * bot's camera reaches its island only once the world allows cameras.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RoomEvent, TrackKind, type RemoteParticipant } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { createOrg, createWorld, ok, registerAccount, sdk, type SignedIn } from '../helpers/api.js';
import { startTestLiveKit, type TestLiveKit } from '../helpers/livekit-server.js';
import { freePort, startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { HEARD_RMS, levelOf, voiceBots, type VoiceBot, type VoiceBots } from '../helpers/voice-bots.js';
import { waitFor } from '../helpers/wait.js';

let livekit: TestLiveKit;
let server: ServerProcess;
let owner: SignedIn;
let rooms: RoomServiceClient;
let bots: VoiceBots;

beforeAll(async () => {
  const port = await freePort();
  livekit = await startTestLiveKit(port);
  server = await startServerProcess({ PORT: String(port), DATA_DIR: await tempDir(), ...livekit.env });
  rooms = new RoomServiceClient(livekit.url.replace(/^ws/, 'http'), livekit.apiKey, livekit.apiSecret);
  bots = voiceBots(server.url);
  owner = await registerAccount(server.url, 'Stage Host');
  await createOrg(owner.api, 'live', 'Live');
  await createWorld(owner.api, 'live', { slug: 'live-voice', name: 'Live voice' });
}, 90_000);
afterAll(async () => {
  if (process.env.TEST_LIVEKIT_LOG_LEVEL) console.log(livekit?.output());
  await bots?.close();
  await server?.stop();
  await livekit?.stop();
});

const bot = (name: string, walkAway = false): Promise<VoiceBot> =>
  bots.bot(name, { world: 'live-voice', walkAway });

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
    const refused = await bots.voiceToken(far, ada.voiceRoom);
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
    viewer.link.room.on(RoomEvent.TrackSubscribed, (track, _publication, participant: RemoteParticipant) => {
      if (track.kind === TrackKind.KIND_VIDEO) videoFrom.add(participant.identity);
    });
    // The world does not allow cameras: the token's sources leave it out, so LiveKit refuses it.
    const firstTry = bots.publishCamera(cam.link.room).then(
      () => 'published',
      () => 'refused',
    );
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
    // With the wider permission LiveKit takes the camera track it held back (no new token); a client whose
    // first try was already refused publishes it again.
    const reachedAlone = await waitFor(() => videoFrom.has(cam.identity), Boolean, {
      what: 'the held-back camera',
      timeoutMs: 5_000,
    }).catch(() => false);
    if (!reachedAlone && (await firstTry) === 'refused') await bots.publishCamera(cam.link.room);
    await waitFor(() => videoFrom.has(cam.identity), Boolean, {
      what: 'Viewer receiving Cam’s camera',
      timeoutMs: 20_000,
    });
  });
});
