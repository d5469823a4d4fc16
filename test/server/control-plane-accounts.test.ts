/**
 * Control plane: sessions, validation and payload limits, organizations, quotas and usage.
 * Through the generated typed client, on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createOrg,
  createWorld,
  apiClient,
  guestAccount,
  ok,
  problem,
  registerAccount,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import {
  OPERATOR,
  SCENE,
  expectNoSecretsLeaked,
  startControlPlane,
  type ControlPlaneFixture,
} from '../helpers/control-plane-fixture.js';
import { joinWorld } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

describe.each([['PGlite' as const], ['PostgreSQL' as const]])('%s', (database) => {
  let fixture: ControlPlaneFixture;
  let url: string;
  let owner: ControlPlaneFixture['owner'];
  let operator: SignedIn;

  beforeAll(async () => {
    fixture = await startControlPlane(database);
    ({ url, owner, operator } = fixture);
  });
  afterAll(async () => fixture?.close());

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

    it('refuses a NUL character in a body or a query with its path, not a 500 from the database', async () => {
      // Found by schemathesis: GET /worlds?cursor=%00 answered 500 (PostgreSQL text cannot hold U+0000).
      const query = await fetch(`${url}/worlds?cursor=a%00b`);
      expect(query.status).toBe(400);
      expect(((await query.json()) as { detail: string }).detail).toBe(
        'query.cursor: must not contain the NUL character (U+0000); remove it',
      );
      const body = await problem(
        sdk.orgsCreate({ client: owner.api, body: { slug: 'nul-co', name: 'Nul\u0000Co' } }),
      );
      expect(body.status).toBe(400);
      expect(body.body.errors).toEqual([
        { path: 'body.name', message: 'must not contain the NUL character (U+0000); remove it' },
      ]);
      // Nothing was stored: the slug is still free.
      await createOrg(owner.api, 'nul-co', 'Nul Co');
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
      await createOrg(owner.api, 'members-co', 'Members');
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
      await createOrg(owner.api, 'small-co', 'Small');
      expect(
        (
          await problem(
            sdk.orgsSetQuotas({ client: owner.api, path: { org: 'small-co' }, body: { worlds: 100 } }),
          )
        ).status,
      ).toBe(403);
      await ok(sdk.orgsSetQuotas({ client: operator.api, path: { org: 'small-co' }, body: { worlds: 1 } }));
      await createWorld(owner.api, 'small-co', { slug: 'small-one', name: 'One' });
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
      await createOrg(owner.api, 'tiny-co', 'Tiny');
      await createWorld(owner.api, 'tiny-co', { slug: 'tiny-world', name: 'Tiny' });
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
      await createOrg(owner.api, 'ccu-co', 'CCU');
      await createWorld(owner.api, 'ccu-co', { slug: 'ccu-world', name: 'CCU' });
      await ok(sdk.orgsSetQuotas({ client: operator.api, path: { org: 'ccu-co' }, body: { peakCcu: 1 } }));
      const first = await joinWorld(url, { world: 'ccu-world' });
      await expect(joinWorld(url, { world: 'ccu-world' })).rejects.toMatchObject({
        code: 429,
        message: expect.stringMatching(/concurrent visitors/),
      });
      await first.leave();
    });

    it('meters usage per day: peak concurrent visitors and visitor-minutes', async () => {
      await createOrg(owner.api, 'metered-co', 'Metered');
      await createWorld(owner.api, 'metered-co', { slug: 'metered', name: 'M' });
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

    it('refuses usage days that do not exist with a 400 naming the field (a 500 before)', async () => {
      for (const from of ['1063-87-20', '2026-02-30', '2026-13-01']) {
        const refused = await problem(
          sdk.orgsUsageDays({ client: owner.api, path: { org: 'metered-co' }, query: { from } }),
        );
        expect(refused.status).toBe(400);
        expect(refused.body.detail).toMatch(/^query\.from: must be a UTC day that exists, as yyyy-mm-dd/);
      }
    });
  });

  it('never writes the passwords, tokens or keys it handed out to the logs', async () => {
    await expectNoSecretsLeaked(fixture);
  });
});
