/**
 * Embeds on other sites: an embed key is public (embed scope alone, at least one origin, public and
 * unlisted worlds only), the poster answers the embedding page across sites, embed pages get short-lived
 * embed tokens for the page that frames them, private worlds embed only with a token their backend mints,
 * spectators watch with no avatar and take no visitor seat, and a revoked key ends running embeds.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { apiClient, createWorld, ok, problem, sdk } from '../helpers/api.js';
import { SCENE, startControlPlane, type ControlPlaneFixture } from '../helpers/control-plane-fixture.js';
import { drive, joinWorld, spectateWorld } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';
import {
  LIVEKIT_TEST_KEY,
  LIVEKIT_TEST_SECRET,
  startFakeLiveKit,
  type FakeLiveKit,
} from '../helpers/fake-livekit.js';
import type { VoiceEvent } from '../../protocol/index.js';

const SITE = 'https://school.example';

describe('embeds', () => {
  let fixture: ControlPlaneFixture;
  let url: string;
  let owner: ControlPlaneFixture['owner'];
  let embedKey: string;
  let embedKeyId: string;
  let livekit: FakeLiveKit;

  const poster = (slug: string, query: string, origin?: string) =>
    fetch(`${url}/embeds/${slug}?${query}`, { headers: origin ? { origin } : {} });
  const session = (slug: string, body: object) =>
    fetch(`${url}/embeds/${slug}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const codeOf = async (response: Response) => ((await response.json()) as { code?: string }).code;

  beforeAll(async () => {
    livekit = await startFakeLiveKit();
    fixture = await startControlPlane('PGlite', {
      EMBED_REVOCATION_CHECK_SECONDS: '1',
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: LIVEKIT_TEST_KEY,
      LIVEKIT_API_SECRET: LIVEKIT_TEST_SECRET,
    });
    ({ url, owner } = fixture);
    await createWorld(owner.api, 'acme', { slug: 'shown', name: 'Shown Hall', visibility: 'public' });
    await createWorld(owner.api, 'acme', { slug: 'backstage', name: 'Backstage', visibility: 'private' });
    for (const slug of ['shown', 'backstage']) {
      const draft = await sdk.scenesDraft({ client: owner.api, path: { slug } });
      await ok(
        sdk.scenesReplace({
          client: owner.api,
          path: { slug },
          headers: { 'If-Match': draft.response.headers.get('etag')! },
          body: SCENE,
        }),
      );
      await ok(sdk.scenesPublish({ client: owner.api, path: { slug }, body: { message: 'v1' } }), 201);
    }
    const created = await ok(
      sdk.worldsCreateKey({
        client: owner.api,
        path: { slug: 'shown' },
        body: { name: 'school site', scopes: ['embed'], origins: [SITE] },
      }),
      201,
    );
    embedKey = created.key;
    embedKeyId = created.apiKey.id;
  });
  afterAll(async () => {
    await fixture?.close();
    await livekit?.close();
  });

  it('makes embed keys public, embed-only and bound to at least one origin', async () => {
    expect(embedKey).toMatch(/^mibe_/);
    const listed = await ok(sdk.worldsListKeys({ client: owner.api, path: { slug: 'shown' } }));
    expect(listed.find((key) => key.id === embedKeyId)?.embedKey).toBe(embedKey);
    const mixed = await problem(
      sdk.worldsCreateKey({
        client: owner.api,
        path: { slug: 'shown' },
        body: { name: 'both', scopes: ['embed', 'read'], origins: [SITE] },
      }),
    );
    expect(mixed.status).toBe(400);
    expect(JSON.stringify(mixed.body.errors)).toContain('cannot hold another scope');
    const anywhere = await problem(
      sdk.worldsCreateKey({
        client: owner.api,
        path: { slug: 'shown' },
        body: { name: 'x', scopes: ['embed'] },
      }),
    );
    expect(JSON.stringify(anywhere.body.errors)).toContain('at least one origin');
    const onAccount = await problem(
      sdk.authCreateKey({
        client: owner.api,
        body: { name: 'x', scopes: ['embed'], origins: [SITE], organization: 'acme' },
      }),
    );
    expect(onAccount.body.detail).toContain('create it on the world');
    // Presented directly, the public key works only from a page on its origins.
    const fromSite = apiClient(url, embedKey, { origin: SITE });
    await ok(sdk.worldsGet({ client: fromSite, path: { slug: 'shown' } }));
    expect(
      (await problem(sdk.worldsGet({ client: apiClient(url, embedKey), path: { slug: 'shown' } }))).status,
    ).toBe(403);
    expect((await problem(sdk.scenesDraft({ client: fromSite, path: { slug: 'shown' } }))).status).toBe(403);
  });

  it('answers the poster to allowed pages across sites, and says why to the others with a stable code', async () => {
    const allowed = await poster('shown', `key=${embedKey}`, SITE);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(await allowed.json()).toMatchObject({
      world: { slug: 'shown', name: 'Shown Hall' },
      population: 0,
      voice: expect.any(Boolean),
    });
    const elsewhere = await poster('shown', `key=${embedKey}`, 'https://evil.example');
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expect(await codeOf(elsewhere)).toBe('origin-not-allowed');
    expect(await codeOf(await poster('shown', `key=${embedKey}`))).toBe('origin-not-allowed');
    expect(await codeOf(await poster('nowhere', `key=${embedKey}`, SITE))).toBe('world-not-found');
    expect(await codeOf(await poster('shown', 'key=mibe_nope', SITE))).toBe('key-invalid');
    expect(await codeOf(await poster('shown', '', SITE))).toBe('bad-embed');
    // The key of one world does not show another, and a public key never shows a private world.
    const backstageKey = await ok(
      sdk.worldsCreateKey({
        client: owner.api,
        path: { slug: 'backstage' },
        body: { name: 'b', scopes: ['embed'], origins: [SITE] },
      }),
      201,
    );
    expect(await codeOf(await poster('backstage', `key=${embedKey}`, SITE))).toBe('key-invalid');
    const privateWorld = await poster('backstage', `key=${backstageKey.key}`, SITE);
    expect(privateWorld.status).toBe(403);
    expect(await codeOf(privateWorld)).toBe('world-private');
  });

  it('gives an embed page framed by an allowed site a short-lived token that joins as a visitor or spectator', async () => {
    const refused = await session('shown', { key: embedKey, host: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(await codeOf(refused)).toBe('origin-not-allowed');
    const answered = await session('shown', { key: embedKey, host: SITE });
    expect(answered.status).toBe(200);
    const { token, expiresIn } = (await answered.json()) as { token: string; expiresIn: number };
    expect(token).toMatch(/^mibet_/);
    expect(expiresIn).toBeGreaterThan(60);
    // The token reads no more than an anonymous visitor: no draft.
    expect(
      (await problem(sdk.scenesDraft({ client: apiClient(url, token), path: { slug: 'shown' } }))).status,
    ).toBe(403);
    const visitor = await joinWorld(url, { world: 'shown', name: 'Pupil' }, token);
    const spectator = await spectateWorld(url, 'shown', token);
    // The spectator sees the visitor (its camera starts at the spawn point); nobody sees the spectator.
    await spectator.waitToSee(visitor);
    expect(spectator.self()).toBeUndefined();
    expect(visitor.avatars().size).toBe(1);
    // Visitors only in the population and in capacity.
    expect((spectator.room.state as { visitors: number }).visitors).toBe(1);
    const population = await waitFor(
      async () =>
        ((await (await poster('shown', `key=${embedKey}`, SITE)).json()) as { population: number })
          .population,
      (n) => n === 1,
      { what: 'population of 1 (the spectator not counted)' },
    );
    expect(population).toBe(1);
    // The spectator's camera moves its area of interest: far away, the visitor leaves its view.
    spectator.room.send('spectatorCamera', { x: 900, z: 900 });
    await waitFor(
      () => spectator.avatars().has(visitor.sessionId),
      (seen) => !seen,
      {
        what: 'visitor out of the far camera’s view',
      },
    );
    spectator.room.send('spectatorCamera', { x: 0, z: 0 });
    await spectator.waitToSee(visitor, 'visitor back in view');
    // It hears what is said near where it looks, and says nothing itself (quietly ignored, not closed).
    visitor.say('hello, watchers');
    await waitFor(
      () => spectator.chats.map((line) => line.text),
      (texts) => texts.includes('hello, watchers'),
      { what: 'nearby chat reaching the spectator' },
    );
    spectator.say('can anyone hear me?');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(visitor.chats.map((line) => line.text)).not.toContain('can anyone hear me?');
    expect(spectator.leftWith()).toBeUndefined();
    // Moves of the visitor reach the spectator.
    await drive(
      visitor,
      Array.from({ length: 20 }, (_, i) => ({ seq: i + 1, x: 1, z: 0, run: true })),
    );
    await waitFor(
      () => spectator.avatars().get(visitor.sessionId)?.x ?? 0,
      (x) => x > 1,
      {
        what: 'the visitor’s move seen by the spectator',
      },
    );
    await visitor.leave();
    await spectator.leave();
  });

  it('lets an embed visitor talk as a guest account made for it; a spectator’s token gets no voice', async () => {
    const visiting = (await (
      await session('shown', { key: embedKey, host: SITE, visitor: { name: 'Pupil' } })
    ).json()) as { token: string };
    const pupil = await joinWorld(url, { world: 'shown', name: 'Pupil' }, visiting.token);
    const assigned = (await waitFor(
      () => pupil.voice.at(-1),
      (event) => event?.enabled === true,
      { what: 'a voice room for the embed visitor' },
    )) as Extract<VoiceEvent, { enabled: true }>;
    const ask = (token: string) =>
      fetch(`${url}/voice/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ sessionId: pupil.sessionId, room: assigned.room.room }),
      });
    const granted = await ask(visiting.token);
    expect(granted.status).toBe(200);
    expect(((await granted.json()) as { canPublish: boolean }).canPublish).toBe(true);
    const watching = (await (await session('shown', { key: embedKey, host: SITE })).json()) as {
      token: string;
    };
    expect((await ask(watching.token)).status).toBe(401);
    const badName = await session('shown', { key: embedKey, host: SITE, visitor: { name: '' } });
    expect(badName.status).toBe(400);
    await pupil.leave();
  });

  it('embeds a private world only with a token its backend minted, for the origin it names', async () => {
    const secret = await ok(
      sdk.worldsCreateKey({
        client: owner.api,
        path: { slug: 'backstage' },
        body: { name: 'backend', scopes: ['manage'] },
      }),
      201,
    );
    const minted = await ok(
      sdk.embedMint({
        client: apiClient(url, secret.key),
        path: { slug: 'backstage' },
        body: { origin: SITE, ttlSeconds: 300 },
      }),
      201,
    );
    expect(minted.expiresIn).toBe(300);
    expect((await poster('backstage', `token=${minted.token}`, SITE)).status).toBe(200);
    expect(await codeOf(await poster('backstage', `token=${minted.token}`, 'https://evil.example'))).toBe(
      'origin-not-allowed',
    );
    expect(await codeOf(await poster('shown', `token=${minted.token}`, SITE))).toBe('key-invalid');
    const inside = await joinWorld(url, { world: 'backstage' }, minted.token);
    await inside.leave();
    // An embed cannot mint; minting needs world.update.
    expect(
      (
        await problem(
          sdk.embedMint({
            client: apiClient(url, embedKey, { origin: SITE }),
            path: { slug: 'backstage' },
            body: { origin: SITE },
          }),
        )
      ).status,
    ).toBe(400);
    // Revoking the secret key ends the tokens it minted.
    await ok(
      sdk.worldsRevokeKey({ client: owner.api, path: { slug: 'backstage', keyId: secret.apiKey.id } }),
      204,
    );
    expect(await codeOf(await poster('backstage', `token=${minted.token}`, SITE))).toBe('key-revoked');
  });

  it('lists no more worlds to an embed (key or minted token) than to anyone, even its own private world', async () => {
    const key = await ok(
      sdk.worldsCreateKey({
        client: owner.api,
        path: { slug: 'backstage' },
        body: { name: 'site', scopes: ['embed'], origins: [SITE] },
      }),
      201,
    );
    const backend = await ok(
      sdk.worldsCreateKey({
        client: owner.api,
        path: { slug: 'backstage' },
        body: { name: 'b', scopes: ['manage'] },
      }),
      201,
    );
    const minted = await ok(
      sdk.embedMint({
        client: apiClient(url, backend.key),
        path: { slug: 'backstage' },
        body: { origin: SITE },
      }),
      201,
    );
    const slugs = async (client: ReturnType<typeof apiClient>) =>
      (await ok(sdk.worldsList({ client, query: { limit: 100 } }))).items.map((world) => world.slug).sort();
    const anyone = await slugs(apiClient(url));
    expect(anyone).not.toContain('backstage');
    // Found by bench:security's token probe: the public embed key listed its private world.
    expect(await slugs(apiClient(url, key.key, { origin: SITE }))).toEqual(anyone);
    expect(await slugs(apiClient(url, minted.token, { origin: SITE }))).toEqual(anyone);
    // A world's own secret key still sees it.
    expect(await slugs(apiClient(url, backend.key))).toContain('backstage');
  });

  it('refuses a revoked key at once and sends its running embeds away within the check interval', async () => {
    const { token } = (await (await session('shown', { key: embedKey, host: SITE })).json()) as {
      token: string;
    };
    const visitor = await joinWorld(url, { world: 'shown', name: 'Pupil' }, token);
    const spectator = await spectateWorld(url, 'shown', token);
    await ok(sdk.worldsRevokeKey({ client: owner.api, path: { slug: 'shown', keyId: embedKeyId } }), 204);
    expect(await codeOf(await poster('shown', `key=${embedKey}`, SITE))).toBe('key-revoked');
    expect(await codeOf(await session('shown', { key: embedKey, host: SITE }))).toBe('key-revoked');
    await waitFor(
      () => [visitor.leftWith(), spectator.leftWith()],
      (codes) => codes.every((c) => c === 4411),
      {
        what: 'both embeds sent away with 4411',
        timeoutMs: 10_000,
      },
    );
    expect(visitor.removed[0]?.reason).toContain('revoked');
    await expect(joinWorld(url, { world: 'shown' }, token)).rejects.toThrow(/revoked/);
  });
});
