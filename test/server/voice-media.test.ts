/**
 * Camera and screen share are the world's to allow: the voice grant, the token (verified with the real
 * TokenVerifier) and the LiveKit permission set all follow the world's settings, change with them in a
 * running instance, and never reach a muted visitor or the announcements.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TokenVerifier } from 'livekit-server-sdk';
import type { VoiceEvent } from '../../protocol/index.js';
import type { RunningServer } from '../../server/index.js';
import {
  createOrg,
  createWorld,
  guestAccount,
  ok,
  registerAccount,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import {
  LIVEKIT_TEST_KEY,
  LIVEKIT_TEST_SECRET,
  startFakeLiveKit,
  type FakeLiveKit,
} from '../helpers/fake-livekit.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

let livekit: FakeLiveKit;
let server: RunningServer;
let owner: SignedIn;
const visitors: Visitor[] = [];

beforeAll(async () => {
  livekit = await startFakeLiveKit();
  server = await startInProcessServer({
    LIVEKIT_URL: livekit.url,
    LIVEKIT_API_KEY: LIVEKIT_TEST_KEY,
    LIVEKIT_API_SECRET: LIVEKIT_TEST_SECRET,
  });
  owner = await registerAccount(server.url, 'Host');
  await createOrg(owner.api, 'studio', 'Studio');
  await createWorld(owner.api, 'studio', { slug: 'cinema', name: 'Cinema', allowCamera: true });
});
afterAll(async () => {
  await Promise.all(visitors.map((v) => v.leave().catch(() => undefined)));
  await server?.close();
  await livekit?.close();
});

type Assigned = Extract<VoiceEvent, { enabled: true }>;
const latestVoice = (visitor: Visitor): VoiceEvent | undefined => visitor.voice.at(-1);
const voiceWhere = (visitor: Visitor, test: (event: Assigned) => boolean, what: string) =>
  waitFor(
    () => latestVoice(visitor),
    (event) => event?.enabled === true && test(event),
    { what },
  ) as Promise<Assigned>;

async function tokenClaims(who: SignedIn, sessionId: string, room: string) {
  const response = await fetch(`${server.url}/voice/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${who.token}` },
    body: JSON.stringify({ sessionId, room }),
  });
  expect(response.status).toBe(200);
  const reply = (await response.json()) as { token: string; sources: string[] };
  const claims = await new TokenVerifier(LIVEKIT_TEST_KEY, LIVEKIT_TEST_SECRET).verify(reply.token);
  return { sources: reply.sources, video: claims.video };
}

const updateWorld = (body: { allowCamera?: boolean; allowScreenShare?: boolean }) =>
  ok(sdk.worldsUpdate({ client: owner.api, path: { slug: 'cinema' }, body }));

describe('camera and screen share in voice rooms', () => {
  it('grants the camera where the world allows it, then screen share once the owner allows that too', async () => {
    const ivy = await guestAccount(server.url, 'Ivy');
    const ivyIn = await joinWorld(server.url, { world: 'cinema', name: 'Ivy' }, ivy.token);
    visitors.push(ivyIn);
    const first = await voiceWhere(ivyIn, () => true, 'a voice assignment');
    expect(first.room).toMatchObject({ canPublish: true, sources: ['microphone', 'camera'] });
    // Announcements are spoken only, whatever the world allows.
    expect(first.announce.sources).toEqual(['microphone']);
    expect(await tokenClaims(ivy, ivyIn.sessionId, first.room.room)).toEqual({
      sources: ['microphone', 'camera'],
      video: expect.objectContaining({ canPublish: true, canPublishSources: ['microphone', 'camera'] }),
    });
    expect((await tokenClaims(ivy, ivyIn.sessionId, first.announce.room)).video).toMatchObject({
      canPublish: false,
      canPublishSources: ['microphone'],
    });

    const calls = livekit.calls.length;
    await updateWorld({ allowScreenShare: true });
    const shared = await voiceWhere(
      ivyIn,
      (e) => e.room.sources.includes('screen_share'),
      'Ivy told she may share her screen',
    );
    expect(shared.room).toEqual({ ...first.room, sources: ['microphone', 'camera', 'screen_share'] });
    expect((await tokenClaims(ivy, ivyIn.sessionId, shared.room.room)).video).toMatchObject({
      canPublishSources: ['microphone', 'camera', 'screen_share', 'screen_share_audio'],
    });
    // The LiveKit server is told the whole new set for the room she is in (it replaces, not merges).
    const identity = `${ivy.accountId}:${ivyIn.sessionId}`;
    const update = await waitFor(
      () =>
        livekit.calls
          .slice(calls)
          .find((c) => c.method === 'UpdateParticipant' && c.body.identity === identity),
      Boolean,
      { what: 'the permission update' },
    );
    expect(update!.body).toEqual({
      room: shared.room.room,
      identity,
      permission: {
        canSubscribe: true,
        canPublish: true,
        canPublishSources: ['MICROPHONE', 'CAMERA', 'SCREEN_SHARE', 'SCREEN_SHARE_AUDIO'],
      },
    });

    // Barring the camera again takes it away at once, on the LiveKit server too.
    const before = livekit.calls.length;
    await updateWorld({ allowCamera: false });
    await voiceWhere(ivyIn, (e) => !e.room.sources.includes('camera'), 'Ivy told her camera is off');
    const barred = await waitFor(
      () =>
        livekit.calls
          .slice(before)
          .find((c) => c.method === 'UpdateParticipant' && c.body.identity === identity),
      Boolean,
      { what: 'the second permission update' },
    );
    expect(barred!.body).toMatchObject({
      permission: { canPublishSources: ['MICROPHONE', 'SCREEN_SHARE', 'SCREEN_SHARE_AUDIO'] },
    });
  });

  it('gives a muted visitor nothing to publish, camera included', async () => {
    const jon = await guestAccount(server.url, 'Jon');
    const jonIn = await joinWorld(server.url, { world: 'cinema', name: 'Jon' }, jon.token);
    visitors.push(jonIn);
    await voiceWhere(jonIn, (e) => e.room.canPublish, 'Jon may talk');
    await ok(
      sdk.worldsMute({
        client: owner.api,
        path: { slug: 'cinema', accountId: jon.accountId },
        body: { reason: 'test pattern on camera' },
      }),
    );
    const muted = await voiceWhere(jonIn, (e) => !e.room.canPublish, 'Jon muted');
    expect(muted.room.sources).toEqual(['microphone']);
    expect((await tokenClaims(jon, jonIn.sessionId, muted.room.room)).video).toMatchObject({
      canPublish: false,
      canPublishSources: ['microphone'],
    });
  });

  it('refuses a setting that is not a yes or no, naming it', async () => {
    const response = await fetch(`${server.url}/worlds/cinema`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
      body: JSON.stringify({ allowCamera: 'yes' }),
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toMatch(/allowCamera/);
    const world = await ok(sdk.worldsGet({ client: owner.api, path: { slug: 'cinema' } }));
    expect(world).toMatchObject({ allowCamera: false, allowScreenShare: true });
  });
});
