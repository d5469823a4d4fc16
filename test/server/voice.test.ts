/**
 * Voice decided by the server, with the real LiveKit SDK: the room assigns islands and tells visitors;
 * tokens are minted only for the assigned room (verified with TokenVerifier); moving away removes you from
 * the old room and a mute replaces your permissions (both seen as RoomService calls on a local Twirp
 * endpoint); webhooks are verified, deduplicated and re-kick participants the server did not assign.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TokenVerifier } from 'livekit-server-sdk';
import type { MoveInput, VoiceEvent } from '../../protocol/index.js';
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
  signWebhook,
  startFakeLiveKit,
  webhookEvent,
  type FakeLiveKit,
} from '../helpers/fake-livekit.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { drive, joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

let livekit: FakeLiveKit;
let server: RunningServer;
let owner: SignedIn;
const visitors: Visitor[] = [];
let seq = 0;

beforeAll(async () => {
  livekit = await startFakeLiveKit();
  server = await startInProcessServer({
    LIVEKIT_URL: livekit.url,
    LIVEKIT_API_KEY: LIVEKIT_TEST_KEY,
    LIVEKIT_API_SECRET: LIVEKIT_TEST_SECRET,
  });
  owner = await registerAccount(server.url, 'Host');
  await createOrg(owner.api, 'talkers', 'Talkers');
  await createWorld(owner.api, 'talkers', { slug: 'plaza', name: 'Plaza' });
});
afterAll(async () => {
  await Promise.all(visitors.map((v) => v.leave().catch(() => undefined)));
  await server?.close();
  await livekit?.close();
});

async function join(who: SignedIn, name: string): Promise<Visitor> {
  const visitor = await joinWorld(server.url, { world: 'plaza', name }, who.token);
  visitors.push(visitor);
  return visitor;
}

const latestVoice = (visitor: Visitor): VoiceEvent | undefined => visitor.voice.at(-1);
const assigned = (visitor: Visitor) =>
  waitFor(
    () => latestVoice(visitor),
    (event) => event?.enabled === true,
    { what: 'a voice assignment' },
  ) as Promise<Extract<VoiceEvent, { enabled: true }>>;

async function askToken(
  who: SignedIn | undefined,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/voice/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(who ? { authorization: `Bearer ${who.token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const inputs = (n: number, input: Omit<MoveInput, 'seq'>): MoveInput[] =>
  Array.from({ length: n }, () => ({ ...input, seq: ++seq }));

describe('voice rooms assigned by the server', () => {
  it('puts nearby visitors in one island and mints a least-privilege token for exactly that room', async () => {
    const ada = await guestAccount(server.url, 'Ada');
    const bob = await guestAccount(server.url, 'Bob');
    const adaIn = await join(ada, 'Ada');
    const bobIn = await join(bob, 'Bob');
    const [adaVoice, bobVoice] = await Promise.all([assigned(adaIn), assigned(bobIn)]);
    expect(adaVoice.room).toEqual({
      room: expect.stringMatching(/\.1\.island-\d+$/),
      kind: 'island',
      canPublish: true,
      sources: ['microphone'], // the world allows neither camera nor screen share
    });
    expect(bobVoice.room.room).toBe(adaVoice.room.room);
    expect(adaVoice.announce).toEqual({
      room: expect.stringMatching(/\.1\.announce$/),
      kind: 'announce',
      canPublish: false,
      sources: ['microphone'],
    });

    const reply = await askToken(ada, { sessionId: adaIn.sessionId, room: adaVoice.room.room });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      url: livekit.url.replace('http:', 'ws:'),
      room: adaVoice.room.room,
      canPublish: true,
    });
    const claims = await new TokenVerifier(LIVEKIT_TEST_KEY, LIVEKIT_TEST_SECRET).verify(
      String(reply.body.token),
    );
    expect(claims.sub).toBe(`${ada.accountId}:${adaIn.sessionId}`);
    expect(claims.name).toBe('Ada');
    expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(600);
    expect(claims.video).toEqual({
      roomJoin: true,
      room: adaVoice.room.room,
      canSubscribe: true,
      canPublish: true,
      canPublishSources: ['microphone'],
      canPublishData: false,
      canUpdateOwnMetadata: false,
    });

    // The announcement room: a token to listen only.
    const announce = await askToken(ada, { sessionId: adaIn.sessionId, room: adaVoice.announce.room });
    expect(announce.status).toBe(200);
    const listen = await new TokenVerifier(LIVEKIT_TEST_KEY, LIVEKIT_TEST_SECRET).verify(
      String(announce.body.token),
    );
    expect(listen.video).toMatchObject({
      room: adaVoice.announce.room,
      canPublish: false,
      canSubscribe: true,
    });
  });

  it('refuses a room the server did not assign, someone else’s session, API-less callers and bad input', async () => {
    const cleo = await guestAccount(server.url, 'Cleo');
    const dan = await guestAccount(server.url, 'Dan');
    const cleoIn = await join(cleo, 'Cleo');
    const voice = await assigned(cleoIn);
    const otherRoom = voice.room.room.replace(/island-\d+$/, 'island-9999');
    expect(await askToken(cleo, { sessionId: cleoIn.sessionId, room: otherRoom })).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/not a voice room the world assigned you right now/) },
    });
    expect(await askToken(dan, { sessionId: cleoIn.sessionId, room: voice.room.room })).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/is not one of yours/) },
    });
    expect((await askToken(undefined, { sessionId: cleoIn.sessionId, room: voice.room.room })).status).toBe(
      401,
    );
    expect(await askToken(cleo, { sessionId: 'has spaces', room: voice.room.room })).toMatchObject({
      status: 400,
      body: { type: 'urn:mib:problem:validation-failed' },
    });
  });

  it('tells anonymous visitors voice needs a session', async () => {
    const anonymous = await joinWorld(server.url, { world: 'plaza', name: 'Nobody' });
    visitors.push(anonymous);
    await waitFor(() => latestVoice(anonymous), Boolean, { what: 'the voice message' });
    expect(latestVoice(anonymous)).toEqual({ enabled: false, off: expect.stringMatching(/needs a session/) });
  });

  it('moves a visitor who walks away to a new island and removes it from the old room on the LiveKit server', async () => {
    const eve = await guestAccount(server.url, 'Eve');
    const fay = await guestAccount(server.url, 'Fay');
    const eveIn = await join(eve, 'Eve');
    const fayIn = await join(fay, 'Fay');
    await assigned(fayIn);
    const before = await waitFor(
      () => latestVoice(eveIn),
      (e) =>
        e?.enabled === true && e.room.room === (latestVoice(fayIn) as { room?: { room: string } }).room?.room,
      { what: 'Eve and Fay in one island' },
    );
    const oldRoom = (before as Extract<VoiceEvent, { enabled: true }>).room.room;
    // Run 40 m away (beyond the 20 m leave radius): 7 m/s × 50 ms per input.
    await drive(eveIn, inputs(120, { x: 1, z: 0, run: true }));
    const after = await waitFor(
      () => latestVoice(eveIn),
      (e) => e?.enabled === true && e.room.room !== oldRoom,
      { what: 'Eve in a new island', timeoutMs: 15_000 },
    );
    expect(after).toMatchObject({ enabled: true, room: { kind: 'island' } });
    const identity = `${eve.accountId}:${eveIn.sessionId}`;
    await waitFor(
      () => livekit.calls.find((c) => c.method === 'RemoveParticipant' && c.body.identity === identity),
      Boolean,
      { what: 'Eve removed from the old island room' },
    );
    expect(
      livekit.calls.find((c) => c.method === 'RemoveParticipant' && c.body.identity === identity),
    ).toMatchObject({
      body: { room: oldRoom, identity },
      grant: { roomAdmin: true, room: oldRoom },
    });
    // The old room is refused from now on.
    expect((await askToken(eve, { sessionId: eveIn.sessionId, room: oldRoom })).status).toBe(403);
  });

  it('replaces a muted visitor’s whole permission set so it can no longer talk', async () => {
    const gus = await guestAccount(server.url, 'Gus');
    const gusIn = await join(gus, 'Gus');
    const voice = await assigned(gusIn);
    await ok(
      sdk.worldsMute({
        client: owner.api,
        path: { slug: 'plaza', accountId: gus.accountId },
        body: { reason: 'shouting' },
      }),
    );
    const muted = await waitFor(
      () => latestVoice(gusIn),
      (e) => e?.enabled === true && !e.room.canPublish,
      { what: 'Gus told he cannot talk' },
    );
    expect(muted).toMatchObject({ room: { room: voice.room.room, canPublish: false } });
    const identity = `${gus.accountId}:${gusIn.sessionId}`;
    const update = await waitFor(
      () => livekit.calls.find((c) => c.method === 'UpdateParticipant' && c.body.identity === identity),
      Boolean,
      { what: 'the permission update' },
    );
    // The whole set is sent (it replaces, not merges); protobuf JSON leaves out fields that are false.
    expect(update!.body).toEqual({
      room: voice.room.room,
      identity,
      permission: { canSubscribe: true, canPublishSources: ['MICROPHONE'] },
    });
    const token = await askToken(gus, { sessionId: gusIn.sessionId, room: voice.room.room });
    expect(token.body.canPublish).toBe(false);
  });
});

describe('voice mode changes in a running instance', () => {
  it('turns voice off (everyone out of LiveKit, told why), then global, then back to islands', async () => {
    const lee = await guestAccount(server.url, 'Lee');
    const leeIn = await join(lee, 'Lee');
    const before = await assigned(leeIn);
    const setMode = (voiceMode: 'off' | 'global' | 'proximity') =>
      ok(sdk.worldsUpdate({ client: owner.api, path: { slug: 'plaza' }, body: { voiceMode } }));
    try {
      await setMode('off');
      await waitFor(
        () => latestVoice(leeIn),
        (e) => e?.enabled === false,
        { what: 'Lee told voice is off' },
      );
      expect(latestVoice(leeIn)).toEqual({ enabled: false, off: 'Voice is turned off in this world.' });
      const identity = `${lee.accountId}:${leeIn.sessionId}`;
      await waitFor(
        () =>
          livekit.calls.some(
            (c) =>
              c.method === 'RemoveParticipant' &&
              c.body.room === before.room.room &&
              c.body.identity === identity,
          ),
        Boolean,
        { what: 'Lee taken out of the island room' },
      );
      expect((await askToken(lee, { sessionId: leeIn.sessionId, room: before.room.room })).status).toBe(403);

      await setMode('global');
      const global = await waitFor(
        () => latestVoice(leeIn),
        (e) => e?.enabled === true,
        { what: 'Lee in the global room' },
      );
      expect(global).toMatchObject({
        room: { room: expect.stringMatching(/\.1\.global$/), kind: 'zone', canPublish: true },
      });
    } finally {
      await setMode('proximity');
    }
    await waitFor(
      () => latestVoice(leeIn),
      (e) => e?.enabled === true && e.room.kind === 'island',
      { what: 'Lee back in an island' },
    );
  });
});

describe('moderation', () => {
  it('kicks a visitor out of the world and its voice rooms, with the reason, in the audit log; it may come back', async () => {
    const kim = await guestAccount(server.url, 'Kim');
    const kimIn = await join(kim, 'Kim');
    const voice = await assigned(kimIn);
    const response = await fetch(`${server.url}/worlds/plaza/kicks/${kim.accountId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
      body: JSON.stringify({ reason: 'spamming the stage' }),
    });
    expect(response.status).toBe(204);
    await waitFor(
      () => kimIn.leftWith(),
      (code) => code === 4408,
      { what: 'Kim removed with 4408' },
    );
    const identity = `${kim.accountId}:${kimIn.sessionId}`;
    for (const room of [voice.room.room, voice.announce.room])
      await waitFor(
        () =>
          livekit.calls.some(
            (c) => c.method === 'RemoveParticipant' && c.body.room === room && c.body.identity === identity,
          ),
        Boolean,
        { what: `Kim removed from ${room}` },
      );
    const audit = await ok(sdk.worldsAudit({ client: owner.api, path: { slug: 'plaza' } }));
    expect(audit.items).toContainEqual(
      expect.objectContaining({
        action: 'visitor.kick',
        detail: { accountId: kim.accountId, reason: 'spamming the stage' },
      }),
    );
    const back = await join(kim, 'Kim');
    expect(back.leftWith()).toBeUndefined();
  });
});

describe('LiveKit webhooks', () => {
  const signed = signWebhook;
  const post = async (body: string, authorization: string | undefined) =>
    fetch(`${server.url}/livekit/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/webhook+json', ...(authorization ? { authorization } : {}) },
      body,
    });
  const event = webhookEvent;

  it('answers 200 only when signed with our secret over this exact body', async () => {
    const body = event('EV_sig', 'room_started', 'any', 'nobody');
    expect((await post(body, await signed(body))).status).toBe(200);
    expect((await post(body.replace('any', 'tampered'), await signed(body))).status).toBe(401);
    expect(
      (await post(body, await signed(body, 'another-secret-that-is-long-enough-0123456789'))).status,
    ).toBe(401);
    expect((await post(body, undefined)).status).toBe(401);
  });

  it('re-kicks a participant the server did not assign to the room, once per event id, and marks assigned ones in voice', async () => {
    const hal = await guestAccount(server.url, 'Hal');
    const halIn = await join(hal, 'Hal');
    const voice = await assigned(halIn);
    const identity = `${hal.accountId}:${halIn.sessionId}`;
    const stale = voice.room.room.replace(/island-\d+$/, 'island-424242');
    const body = event('EV_stale', 'participant_joined', stale, identity);
    for (let i = 0; i < 3; i++) expect((await post(body, await signed(body))).status).toBe(200); // redelivered
    await waitFor(
      () => livekit.calls.filter((c) => c.method === 'RemoveParticipant' && c.body.room === stale).length,
      (n) => n >= 1,
      { what: 'the stale participant removed' },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      livekit.calls.filter((c) => c.method === 'RemoveParticipant' && c.body.room === stale),
    ).toHaveLength(1);

    // Joining the assigned room: kept, and shown as in voice (from the room's participant list).
    livekit.participants.set(voice.room.room, [identity]);
    const joined = event('EV_ok', 'participant_joined', voice.room.room, identity);
    expect((await post(joined, await signed(joined))).status).toBe(200);
    const watcher = await join(await guestAccount(server.url, 'Ivy'), 'Ivy');
    await waitFor(() => watcher.avatars().get(halIn.sessionId)?.inVoice, Boolean, {
      what: 'Hal shown in voice',
    });
    expect(
      livekit.calls.some(
        (c) =>
          c.method === 'RemoveParticipant' && c.body.room === voice.room.room && c.body.identity === identity,
      ),
    ).toBe(false);
  });
});
