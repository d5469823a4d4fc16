/**
 * The asset library over HTTP: uploads are named, owned, placed in an organization or world and tagged;
 * listed by owner, world and organization with search, filters and pages; renamed and retagged; deleted
 * unless a scene version still uses them. Outsiders see nothing of it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningServer } from '../../server/index.js';
import {
  createOrg,
  createWorld,
  ok,
  problem,
  registerAccount,
  sdk,
  replaceDraft,
  type SignedIn,
} from '../helpers/api.js';
import { jsonBytes, triangleGltf } from '../../bench/shared/bad-uploads.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { uploadToLibrary } from '../helpers/scene-models.js';
import type { LibraryListData } from '../../client/src/shared/api/generated/types.gen.js';

let server: RunningServer;
let alice: SignedIn;
let bob: SignedIn;
let bunny: { hash: string; libraryAsset: string };
let triangle: { hash: string; libraryAsset: string };

beforeAll(async () => {
  server = await startInProcessServer();
  alice = await registerAccount(server.url, 'Alice');
  bob = await registerAccount(server.url, 'Bob');
  await createOrg(alice.api, 'lib-co', 'Library Co');
  await createWorld(alice.api, 'lib-co', { slug: 'gallery', name: 'Gallery', visibility: 'private' });
  bunny = await uploadToLibrary(
    server.url,
    alice.token,
    undefined,
    '&name=Bunny.glb&world=gallery&tags=animal,%20white&lods=false',
  );
  triangle = await uploadToLibrary(server.url, alice.token, jsonBytes(triangleGltf()), '&name=Tri.gltf');
}, 180_000);

afterAll(async () => server?.close());

describe('asset library', () => {
  it('keeps each upload with its name, owner, place, tags, thumbnail and what it weighs', async () => {
    const entry = await ok(sdk.libraryGet({ client: alice.api, path: { id: bunny.libraryAsset } }));
    expect(entry).toMatchObject({
      name: 'Bunny.glb',
      tags: ['animal', 'white'],
      owner: { id: alice.accountId, displayName: 'Alice' },
      organization: 'lib-co',
      world: 'gallery',
      profile: 'prop',
      status: 'succeeded',
      assetHash: bunny.hash,
    });
    expect(entry.measures?.triangles).toBeGreaterThan(100);
    expect(entry.measures?.bytes).toBeGreaterThan(0);
    expect(entry.budget.map((check) => check.limit)).toContain('triangles');
  });

  it('lists your uploads, a world’s and an organization’s; searches, filters and pages', async () => {
    const names = async (query: LibraryListData['query']) =>
      (await ok(sdk.libraryList({ client: alice.api, query }))).items.map((item) => item.name);
    expect(await names({})).toEqual(['Tri.gltf', 'Bunny.glb']); // newest first
    expect(await names({ world: 'gallery' })).toEqual(['Bunny.glb']);
    expect(await names({ org: 'lib-co' })).toEqual(['Bunny.glb']);
    expect(await names({ q: 'BUN' })).toEqual(['Bunny.glb']);
    expect(await names({ tag: 'animal' })).toEqual(['Bunny.glb']);
    expect(await names({ q: '%' })).toEqual([]); // a wildcard is a character, not a pattern
    const first = await ok(sdk.libraryList({ client: alice.api, query: { limit: 1 } }));
    expect(first.items.map((item) => item.name)).toEqual(['Tri.gltf']);
    const second = await ok(sdk.libraryList({ client: alice.api, query: { limit: 1, cursor: first.next! } }));
    expect(second).toMatchObject({ items: [{ name: 'Bunny.glb' }], next: null });
    const badCursor = await problem(sdk.libraryList({ client: alice.api, query: { cursor: 'nonsense' } }));
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.detail).toMatch(/use the "next" of the previous page/);
  });

  it('shows outsiders nothing and refuses uploads into a world that is not theirs before reading the file', async () => {
    expect((await ok(sdk.libraryList({ client: bob.api, query: {} }))).items).toEqual([]);
    expect((await problem(sdk.libraryList({ client: bob.api, query: { world: 'gallery' } }))).status).toBe(
      404,
    );
    expect(
      (await problem(sdk.libraryGet({ client: bob.api, path: { id: bunny.libraryAsset } }))).status,
    ).toBe(404);
    expect(
      (
        await problem(
          sdk.libraryUpdate({ client: bob.api, path: { id: bunny.libraryAsset }, body: { name: 'mine' } }),
        )
      ).status,
    ).toBe(404);
    const refused = await fetch(`${server.url}/assets?profile=prop&world=gallery`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob.token}`, 'content-type': 'model/gltf-binary' },
      body: Buffer.from(jsonBytes(triangleGltf())),
    });
    expect(refused.status).toBe(404);
    expect((await ok(sdk.libraryList({ client: bob.api, query: {} }))).items).toEqual([]);
  });

  it('renames and retags, refusing changes that name nothing or bad tags', async () => {
    const renamed = await ok(
      sdk.libraryUpdate({
        client: alice.api,
        path: { id: triangle.libraryAsset },
        body: { name: 'Triangle', tags: ['test'] },
      }),
    );
    expect(renamed).toMatchObject({ name: 'Triangle', tags: ['test'] });
    const empty = await problem(
      sdk.libraryUpdate({ client: alice.api, path: { id: triangle.libraryAsset }, body: {} }),
    );
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toMatch(/send at least one of name, tags, world/);
    const comma = await problem(
      sdk.libraryUpdate({ client: alice.api, path: { id: triangle.libraryAsset }, body: { tags: ['a,b'] } }),
    );
    expect(comma.status).toBe(400);
    expect(comma.body.errors?.[0]).toMatchObject({
      path: 'body.tags.0',
      message: 'a tag cannot contain a comma',
    });
  });

  it('refuses to delete an asset a published version uses, naming it; deletes one nobody uses', async () => {
    await replaceDraft(alice.api, 'gallery', {
      schema: 2,
      entities: {
        bunny: {
          order: 'a0',
          transform: { position: [0, 0, 0] },
          components: { model: { asset: bunny.hash } },
        },
      },
    });
    await ok(
      sdk.scenesPublish({ client: alice.api, path: { slug: 'gallery' }, body: { message: 'bunny' } }),
      201,
    );
    const used = await problem(sdk.libraryRemove({ client: alice.api, path: { id: bunny.libraryAsset } }));
    expect(used.status).toBe(409);
    expect(used.body.detail).toMatch(/"Bunny.glb" is used by gallery's draft, gallery version 1/);
    expect(
      (await sdk.libraryRemove({ client: alice.api, path: { id: triangle.libraryAsset } })).response.status,
    ).toBe(204);
    expect(
      (await problem(sdk.libraryGet({ client: alice.api, path: { id: triangle.libraryAsset } }))).status,
    ).toBe(404);
    // The file stays: the asset is content-addressed and may be named elsewhere.
    expect((await fetch(`${server.url}/assets/${triangle.hash}`)).status).toBe(200);
  });
});
