/**
 * Uploaded HDR environments through the server: an .exr or .hdr becomes an asset of profile `environment`
 * (its EXR served as image/x-exr, a preview PNG, an entry in the library), a scene lights itself with one
 * (`hdri`: its hash) and its budget counts it; a scene that names a model as its environment, or an
 * environment as a model, is refused naming the field and the fix.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { builtInEnvironment, radianceHdr } from '../../bench/assets/hdr-environments.js';
import { createWorld, ok, problem, replaceDraft, sdk } from '../helpers/api.js';
import { startControlPlane, type ControlPlaneFixture } from '../helpers/control-plane-fixture.js';
import { uploadModel, uploadToLibrary } from '../helpers/scene-models.js';

let cp: ControlPlaneFixture;
let park: Uint8Array;
let parkHash: string;
let generatedHash: string;
let bunny: string;

const sceneWith = (components: Record<string, unknown>) => ({
  schema: 2,
  entities: { sky: { order: 'a0', transform: { position: [0, 0, 0] }, components } },
});

beforeAll(async () => {
  cp = await startControlPlane('PGlite');
  await createWorld(cp.owner.api, 'acme', { slug: 'lit', name: 'Lit' });
  park = await builtInEnvironment('park');
  [parkHash, generatedHash, bunny] = await Promise.all([
    uploadToLibrary(cp.url, cp.owner.token, park, '&world=lit&name=Park', 'environment', 'image/x-exr').then(
      (uploaded) => uploaded.hash,
    ),
    uploadToLibrary(
      cp.url,
      cp.owner.token,
      radianceHdr(3000, 1500),
      '&fit=true&name=Generated',
      'environment',
      'image/vnd.radiance',
    ).then((uploaded) => uploaded.hash),
    uploadModel(cp.url, cp.owner.token, undefined, '&lods=false'),
  ]);
}, 180_000);

afterAll(async () => {
  await cp?.close();
});

describe('uploaded environments', () => {
  it('are stored as EXR with a preview, and listed in the library as environments', async () => {
    const asset = await ok(sdk.assetsAsset({ client: cp.owner.api, path: { hash: parkHash } }));
    expect(asset.profile).toBe('environment');
    expect(asset.lods).toEqual([]);
    const file = await fetch(`${cp.url}${new URL(asset.url, cp.url).pathname}`);
    expect(file.headers.get('content-type')).toBe('image/x-exr');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(park); // a DWAB EXR is kept as it came
    const preview = await fetch(new URL(asset.thumbnailUrl!, cp.url));
    const meta = await sharp(new Uint8Array(await preview.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 256, 128]);

    const generated = await ok(sdk.assetsAsset({ client: cp.owner.api, path: { hash: generatedHash } }));
    expect(generated.report).toMatchObject({
      environment: { format: 'hdr', input: { width: 3000 }, output: { width: 2048, height: 1024 } },
    });

    const library = await ok(
      sdk.libraryList({ client: cp.owner.api, query: { world: 'lit', profile: 'environment' } }),
    );
    expect(library.items.map((item) => [item.name, item.profile, item.assetHash])).toEqual([
      ['Park', 'environment', parkHash],
    ]);
    expect(library.items[0]!.measures).toMatchObject({ bytes: park.length, triangles: 0, textures: 1 });
  });

  it('light a scene, whose budget counts their bytes', async () => {
    await replaceDraft(cp.owner.api, 'lit', sceneWith({ environment: { sky: '#9cc7e6', hdri: parkHash } }));
    const draft = await ok(sdk.scenesDraft({ client: cp.owner.api, path: { slug: 'lit' } }));
    expect(
      (draft.entities as Record<string, { components: { environment?: { hdri?: string } } }>).sky!.components
        .environment?.hdri,
    ).toBe(parkHash);
    const budget = await ok(sdk.scenesBudget({ client: cp.owner.api, path: { slug: 'lit' } }));
    const total = (limit: string) => budget.limits.find((check) => check.limit === limit)!.total;
    expect(total('downloadBytes')).toBe(park.length);
    expect(total('textures')).toBe(1);
    expect(total('gpuTextureBytes')).toBeGreaterThan(512 * 256 * 8);
    expect(budget.unmeasured).toEqual([]);
    // A built-in environment still works by name.
    await replaceDraft(cp.owner.api, 'lit', sceneWith({ environment: { sky: '#9cc7e6', hdri: 'sunset' } }));
  });

  it('refuse a model as the environment, an environment as a model, and unknown names', async () => {
    const replace = (scene: unknown) =>
      problem(
        sdk.scenesDraft({ client: cp.owner.api, path: { slug: 'lit' } }).then(({ response }) =>
          sdk.scenesReplace({
            client: cp.owner.api,
            path: { slug: 'lit' },
            headers: { 'If-Match': response.headers.get('etag')! },
            body: scene as never,
          }),
        ),
      );
    const asSky = await replace(sceneWith({ environment: { sky: '#9cc7e6', hdri: bunny } }));
    expect(asSky.status).toBe(400);
    expect(asSky.body.errors).toEqual([
      {
        path: 'body.entities.sky.components.environment.hdri',
        message: expect.stringMatching(
          /is not an HDR environment \(it was uploaded as prop\); name one uploaded with profile=environment/,
        ),
      },
    ]);
    const asModel = await replace(sceneWith({ model: { asset: parkHash } }));
    expect(asModel.body.errors).toEqual([
      {
        path: 'body.entities.sky.components.model.asset',
        message: expect.stringContaining('is an HDR environment, not a model'),
      },
    ]);
    const unknown = await replace(sceneWith({ environment: { sky: '#9cc7e6', hdri: 'f'.repeat(64) } }));
    expect(unknown.body.errors?.[0]?.message).toMatch(
      /upload an \.exr or \.hdr first \(POST \/assets\?profile=environment\)/,
    );
    const misspelt = await replace(sceneWith({ environment: { sky: '#9cc7e6', hdri: 'parc' } }));
    expect(misspelt.status).toBe(400);
    expect(JSON.stringify(misspelt.body.errors)).toMatch(
      /built-in environments \(park, sky, .*\) or the hash of an uploaded environment \(64 lowercase hex characters/,
    );
  });
});
