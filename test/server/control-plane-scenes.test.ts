/**
 * Control plane: scene drafts, publishing and history, archives, and their audit log.
 * Through the generated typed client, on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { canonicalJson, etagOf } from '../../server/index.js';
import {
  createOrg,
  createWorld,
  apiClient,
  ok,
  problem,
  registerAccount,
  replaceDraft,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import {
  CANONICAL_SCENE_TEXT,
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

  describe('scenes', () => {
    beforeAll(async () => {
      await createWorld(owner.api, 'acme', { slug: 'stage', name: 'Stage' });
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
        '{ "schema": 2.0, "entities": { "spawn": { "transform": { "position": [0, 0.0, 0] }, "order": "a0", "components": { "spawn-point": { "name": "main", "default": true } } } } }';
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
            schema: 2,
            entities: {
              a: {
                order: 'a0',
                parent: 'ghost',
                transform: { position: [0, 0, 0] },
                components: { light: { kind: 'laser', intensity: 1 } },
              },
            },
          } as never, // deliberately invalid: the typed client would not allow it otherwise
        }),
      );
      expect(status).toBe(400);
      expect(body.errors?.map((e) => e.path)).toEqual(
        expect.arrayContaining(['body.entities.a.components.light.kind']),
      );
      expect((await draftOf('stage')).etag).toBe(etag);
    });

    it('converts a schema 1 scene on PUT, and refuses one that cannot be converted or names unknown things', async () => {
      const put = async (body: unknown) => {
        const { etag } = await draftOf('stage');
        return fetch(`${url}/worlds/stage/scene/draft`, {
          method: 'PUT',
          headers: {
            'content-type': 'application/json',
            'if-match': etag,
            authorization: `Bearer ${owner.token}`,
          },
          body: JSON.stringify(body),
        });
      };
      const v1 = {
        schema: 1,
        entities: [
          {
            id: 'spawn',
            transform: { position: [0, 0, 0] },
            components: [{ type: 'spawn-point', name: 'main', default: true }],
          },
        ],
      };
      const converted = await put(v1);
      expect(converted.status).toBe(200);
      expect(await converted.text()).toBe(
        '{"entities":{"spawn":{"components":{"spawn-point":{"default":true,"name":"main"}},"order":"a0","transform":{"position":[0,0,0],"rotation":[0,0,0,1],"scale":[1,1,1]}}},"schema":2}',
      );
      const before = await draftOf('stage');
      const cycle = await put({
        schema: 1,
        entities: [
          { id: 'x', parent: 'y', transform: { position: [0, 0, 0] } },
          { id: 'y', parent: 'x', transform: { position: [0, 0, 0] } },
        ],
      });
      expect(cycle.status).toBe(400);
      expect(((await cycle.json()) as { detail: string }).detail).toMatch(
        /cannot be converted to schema 2 \(entity "x"\): entities x → y → x are each other's parents/,
      );
      const unknown = await put({
        schema: 2,
        entities: {
          statue: {
            order: 'a0',
            transform: { position: [0, 0, 0] },
            components: { model: { asset: 'c'.repeat(64) } },
          },
          door: {
            order: 'a1',
            transform: { position: [0, 0, 0] },
            components: { portal: { world: 'atlantis', spawn: 'main' } },
          },
          proto: { order: 'a2', transform: { position: [0, 0, 0] } },
        },
      });
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as { errors: { path: string; message: string }[] }).errors).toEqual([
        {
          path: 'body.entities.statue.components.model.asset',
          message: `asset ${'c'.repeat(64)} is not in the asset store; upload it first (POST /assets)`,
        },
        {
          path: 'body.entities.door.components.portal.world',
          message: 'there is no world "atlantis"; name an existing world\'s slug',
        },
      ]);
      const proto = await fetch(`${url}/worlds/stage/scene/draft`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/json',
          'if-match': before.etag,
          authorization: `Bearer ${owner.token}`,
        },
        body: '{"schema":2,"entities":{"__proto__":{"order":"a0","transform":{"position":[0,0,0]}}}}',
      });
      expect(proto.status).toBe(400);
      expect((await draftOf('stage')).text).toBe(before.text);
    });

    it('applies JSON Patch under If-Match; failing tests and bad paths change nothing', async () => {
      const { etag } = await draftOf('stage');
      const addSign = [
        { op: 'test' as const, path: '/entities/spawn/components/spawn-point/name', value: 'main' },
        {
          op: 'add' as const,
          path: '/entities/sign',
          value: {
            order: 'a1',
            transform: { position: [2, 0, 0] },
            components: { text: { text: 'Welcome' } },
          },
        },
      ];
      const moveSpawn = [
        { op: 'replace' as const, path: '/entities/spawn/transform/position', value: [1, 0, 1] },
      ];
      const patched = await patchStage(etag, addSign);
      expect(patched.response.status).toBe(200);
      // A second writer who read the same draft edits another entity: refused as stale, then the very same
      // operations, re-sent with the new ETag, land on the entity they name (ids, not array positions).
      expect((await problem(patchStage(etag, moveSpawn))).status).toBe(412);
      expect((await patchStage(patched.response.headers.get('etag')!, moveSpawn)).response.status).toBe(200);
      const after = await draftOf('stage');
      expect(JSON.parse(after.text)).toMatchObject({
        entities: {
          spawn: { transform: { position: [1, 0, 1] } },
          sign: { components: { text: { text: 'Welcome' } } },
        },
      });
      const failedTest = await problem(
        patchStage(after.etag, [{ op: 'test', path: '/entities/spawn/order', value: 'nope' }]),
      );
      expect(failedTest.status).toBe(409);
      const badPath = await problem(
        patchStage(after.etag, [{ op: 'replace', path: '/entities/ghost/name', value: 'x' }]),
      );
      expect(badPath.status).toBe(422);
      const invalid = await problem(patchStage(after.etag, [{ op: 'replace', path: '/schema', value: 7 }]));
      expect(invalid.status).toBe(400);
      expect((await draftOf('stage')).etag).toBe(after.etag);
    });

    it('stores the draft per entity: a save writes only the entities it changed, and reads give the bytes the ETag names', async () => {
      const { db } = fixture.server.database;
      const world = (
        await db.selectFrom('worlds').select('id').where('slug', '=', 'stage').executeTakeFirstOrThrow()
      ).id;
      /** Each stored entity row's transaction id (xmin): it changes only when the row is written. */
      const writes = async () =>
        new Map(
          (
            await sql<{ entity_id: string; xmin: string }>`
              select entity_id, xmin::text from scene_draft_entities where world_id = ${world}`.execute(db)
          ).rows.map((row) => [row.entity_id, row.xmin]),
        );
      const expectDraft = async (etag: string, entities: string[]) => {
        const read = await draftOf('stage');
        expect(read.etag).toBe(etag);
        expect(etagOf(read.text)).toBe(etag);
        expect(read.text).toBe(canonicalJson(JSON.parse(read.text)));
        expect(Object.keys((JSON.parse(read.text) as { entities: object }).entities).sort()).toEqual(
          entities,
        );
        expect([...(await writes()).keys()].sort()).toEqual(entities);
        const stored = await db
          .selectFrom('scene_drafts')
          .select('bytes')
          .where('world_id', '=', world)
          .executeTakeFirstOrThrow();
        expect(Number(stored.bytes)).toBe(Buffer.byteLength(read.text)); // what quotas count
      };
      const start = await draftOf('stage');
      const ids = Object.keys((JSON.parse(start.text) as { entities: object }).entities).sort();
      const sign = { order: 'b0', transform: { position: [3, 0, 0] }, components: { text: { text: 'Hi' } } };
      const added = await fetch(`${url}/worlds/stage/scene/draft`, {
        method: 'PATCH',
        headers: {
          'content-type': 'application/json-patch+json',
          'if-match': start.etag,
          prefer: 'return=minimal',
          authorization: `Bearer ${owner.token}`,
        },
        body: JSON.stringify([{ op: 'add', path: '/entities/hello', value: sign }]),
      });
      // Prefer: return=minimal: 204 and the new ETag, no body.
      expect(added.status).toBe(204);
      expect(added.headers.get('preference-applied')).toBe('return=minimal');
      expect(await added.text()).toBe('');
      await expectDraft(added.headers.get('etag')!, [...ids, 'hello'].sort());
      const before = await writes();

      const renamed = await patchStage(added.headers.get('etag')!, [
        { op: 'replace', path: '/entities/hello/components/text/text', value: 'Hello' },
      ]);
      expect(renamed.response.status).toBe(200);
      const afterPatch = await writes();
      for (const id of ids) expect(afterPatch.get(id)).toBe(before.get(id));
      expect(afterPatch.get('hello')).not.toBe(before.get('hello'));
      await expectDraft(renamed.response.headers.get('etag')!, [...ids, 'hello'].sort());

      // A PUT of the draft without "hello": the row goes, the others are not written.
      const document = JSON.parse((await draftOf('stage')).text) as { entities: Record<string, unknown> };
      delete document.entities.hello;
      const replaced = await sdk.scenesReplace({
        client: owner.api,
        path: { slug: 'stage' },
        headers: { 'If-Match': renamed.response.headers.get('etag')!, Prefer: 'return=minimal' },
        body: document as never,
      });
      expect(replaced.response.status).toBe(204);
      const afterPut = await writes();
      for (const id of ids) expect(afterPut.get(id)).toBe(before.get(id));
      await expectDraft(replaced.response.headers.get('etag')!, ids);
      expect(replaced.response.headers.get('etag')).toBe(start.etag);
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
      await ok(patchStage(etag, [{ op: 'remove', path: '/entities/sign' }]));
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

  describe('export and import', () => {
    it('round-trips a world with byte-identical scene versions', async () => {
      await createWorld(owner.api, 'acme', { slug: 'travel', name: 'Travel', description: 'goes places' });
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
      await createOrg(other.api, 'elsewhere', 'Elsewhere');
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
      await createOrg(owner.api, 'upload-co', 'Upload');
      const archive = await ok(sdk.archiveExport({ client: owner.api, path: { slug: 'travel' } }));
      const tampered = {
        ...archive,
        versions: archive.versions.map((v) => ({ ...v, body: v.body.replace('"schema":2', '"schema": 2') })),
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
    it('records publishes and rollbacks, readable by owners only', async () => {
      const page = await ok(
        sdk.worldsAudit({ client: owner.api, path: { slug: 'stage' }, query: { limit: 100 } }),
      );
      const actions = page.items.map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['world.create', 'scene.publish', 'scene.rollback']));
      expect(Number(page.items[0]!.id)).toBeGreaterThan(Number(page.items.at(-1)!.id)); // newest first
      const outsider = await registerAccount(url, 'Nosy');
      expect(
        (await problem(sdk.worldsAudit({ client: outsider.api, path: { slug: 'stage' }, query: {} }))).status,
      ).toBe(403);
    });
  });

  it('never writes the passwords, tokens or keys it handed out to the logs', async () => {
    await expectNoSecretsLeaked(fixture);
  });
});
