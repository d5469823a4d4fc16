/**
 * Control plane: worlds, roles, invitations, bans and mutes, API keys, and their audit log.
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
  replaceDraft,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import {
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
  let secrets: string[];

  beforeAll(async () => {
    fixture = await startControlPlane(database);
    ({ url, owner, operator, secrets } = fixture);
  });
  afterAll(async () => fixture?.close());

  describe('worlds', () => {
    it('creates, reads, updates, lists with search and pagination, and deletes', async () => {
      for (const slug of ['alpha-hall', 'beta-hall', 'gamma-hall'])
        await createWorld(owner.api, 'acme', { slug, name: `${slug} world`, description: 'a hall' });
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
      await createWorld(owner.api, 'acme', { slug: 'short-lived', name: 'Brief' });
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
      await createWorld(owner.api, 'acme', { slug: 'busy', name: 'Busy' });
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
      await createWorld(owner.api, 'acme', { slug: 'secret-base', name: 'Secret', visibility: 'private' });
      await createWorld(owner.api, 'acme', { slug: 'by-link', name: 'Link', visibility: 'unlisted' });
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

  describe('roles, invitations and bans', () => {
    beforeAll(async () => {
      await createWorld(owner.api, 'acme', { slug: 'club', name: 'Club' });
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
      await createWorld(owner.api, 'acme', { slug: 'embedded', name: 'Embedded', visibility: 'private' });
    });

    it('a secret world key acts on its private world from allowed origins only; revoking it ends it', async () => {
      const created = await ok(
        sdk.worldsCreateKey({
          client: owner.api,
          path: { slug: 'embedded' },
          body: { name: 'site', scopes: ['read'], origins: ['https://fan.example'] },
        }),
        201,
      );
      secrets.push(created.key);
      expect(created.key).toMatch(/^mibk_/);
      const listed = await ok(sdk.worldsListKeys({ client: owner.api, path: { slug: 'embedded' } }));
      expect(JSON.stringify(listed)).not.toContain(created.key);
      expect(listed.find((key) => key.id === created.apiKey.id)?.embedKey).toBeNull();
      const keyApi = apiClient(url, created.key, { origin: 'https://fan.example' });
      await ok(sdk.worldsGet({ client: keyApi, path: { slug: 'embedded' } }));
      await ok(sdk.scenesDraft({ client: keyApi, path: { slug: 'embedded' } }));
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
      // A read key has no world.join.
      await expect(joinWorld(url, { world: 'embedded' }, created.key)).rejects.toThrow(/world\.join/);
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
      await createOrg(owner.api, 'keyless-co', 'Keyless');
      await createWorld(owner.api, 'keyless-co', { slug: 'keyless', name: 'Keyless', visibility: 'private' });
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

  describe('audit log', () => {
    it('records role changes, invitations and bans, and pages the organization log', async () => {
      const club = await ok(sdk.worldsAudit({ client: owner.api, path: { slug: 'club' }, query: {} }));
      expect(club.items.map((e) => e.action)).toEqual(
        expect.arrayContaining([
          'invitation.create',
          'invitation.accept',
          'role.set',
          'ban.set',
          'ban.remove',
          'mute.set',
          'mute.remove',
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
    });
  });

  it('never writes the passwords, tokens or keys it handed out to the logs', async () => {
    await expectNoSecretsLeaked(fixture);
  });
});
