/**
 * A world exported from one installation imports into another (here: the embedded PostgreSQL → a separate server
 * process on PostgreSQL) with every scene version byte-identical.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SceneV1DocumentInput } from '../../protocol/index.js';
import { canonicalJson } from '../../server/db/index.js';
import { fromV1 } from '../helpers/scene-v1.js';
import type { RunningServer } from '../../server/index.js';
import { createOrg, createWorld, ok, registerAccount, sdk, replaceDraft } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/services.js';

let source: RunningServer;
let destination: ServerProcess;
let schema: PostgresSchema;

beforeAll(async () => {
  source = await startInProcessServer({ DATABASE_URL: '' });
  schema = await createPostgresSchema();
  destination = await startServerProcess({ DATA_DIR: await tempDir(), DATABASE_URL: schema.url });
});

afterAll(async () => {
  await source?.close();
  await destination?.stop();
  await schema?.drop();
});

describe('world archive between installations', () => {
  it('round-trips settings, draft and versions byte for byte', async () => {
    const alice = await registerAccount(source.url, 'Alice');
    await createOrg(alice.api, 'studio', 'Studio');
    await createWorld(alice.api, 'studio', {
      slug: 'gallery',
      name: 'Gallery',
      visibility: 'unlisted',
      capacity: 120,
      voiceMode: 'global',
    });
    for (const [index, text] of ['Hello', 'Héllo, wörld ✓'].entries()) {
      await replaceDraft(alice.api, 'gallery', {
        schema: 1,
        entities: [
          {
            id: 'sign',
            transform: { position: [1.25, 0, -3e-7] },
            components: [{ type: 'text', text, size: 0.5 }],
          },
        ],
      });
      await ok(
        sdk.scenesPublish({
          client: alice.api,
          path: { slug: 'gallery' },
          body: { message: `v${index + 1}` },
        }),
        201,
      );
    }
    const archive = await ok(sdk.archiveExport({ client: alice.api, path: { slug: 'gallery' } }));

    const bob = await registerAccount(destination.url, 'Bob');
    await createOrg(bob.api, 'museum', 'Museum');
    const imported = await ok(
      sdk.archiveImport({ client: bob.api, path: { org: 'museum' }, query: {}, body: archive }),
      201,
    );
    expect(imported).toMatchObject({
      slug: 'gallery',
      organization: 'museum',
      visibility: 'unlisted',
      capacity: 120,
      voiceMode: 'global',
      publishedVersion: 2,
      role: 'owner',
    });
    for (const version of [1, 2]) {
      const before = await sdk.scenesVersion({
        client: alice.api,
        path: { slug: 'gallery', version },
        parseAs: 'text',
      });
      const after = await sdk.scenesVersion({
        client: bob.api,
        path: { slug: 'gallery', version },
        parseAs: 'text',
      });
      expect(after.data).toBe(before.data);
      expect(after.response.headers.get('etag')).toBe(before.response.headers.get('etag'));
    }
    const draftBefore = await sdk.scenesDraft({
      client: alice.api,
      path: { slug: 'gallery' },
      parseAs: 'text',
    });
    const draftAfter = await sdk.scenesDraft({ client: bob.api, path: { slug: 'gallery' }, parseAs: 'text' });
    expect(draftAfter.data).toBe(draftBefore.data);
    expect(draftAfter.data as unknown as string).toContain('Héllo, wörld ✓');
  });

  it('imports an archive exported before schema 2, converting its draft and every version', async () => {
    const archive = JSON.parse(
      await readFile(new URL('../fixtures/scenes-v1/demo-world-archive.json', import.meta.url), 'utf8'),
    ) as { draft: string; versions: { body: string }[] };
    const carol = await registerAccount(destination.url, 'Carol');
    await createOrg(carol.api, 'old-co', 'Old');
    await ok(
      sdk.archiveImport({
        client: carol.api,
        path: { org: 'old-co' },
        query: { slug: 'old-demo' },
        body: archive as never,
      }),
      201,
    );
    const draft = await sdk.scenesDraft({ client: carol.api, path: { slug: 'old-demo' }, parseAs: 'text' });
    expect(draft.data).toBe(canonicalJson(fromV1(JSON.parse(archive.draft) as SceneV1DocumentInput)));
    for (const [index, { body }] of archive.versions.entries()) {
      const version = await sdk.scenesVersion({
        client: carol.api,
        path: { slug: 'old-demo', version: index + 1 },
        parseAs: 'text',
      });
      expect(JSON.parse(version.data as unknown as string)).toEqual(
        fromV1(JSON.parse(body) as SceneV1DocumentInput),
      );
    }
  });
});
