/**
 * The control plane end to end through the generated typed client, on both databases: sessions,
 * organizations and quotas, worlds, roles, invitations, bans, scenes, keys, archives, audit and usage.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningServer } from '../../server/index.js';
import {
  apiClient,
  guestAccount,
  ok,
  problem,
  registerAccount,
  replaceDraft,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/services.js';
import { joinWorld } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

const OPERATOR = { email: 'operator@example.com', password: 'operator-password-1' };

/** A valid scene with one spawn point, in canonical JSON (RFC 8785) form. */
const CANONICAL_SCENE_TEXT =
  '{"entities":[{"components":[{"default":true,"name":"main","type":"spawn-point"}],"id":"spawn","transform":{"position":[0,0,0]}}],"schema":1}';

const SCENE = {
  schema: 1 as const,
  entities: [
    {
      id: 'spawn',
      transform: { position: [0, 0, 0] as [number, number, number] },
      components: [{ type: 'spawn-point' as const, name: 'main', default: true }],
    },
  ],
};

describe.each([['PGlite'], ['PostgreSQL']])('control plane on %s', (database) => {
  let server: RunningServer;
  let schema: PostgresSchema | undefined;
  let url: string;
  let owner: SignedIn & { email: string; password: string };
  let operator: SignedIn;
  const logLines: string[] = [];
  /** Every secret handed out during the run: none may appear in the logs. */
  const secrets: string[] = [];

  beforeAll(async () => {
    schema = database === 'PostgreSQL' ? await createPostgresSchema() : undefined;
    server = await startInProcessServer(
      {
        OPERATOR_EMAIL: OPERATOR.email,
        OPERATOR_PASSWORD: OPERATOR.password,
        LOG_LEVEL: 'debug',
        RATE_LIMIT_AUTH_PER_MINUTE: '1000',
        RATE_LIMIT_WRITES_PER_MINUTE: '10000',
        ...(schema ? { DATABASE_URL: schema.url } : {}),
      },
      { logLines },
    );
    url = server.url;
    owner = await registerAccount(url, 'Owner');
    secrets.push(owner.password, owner.token, owner.session.refreshToken);
    const session = await ok(sdk.authLogin({ client: apiClient(url), body: OPERATOR }));
    operator = {
      session,
      token: session.accessToken,
      api: apiClient(url, session.accessToken),
      accountId: session.account.id,
    };
    secrets.push(OPERATOR.password, session.accessToken, session.refreshToken);
    await ok(sdk.orgsCreate({ client: owner.api, body: { slug: 'acme', name: 'Acme' } }), 201);
  });

  afterAll(async () => {
    await server?.close();
    await schema?.drop();
  });

  describe('sessions', () => {
    it('a guest session is usable at once', async () => {
      const guest = await guestAccount(url, 'Gus');
      const me = await ok(sdk.authMe({ client: guest.api }));
      expect(me.account).toMatchObject({ kind: 'guest', displayName: 'Gus', email: null, isOperator: false });
    });

    it('the operator admin exists from config', async () => {
      const me = await ok(sdk.authMe({ client: operator.api }));
      expect(me.account).toMatchObject({ email: OPERATOR.email, isOperator: true });
    });

    it('a wrong password is 401 without saying which part was wrong', async () => {
      const { status, body } = await problem(
        sdk.authLogin({ client: apiClient(url), body: { email: owner.email, password: 'not-the-password' } }),
      );
      expect(status).toBe(401);
      expect(body).toMatchObject({
        type: 'urn:mib:problem:unauthenticated',
        detail: 'email or password is wrong',
      });
    });

    it('refresh rotates; reusing a spent refresh token ends the session', async () => {
      const account = await registerAccount(url, 'Rota');
      const first = account.session.refreshToken;
      const second = await ok(sdk.authRefresh({ client: apiClient(url), body: { refreshToken: first } }));
      expect(second.refreshToken).not.toBe(first);
      await ok(sdk.authMe({ client: apiClient(url, second.accessToken) }));
      // The spent token again: refused, and the session it belongs to is over (theft response).
      expect(
        (await problem(sdk.authRefresh({ client: apiClient(url), body: { refreshToken: first } }))).status,
      ).toBe(401);
      expect((await problem(sdk.authMe({ client: apiClient(url, second.accessToken) }))).status).toBe(401);
      expect(
        (
          await problem(
            sdk.authRefresh({ client: apiClient(url), body: { refreshToken: second.refreshToken } }),
          )
        ).status,
      ).toBe(401);
    });

    it('logout revokes the session: its access token stops working at once', async () => {
      const account = await registerAccount(url, 'Leaver');
      await ok(sdk.authMe({ client: account.api }));
      await ok(
        sdk.authLogout({ client: apiClient(url), body: { refreshToken: account.session.refreshToken } }),
        204,
      );
      const { status, body } = await problem(sdk.authMe({ client: account.api }));
      expect(status).toBe(401);
      expect(body.detail).toMatch(/session has ended/);
    });

    it('an invalid bearer token is 401, never silently anonymous', async () => {
      const { status } = await problem(sdk.worldsList({ client: apiClient(url, 'not-a-token'), query: {} }));
      expect(status).toBe(401);
    });

    it('registering the same email twice is a 409', async () => {
      const { status } = await problem(
        sdk.authRegister({
          client: apiClient(url),
          body: { email: owner.email, password: 'another-password-1', displayName: 'X' },
        }),
      );
      expect(status).toBe(409);
    });
  });

  describe('validation and payload limits', () => {
    it('rejects unknown fields and names every failing field path', async () => {
      const { status, body } = await problem(
        sdk.authRegister({
          client: apiClient(url),
          body: { email: 'nope', password: 'short', displayName: 'ok', admin: true } as never,
        }),
      );
      expect(status).toBe(400);
      expect(body.type).toBe('urn:mib:problem:validation-failed');
      expect(body.errors?.map((e) => e.path).sort()).toEqual(['body.admin', 'body.email', 'body.password']);
    });

    it('answers a body over the route limit with 413 problem+json', async () => {
      const res = await fetch(`${url}/auth/guest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: 'x'.repeat(100_000) }),
      });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ type: 'urn:mib:problem:payload-too-large' });
    });

    it('answers malformed JSON with 400 problem+json', async () => {
      const res = await fetch(`${url}/auth/guest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"displayName":',
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ type: 'urn:mib:problem:bad-request' });
    });

    it('answers a malformed id in the path with 400 naming the parameter', async () => {
      const { status, body } = await problem(
        sdk.worldsRemoveRole({ client: owner.api, path: { slug: 'demo', accountId: 'not-a-uuid' } }),
      );
      expect(status).toBe(400);
      expect(body.errors?.[0]?.path).toBe('path.accountId');
    });
  });

  describe('organizations and quotas', () => {
    it('members see the organization; others get 404', async () => {
      const org = await ok(sdk.orgsGet({ client: owner.api, path: { org: 'acme' } }));
      expect(org).toMatchObject({ slug: 'acme', role: 'owner', quotas: { worlds: 20 } });
      const stranger = await registerAccount(url, 'Stranger');
      expect((await problem(sdk.orgsGet({ client: stranger.api, path: { org: 'acme' } }))).status).toBe(404);
      const mine = await ok(sdk.orgsList({ client: stranger.api }));
      expect(mine.map((o) => o.slug)).not.toContain('acme');
    });

    it('owners add members; admins cannot grant ownership; the last owner cannot leave', async () => {
      await ok(sdk.orgsCreate({ client: owner.api, body: { slug: 'members-co', name: 'Members' } }), 201);
      const admin = await registerAccount(url, 'Admin');
      const member = await registerAccount(url, 'Member');
      await ok(
        sdk.orgsSetMember({
          client: owner.api,
          path: { org: 'members-co' },
          body: { email: admin.email, role: 'admin' },
        }),
      );
      await ok(
        sdk.orgsSetMember({
          client: admin.api,
          path: { org: 'members-co' },
          body: { email: member.email, role: 'member' },
        }),
      );
      const grant = await problem(
        sdk.orgsSetMember({
          client: admin.api,
          path: { org: 'members-co' },
          body: { email: member.email, role: 'owner' },
        }),
      );
      expect(grant.status).toBe(403);
      expect(
        (
          await problem(
            sdk.orgsSetMember({
              client: member.api,
              path: { org: 'members-co' },
              body: { email: admin.email, role: 'member' },
            }),
          )
        ).status,
      ).toBe(403);
      const leave = await problem(
        sdk.orgsRemoveMember({ client: owner.api, path: { org: 'members-co', accountId: owner.accountId } }),
      );
      expect(leave.status).toBe(409);
      const members = await ok(sdk.orgsMembers({ client: member.api, path: { org: 'members-co' } }));
      expect(members.map((m) => m.role).sort()).toEqual(['admin', 'member', 'owner']);
    });

    it('only the operator sets quotas, and the worlds quota is enforced with the quota named', async () => {
      await ok(sdk.orgsCreate({ client: owner.api, body: { slug: 'small-co', name: 'Small' } }), 201);
      expect(
        (
          await problem(
            sdk.orgsSetQuotas({ client: owner.api, path: { org: 'small-co' }, body: { worlds: 100 } }),
          )
        ).status,
      ).toBe(403);
      await ok(sdk.orgsSetQuotas({ client: operator.api, path: { org: 'small-co' }, body: { worlds: 1 } }));
      await ok(
        sdk.worldsCreate({
          client: owner.api,
          path: { org: 'small-co' },
          body: { slug: 'small-one', name: 'One' },
        }),
        201,
      );
      const { status, body } = await problem(
        sdk.worldsCreate({
          client: owner.api,
          path: { org: 'small-co' },
          body: { slug: 'small-two', name: 'Two' },
        }),
      );
      expect(status).toBe(403);
      expect(body).toMatchObject({ type: 'urn:mib:problem:quota-exceeded', quota: 'worlds' });
    });

    it('the storage quota refuses a scene write that would exceed it', async () => {
      await ok(sdk.orgsCreate({ client: owner.api, body: { slug: 'tiny-co', name: 'Tiny' } }), 201);
      await ok(
        sdk.worldsCreate({
          client: owner.api,
          path: { org: 'tiny-co' },
          body: { slug: 'tiny-world', name: 'Tiny' },
        }),
        201,
      );
      await ok(
        sdk.orgsSetQuotas({ client: operator.api, path: { org: 'tiny-co' }, body: { storageBytes: 100 } }),
      );
      const draft = await sdk.scenesDraft({ client: owner.api, path: { slug: 'tiny-world' } });
      const etag = draft.response.headers.get('etag')!;
      const { status, body } = await problem(
        sdk.scenesReplace({
          client: owner.api,
          path: { slug: 'tiny-world' },
          headers: { 'If-Match': etag },
          body: SCENE,
        }),
      );
      expect(status).toBe(403);
      expect(body).toMatchObject({ quota: 'storage_bytes' });
      // Nothing was stored.
      const after = await sdk.scenesDraft({ client: owner.api, path: { slug: 'tiny-world' } });
      expect(after.response.headers.get('etag')).toBe(etag);
    });

    it('the concurrent-visitor quota refuses joins beyond it (429)', async () => {
      await ok(sdk.orgsCreate({ client: owner.api, body: { slug: 'ccu-co', name: 'CCU' } }), 201);
      await ok(
        sdk.worldsCreate({
          client: owner.api,
          path: { org: 'ccu-co' },
          body: { slug: 'ccu-world', name: 'CCU' },
        }),
        201,
      );
      await ok(sdk.orgsSetQuotas({ client: operator.api, path: { org: 'ccu-co' }, body: { peakCcu: 1 } }));
      const first = await joinWorld(url, { world: 'ccu-world' });
      await expect(joinWorld(url, { world: 'ccu-world' })).rejects.toMatchObject({
        code: 429,
        message: expect.stringMatching(/concurrent visitors/),
      });
      await first.leave();
    });

    it('meters usage per day: peak concurrent visitors and visitor-minutes', async () => {
      await ok(sdk.orgsCreate({ client: owner.api, body: { slug: 'metered-co', name: 'Metered' } }), 201);
      await ok(
        sdk.worldsCreate({
          client: owner.api,
          path: { org: 'metered-co' },
          body: { slug: 'metered', name: 'M' },
        }),
        201,
      );
      const a = await joinWorld(url, { world: 'metered' });
      const b = await joinWorld(url, { world: 'metered' });
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      await a.leave();
      await b.leave();
      // The room adds visitor time when it disposes (after the last visitor leaves).
      const days = await waitFor(
        () => ok(sdk.orgsUsageDays({ client: owner.api, path: { org: 'metered-co' }, query: {} })),
        (d) => (d[0]?.visitorMinutes ?? 0) > 0,
        { what: 'visitor time to be metered' },
      );
      expect(days).toHaveLength(1);
      expect(days[0]).toMatchObject({ peakCcu: 2, day: new Date().toISOString().slice(0, 10) });
      // Two visitors for at least 1.2 s each: at least 0.04 visitor-minutes (rounded to 0.1 → ≥ 0.1 only if long).
      expect(days[0]!.visitorMinutes).toBeGreaterThan(0);
    });
  });

  describe('worlds', () => {
    it('creates, reads, updates, lists with search and pagination, and deletes', async () => {
      for (const slug of ['alpha-hall', 'beta-hall', 'gamma-hall'])
        await ok(
          sdk.worldsCreate({
            client: owner.api,
            path: { org: 'acme' },
            body: { slug, name: `${slug} world`, description: 'a hall' },
          }),
          201,
        );
      const updated = await ok(
        sdk.worldsUpdate({
          client: owner.api,
          path: { slug: 'beta-hall' },
          body: { name: 'Beta', capacity: 50, voiceMode: 'off' },
        }),
      );
      expect(updated).toMatchObject({
        slug: 'beta-hall',
        name: 'Beta',
        capacity: 50,
        voiceMode: 'off',
        role: 'owner',
        organization: 'acme',
      });
      const page1 = await ok(sdk.worldsList({ client: apiClient(url), query: { q: 'hall', limit: 2 } }));
      expect(page1.items.map((w) => w.slug)).toEqual(['alpha-hall', 'beta-hall']);
      expect(page1.nextCursor).toBe('beta-hall');
      const page2 = await ok(
        sdk.worldsList({ client: apiClient(url), query: { q: 'hall', limit: 2, cursor: page1.nextCursor! } }),
      );
      expect(page2.items.map((w) => w.slug)).toEqual(['gamma-hall']);
      expect(page2.nextCursor).toBeNull();
      await ok(sdk.worldsRemove({ client: owner.api, path: { slug: 'gamma-hall' } }), 204);
      expect((await problem(sdk.worldsGet({ client: owner.api, path: { slug: 'gamma-hall' } }))).status).toBe(
        404,
      );
    });

    it('deleting a world closes its running instances', async () => {
      await ok(
        sdk.worldsCreate({
          client: owner.api,
          path: { org: 'acme' },
          body: { slug: 'short-lived', name: 'Brief' },
        }),
        201,
      );
      const visitor = await joinWorld(url, { world: 'short-lived' });
      await ok(sdk.worldsRemove({ client: owner.api, path: { slug: 'short-lived' } }), 204);
      await waitFor(
        () => visitor.leftWith(),
        (code) => code === 4410,
        { what: 'the instance to close' },
      );
      await expect(joinWorld(url, { world: 'short-lived' })).rejects.toMatchObject({ code: 404 });
    });

    it('lists live population from the rooms', async () => {
      await ok(
        sdk.worldsCreate({ client: owner.api, path: { org: 'acme' }, body: { slug: 'busy', name: 'Busy' } }),
        201,
      );
      const visitor = await joinWorld(url, { world: 'busy' });
      const world = await ok(sdk.worldsGet({ client: apiClient(url), path: { slug: 'busy' } }));
      expect(world.population).toBe(1);
      const instances = await ok(sdk.worldsListInstances({ client: apiClient(url), path: { slug: 'busy' } }));
      expect(instances).toMatchObject({
        world: 'busy',
        population: 1,
        instances: [{ instance: 1, clients: 1 }],
      });
      await visitor.leave();
    });

    it('private worlds do not exist for outsiders; unlisted ones are readable by link but not listed', async () => {
      await ok(
        sdk.worldsCreate({
          client: owner.api,
          path: { org: 'acme' },
          body: { slug: 'secret-base', name: 'Secret', visibility: 'private' },
        }),
        201,
      );
      await ok(
        sdk.worldsCreate({
          client: owner.api,
          path: { org: 'acme' },
          body: { slug: 'by-link', name: 'Link', visibility: 'unlisted' },
        }),
        201,
      );
      const outsider = await registerAccount(url, 'Outsider');
      expect(
        (await problem(sdk.worldsGet({ client: outsider.api, path: { slug: 'secret-base' } }))).status,
      ).toBe(404);
      await expect(joinWorld(url, { world: 'secret-base' }, outsider.token)).rejects.toMatchObject({
        code: 404,
      });
      await ok(sdk.worldsGet({ client: outsider.api, path: { slug: 'by-link' } }));
      const listed = await ok(sdk.worldsList({ client: outsider.api, query: { limit: 100 } }));
      expect(listed.items.map((w) => w.slug)).not.toEqual(expect.arrayContaining(['secret-base']));
      expect(listed.items.map((w) => w.slug)).not.toEqual(expect.arrayContaining(['by-link']));
      const ownerList = await ok(sdk.worldsList({ client: owner.api, query: { limit: 100, org: 'acme' } }));
      expect(ownerList.items.map((w) => w.slug)).toEqual(expect.arrayContaining(['secret-base', 'by-link']));
      // The owner joins their private world as themselves.
      const visitor = await joinWorld(url, { world: 'secret-base' }, owner.token);
      await visitor.leave();
    });
  });

  describe('scenes', () => {
    beforeAll(async () => {
      await ok(
        sdk.worldsCreate({
          client: owner.api,
          path: { org: 'acme' },
          body: { slug: 'stage', name: 'Stage' },
        }),
        201,
      );
    });

    const patchStage = (etag: string, body: Parameters<typeof sdk.scenesPatch>[0]['body']) =>
      sdk.scenesPatch({ client: owner.api, path: { slug: 'stage' }, headers: { 'If-Match': etag }, body });

    const draftOf = async (slug: string) => {
      const res = await sdk.scenesDraft({ client: owner.api, path: { slug }, parseAs: 'text' });
      return { text: res.data as unknown as string, etag: res.response.headers.get('etag')! };
    };

    it('needs If-Match (428), refuses a stale one (412) and stores canonical JSON byte for byte', async () => {
      const { etag } = await draftOf('stage');
      const scene = SCENE as never;
      expect(
        (
          await problem(
            sdk.scenesReplace({
              client: owner.api,
              path: { slug: 'stage' },
              headers: {} as never,
              body: scene,
            }),
          )
        ).status,
      ).toBe(428);
      expect(
        (
          await problem(
            sdk.scenesReplace({
              client: owner.api,
              path: { slug: 'stage' },
              headers: { 'If-Match': '"stale"' },
              body: scene,
            }),
          )
        ).status,
      ).toBe(412);
      // Send the canonical text itself: what comes back is the same bytes.
      const res = await fetch(`${url}/worlds/stage/scene/draft`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/json',
          'if-match': etag,
          authorization: `Bearer ${owner.token}`,
        },
        body: CANONICAL_SCENE_TEXT,
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(CANONICAL_SCENE_TEXT);
      expect((await draftOf('stage')).text).toBe(CANONICAL_SCENE_TEXT);
    });

    it('stores a differently written but equal document in the same canonical form', async () => {
      const { etag } = await draftOf('stage');
      const spaced =
        '{ "schema": 1.0, "entities": [ { "transform": { "position": [0, 0.0, 0] }, "id": "spawn", "components": [ { "type": "spawn-point", "name": "main", "default": true } ] } ] }';
      const res = await fetch(`${url}/worlds/stage/scene/draft`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/json',
          'if-match': etag,
          authorization: `Bearer ${owner.token}`,
        },
        body: spaced,
      });
      expect(await res.text()).toBe(CANONICAL_SCENE_TEXT);
      expect(res.headers.get('etag')).toBe(etag); // same document, same ETag
    });

    it('refuses an invalid scene with the failing paths, storing nothing', async () => {
      const { etag } = await draftOf('stage');
      const { status, body } = await problem(
        sdk.scenesReplace({
          client: owner.api,
          path: { slug: 'stage' },
          headers: { 'If-Match': etag },
          body: {
            schema: 1,
            entities: [
              {
                id: 'a',
                parent: 'ghost',
                transform: { position: [0, 0, 0] },
                components: [{ type: 'light', kind: 'laser', intensity: 1 }],
              },
            ],
          } as never, // deliberately invalid: the typed client would not allow it otherwise
        }),
      );
      expect(status).toBe(400);
      expect(body.errors?.map((e) => e.path)).toEqual(
        expect.arrayContaining(['body.entities.0.components.0.kind']),
      );
      expect((await draftOf('stage')).etag).toBe(etag);
    });

    it('applies JSON Patch under If-Match; failing tests and bad paths change nothing', async () => {
      const { etag } = await draftOf('stage');
      const patched = await patchStage(etag, [
        { op: 'test', path: '/entities/0/id', value: 'spawn' },
        {
          op: 'add',
          path: '/entities/-',
          value: {
            id: 'sign',
            transform: { position: [2, 0, 0] },
            components: [{ type: 'text', text: 'Welcome' }],
          },
        },
      ]);
      expect(patched.response.status).toBe(200);
      const after = await draftOf('stage');
      expect(JSON.parse(after.text)).toMatchObject({ entities: [{ id: 'spawn' }, { id: 'sign' }] });
      const failedTest = await problem(
        patchStage(after.etag, [{ op: 'test', path: '/entities/0/id', value: 'nope' }]),
      );
      expect(failedTest.status).toBe(409);
      const badPath = await problem(
        patchStage(after.etag, [{ op: 'replace', path: '/entities/9/id', value: 'x' }]),
      );
      expect(badPath.status).toBe(422);
      const invalid = await problem(patchStage(after.etag, [{ op: 'replace', path: '/schema', value: 7 }]));
      expect(invalid.status).toBe(400);
      expect((await draftOf('stage')).etag).toBe(after.etag);
    });

    it('publishes immutable numbered versions, lists history, rolls back, and running rooms get the new version', async () => {
      const visitor = await joinWorld(url, { world: 'stage' });
      const v1 = await ok(
        sdk.scenesPublish({ client: owner.api, path: { slug: 'stage' }, body: { message: 'opening night' } }),
        201,
      );
      expect(v1).toMatchObject({
        version: 1,
        message: 'opening night',
        authorId: owner.accountId,
        rollbackOf: null,
      });
      await waitFor(
        () => (visitor.room.state as { sceneVersion: number }).sceneVersion,
        (v) => v === 1,
        { what: 'the room to run version 1' },
      );
      const { etag } = await draftOf('stage');
      await ok(patchStage(etag, [{ op: 'remove', path: '/entities/1' }]));
      const v2 = await ok(
        sdk.scenesPublish({ client: owner.api, path: { slug: 'stage' }, body: { message: 'no sign' } }),
        201,
      );
      expect(v2.version).toBe(2);
      const v3 = await ok(
        sdk.scenesRollback({ client: owner.api, path: { slug: 'stage', version: 1 }, body: { message: '' } }),
        201,
      );
      expect(v3).toMatchObject({ version: 3, rollbackOf: 1, message: 'rollback to version 1' });
      await waitFor(
        () => (visitor.room.state as { sceneVersion: number }).sceneVersion,
        (v) => v === 3,
        { what: 'the room to run version 3' },
      );
      const history = await ok(sdk.scenesVersions({ client: owner.api, path: { slug: 'stage' } }));
      expect(history.map((v) => v.version)).toEqual([3, 2, 1]);
      const one = await sdk.scenesVersion({
        client: owner.api,
        path: { slug: 'stage', version: 1 },
        parseAs: 'text',
      });
      const three = await sdk.scenesPublished({
        client: apiClient(url),
        path: { slug: 'stage' },
        parseAs: 'text',
      });
      expect(three.data).toBe(one.data);
      expect(three.response.headers.get('scene-version')).toBe('3');
      await visitor.leave();
    });

    it('a publish conditioned on a stale draft ETag is refused', async () => {
      expect(
        (
          await problem(
            sdk.scenesPublish({
              client: owner.api,
              path: { slug: 'stage' },
              headers: { 'If-Match': '"old"' },
              body: { message: 'x' },
            }),
          )
        ).status,
      ).toBe(412);
    });
  });

  describe('roles, invitations and bans', () => {
    beforeAll(async () => {
      await ok(
        sdk.worldsCreate({ client: owner.api, path: { org: 'acme' }, body: { slug: 'club', name: 'Club' } }),
        201,
      );
    });

    it('an invitation grants its role once; the invitee can then edit', async () => {
      const editor = await registerAccount(url, 'Editor');
      const draft = await sdk.scenesDraft({ client: editor.api, path: { slug: 'club' } });
      expect(draft.response.status).toBe(403);
      const invitation = await ok(
        sdk.worldsInvite({ client: owner.api, path: { slug: 'club' }, body: { role: 'editor' } }),
        201,
      );
      secrets.push(invitation.token);
      expect(await ok(sdk.worldsAccept({ client: editor.api, body: { token: invitation.token } }))).toEqual({
        world: 'club',
        role: 'editor',
      });
      expect(
        (await problem(sdk.worldsAccept({ client: editor.api, body: { token: invitation.token } }))).status,
      ).toBe(404);
      await replaceDraft(editor.api, 'club', SCENE);
      const roles = await ok(sdk.worldsRoles({ client: owner.api, path: { slug: 'club' } }));
      expect(roles.map((r) => r.role).sort()).toEqual(['editor', 'owner']);
      expect((await problem(sdk.worldsRoles({ client: editor.api, path: { slug: 'club' } }))).status).toBe(
        403,
      );
    });

    it('a ban removes the visitor from running instances and refuses joins until lifted', async () => {
      const moderator = await registerAccount(url, 'Mod');
      const troll = await guestAccount(url, 'Troll');
      await ok(
        sdk.worldsSetRole({
          client: owner.api,
          path: { slug: 'club', accountId: moderator.accountId },
          body: { role: 'moderator' },
        }),
      );
      const inside = await joinWorld(url, { world: 'club', name: 'ignored' }, troll.token);
      // A signed-in visitor's name is the account's display name, not what the join options say.
      expect(inside.self()?.name ?? (await waitFor(() => inside.self()?.name, Boolean))).toBe('Troll');
      const ban = await ok(
        sdk.worldsBan({
          client: moderator.api,
          path: { slug: 'club', accountId: troll.accountId },
          body: { reason: 'spamming the stage' },
        }),
      );
      expect(ban).toMatchObject({ reason: 'spamming the stage', expiresAt: null });
      await waitFor(
        () => inside.leftWith(),
        (code) => code === 4403,
        { what: 'the banned visitor to be removed' },
      );
      await expect(joinWorld(url, { world: 'club' }, troll.token)).rejects.toMatchObject({
        code: 403,
        message: expect.stringMatching(/banned from this world: spamming the stage/),
      });
      expect(
        (await ok(sdk.worldsBans({ client: moderator.api, path: { slug: 'club' } }))).map((b) => b.accountId),
      ).toEqual([troll.accountId]);
      await ok(
        sdk.worldsUnban({ client: moderator.api, path: { slug: 'club', accountId: troll.accountId } }),
        204,
      );
      const back = await joinWorld(url, { world: 'club' }, troll.token);
      await back.leave();
    });

    it('a mute stops a visitor’s chat in running instances at once, until lifted', async () => {
      const moderator = await registerAccount(url, 'Hush');
      const loud = await guestAccount(url, 'Loud');
      await ok(
        sdk.worldsSetRole({
          client: owner.api,
          path: { slug: 'club', accountId: moderator.accountId },
          body: { role: 'moderator' },
        }),
      );
      const inside = await joinWorld(url, { world: 'club' }, loud.token);
      inside.say('hello', 'instance');
      await waitFor(
        () => inside.chats.length,
        (n) => n === 1,
        { what: 'the first line' },
      );
      await ok(
        sdk.worldsMute({
          client: moderator.api,
          path: { slug: 'club', accountId: loud.accountId },
          body: { reason: 'shouting' },
        }),
      );
      await waitFor(
        async () => {
          inside.say('still here', 'instance');
          await new Promise((resolve) => setTimeout(resolve, 50));
          return inside.chatRefusals.at(-1) ?? '';
        },
        (reason) => reason.includes('a moderator muted you in this world (shouting)'),
        { what: 'chat to be refused' },
      );
      expect(inside.leftWith()).toBeUndefined(); // muted, not removed
      const mutes = await ok(sdk.worldsMutes({ client: moderator.api, path: { slug: 'club' } }));
      expect(mutes.map((m) => m.accountId)).toEqual([loud.accountId]);
      // Joining again keeps the mute.
      await inside.leave();
      const again = await joinWorld(url, { world: 'club' }, loud.token);
      again.say('back', 'instance');
      await waitFor(
        () => again.chatRefusals.length,
        (n) => n === 1,
        { what: 'the refusal after rejoining' },
      );
      await ok(
        sdk.worldsUnmute({ client: moderator.api, path: { slug: 'club', accountId: loud.accountId } }),
        204,
      );
      await waitFor(
        async () => {
          again.say('free', 'instance');
          await new Promise((resolve) => setTimeout(resolve, 50));
          return again.chats.some((line) => line.text === 'free');
        },
        Boolean,
        { what: 'chat to flow again' },
      );
      await again.leave();
    });

    it('owners cannot be banned, and nobody bans themselves', async () => {
      const ownerBan = await problem(
        sdk.worldsBan({
          client: operator.api,
          path: { slug: 'club', accountId: owner.accountId },
          body: { reason: 'x' },
        }),
      );
      expect(ownerBan.status).toBe(403);
      const self = await problem(
        sdk.worldsBan({
          client: owner.api,
          path: { slug: 'club', accountId: owner.accountId },
          body: { reason: 'x' },
        }),
      );
      expect(self.status).toBe(400);
    });
  });

  describe('API keys', () => {
    beforeAll(async () => {
      await ok(
        sdk.worldsCreate({
          client: owner.api,
          path: { org: 'acme' },
          body: { slug: 'embedded', name: 'Embedded', visibility: 'private' },
        }),
        201,
      );
    });

    it('a world embed key joins its private world from allowed origins only; revoking it ends it', async () => {
      const created = await ok(
        sdk.worldsCreateKey({
          client: owner.api,
          path: { slug: 'embedded' },
          body: { name: 'site', scopes: ['embed'], origins: ['https://fan.example'] },
        }),
        201,
      );
      secrets.push(created.key);
      expect(created.key).toMatch(/^mibk_/);
      const listed = await ok(sdk.worldsListKeys({ client: owner.api, path: { slug: 'embedded' } }));
      expect(JSON.stringify(listed)).not.toContain(created.key);
      const keyApi = apiClient(url, created.key, { origin: 'https://fan.example' });
      await ok(sdk.worldsGet({ client: keyApi, path: { slug: 'embedded' } }));
      expect(
        (
          await problem(
            sdk.worldsGet({
              client: apiClient(url, created.key, { origin: 'https://evil.example' }),
              path: { slug: 'embedded' },
            }),
          )
        ).status,
      ).toBe(403);
      expect((await problem(sdk.scenesDraft({ client: keyApi, path: { slug: 'embedded' } }))).status).toBe(
        403,
      );
      const visitor = await joinWorld(url, { world: 'embedded' }, created.key);
      await visitor.leave();
      await ok(
        sdk.worldsRevokeKey({ client: owner.api, path: { slug: 'embedded', keyId: created.apiKey.id } }),
        204,
      );
      expect((await problem(sdk.worldsGet({ client: keyApi, path: { slug: 'embedded' } }))).status).toBe(401);
    });

    it('an account key acts as its account within its scopes', async () => {
      const created = await ok(
        sdk.authCreateKey({
          client: owner.api,
          body: { name: 'ci', scopes: ['read'], organization: 'acme' },
        }),
        201,
      );
      secrets.push(created.key);
      const keyApi = apiClient(url, created.key);
      await ok(sdk.scenesDraft({ client: keyApi, path: { slug: 'embedded' } }));
      const etag = (
        await sdk.scenesDraft({ client: keyApi, path: { slug: 'embedded' } })
      ).response.headers.get('etag')!;
      const write = await problem(
        sdk.scenesReplace({
          client: keyApi,
          path: { slug: 'embedded' },
          headers: { 'If-Match': etag },
          body: SCENE,
        }),
      );
      expect(write.status).toBe(403);
      expect(
        (
          await problem(
            sdk.authCreateKey({
              client: keyApi,
              body: { name: 'more', scopes: ['manage'], organization: 'acme' },
            }),
          )
        ).status,
      ).toBe(403);
      // Only in its organization: the owner's private world elsewhere does not exist for the key.
      await ok(sdk.orgsCreate({ client: owner.api, body: { slug: 'keyless-co', name: 'Keyless' } }), 201);
      await ok(
        sdk.worldsCreate({
          client: owner.api,
          path: { org: 'keyless-co' },
          body: { slug: 'keyless', name: 'Keyless', visibility: 'private' },
        }),
        201,
      );
      await ok(sdk.worldsGet({ client: owner.api, path: { slug: 'keyless' } }));
      expect((await problem(sdk.worldsGet({ client: keyApi, path: { slug: 'keyless' } }))).status).toBe(404);
      expect((await ok(sdk.orgsList({ client: keyApi }))).map((o) => o.slug)).toEqual(['acme']);
      expect(
        (
          await problem(
            sdk.authCreateKey({
              client: owner.api,
              body: { name: 'x', scopes: ['read'], organization: 'rival-of-nobody' },
            }),
          )
        ).status,
      ).toBe(404);
      await ok(sdk.authRevokeKey({ client: owner.api, path: { keyId: created.apiKey.id } }), 204);
      expect((await problem(sdk.worldsGet({ client: keyApi, path: { slug: 'embedded' } }))).status).toBe(401);
    });
  });

  describe('export and import', () => {
    it('round-trips a world with byte-identical scene versions', async () => {
      await ok(
        sdk.worldsCreate({
          client: owner.api,
          path: { org: 'acme' },
          body: { slug: 'travel', name: 'Travel', description: 'goes places' },
        }),
        201,
      );
      await replaceDraft(owner.api, 'travel', SCENE);
      await ok(
        sdk.scenesPublish({ client: owner.api, path: { slug: 'travel' }, body: { message: 'v1' } }),
        201,
      );
      await ok(
        sdk.scenesPublish({ client: owner.api, path: { slug: 'travel' }, body: { message: 'v2' } }),
        201,
      );
      const archive = await ok(sdk.archiveExport({ client: owner.api, path: { slug: 'travel' } }));
      expect(archive).toMatchObject({
        format: 'mib-world-archive',
        version: 1,
        publishedVersion: 2,
        world: { name: 'Travel', description: 'goes places' },
      });

      const other = await registerAccount(url, 'Importer');
      await ok(sdk.orgsCreate({ client: other.api, body: { slug: 'elsewhere', name: 'Elsewhere' } }), 201);
      const imported = await ok(
        sdk.archiveImport({
          client: other.api,
          path: { org: 'elsewhere' },
          query: { slug: 'travel-copy' },
          body: archive,
        }),
        201,
      );
      expect(imported).toMatchObject({
        slug: 'travel-copy',
        organization: 'elsewhere',
        publishedVersion: 2,
        description: 'goes places',
      });
      for (const version of [1, 2]) {
        const a = await sdk.scenesVersion({
          client: owner.api,
          path: { slug: 'travel', version },
          parseAs: 'text',
        });
        const b = await sdk.scenesVersion({
          client: other.api,
          path: { slug: 'travel-copy', version },
          parseAs: 'text',
        });
        expect(b.data).toBe(a.data);
      }
      const again = await ok(sdk.archiveExport({ client: other.api, path: { slug: 'travel-copy' } }));
      expect(again.versions.map((v) => v.body)).toEqual(archive.versions.map((v) => v.body));
      expect(again.draft).toBe(archive.draft);
      // A taken slug is a conflict, and nothing is half-created.
      expect(
        (
          await problem(
            sdk.archiveImport({
              client: other.api,
              path: { org: 'elsewhere' },
              query: { slug: 'travel-copy' },
              body: archive,
            }),
          )
        ).status,
      ).toBe(409);
    });

    it('refuses an archive over the upload quota (413) and a tampered one (400)', async () => {
      await ok(sdk.orgsCreate({ client: owner.api, body: { slug: 'upload-co', name: 'Upload' } }), 201);
      const archive = await ok(sdk.archiveExport({ client: owner.api, path: { slug: 'travel' } }));
      const tampered = {
        ...archive,
        versions: archive.versions.map((v) => ({ ...v, body: v.body.replace('"schema":1', '"schema": 1') })),
      };
      const bad = await problem(
        sdk.archiveImport({
          client: owner.api,
          path: { org: 'upload-co' },
          query: { slug: 'tampered' },
          body: tampered,
        }),
      );
      expect(bad.status).toBe(400);
      expect(bad.body.errors?.[0]?.message).toMatch(/not canonical JSON/);
      await ok(
        sdk.orgsSetQuotas({ client: operator.api, path: { org: 'upload-co' }, body: { uploadBytes: 100 } }),
      );
      const big = await problem(
        sdk.archiveImport({
          client: owner.api,
          path: { org: 'upload-co' },
          query: { slug: 'too-big' },
          body: archive,
        }),
      );
      expect(big.status).toBe(413);
      expect(big.body).toMatchObject({ quota: 'upload_bytes' });
      expect((await problem(sdk.worldsGet({ client: owner.api, path: { slug: 'too-big' } }))).status).toBe(
        404,
      );
    });
  });

  describe('audit log', () => {
    it('records privileged actions, readable by owners only', async () => {
      const page = await ok(
        sdk.worldsAudit({ client: owner.api, path: { slug: 'stage' }, query: { limit: 100 } }),
      );
      const actions = page.items.map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['world.create', 'scene.publish', 'scene.rollback']));
      expect(page.items[0]!.id > page.items.at(-1)!.id || page.items.length === 1).toBe(true);
      const club = await ok(sdk.worldsAudit({ client: owner.api, path: { slug: 'club' }, query: {} }));
      expect(club.items.map((e) => e.action)).toEqual(
        expect.arrayContaining([
          'invitation.create',
          'invitation.accept',
          'role.set',
          'ban.set',
          'ban.remove',
        ]),
      );
      const org = await ok(sdk.orgsAudit({ client: owner.api, path: { org: 'acme' }, query: { limit: 2 } }));
      expect(org.items).toHaveLength(2);
      expect(org.nextCursor).not.toBeNull();
      const next = await ok(
        sdk.orgsAudit({
          client: owner.api,
          path: { org: 'acme' },
          query: { limit: 2, cursor: org.nextCursor! },
        }),
      );
      expect(Number(next.items[0]!.id)).toBeLessThan(Number(org.items[1]!.id));
      const outsider = await registerAccount(url, 'Nosy');
      expect(
        (await problem(sdk.worldsAudit({ client: outsider.api, path: { slug: 'stage' }, query: {} }))).status,
      ).toBe(403);
    });
  });

  it('never writes passwords, tokens or keys to the logs, and never returns them after creation', async () => {
    const me = await ok(sdk.authMe({ client: owner.api }));
    expect(JSON.stringify(me)).not.toMatch(/scrypt|password/i);
    expect(secrets.length).toBeGreaterThan(8);
    const logs = logLines.join('');
    expect(logs.length).toBeGreaterThan(1000); // requests were logged at debug level
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
