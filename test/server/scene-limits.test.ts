/**
 * Scene limits and budgets: the server sums a draft from its assets' reports (per copy for triangles and
 * draw calls, per file for bytes and textures), the world's owners set limits within the organization's
 * plan (set by the operator), and a publish over a limit is refused with every limit, its total and the
 * heaviest entities — leaving no version behind.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_PLAN_SCENE_LIMITS } from '../../protocol/index.js';
import {
  createWorld,
  ok,
  problem,
  registerAccount,
  replaceDraft,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import { startControlPlane, type ControlPlaneFixture } from '../helpers/control-plane-fixture.js';
import { uploadModel } from '../helpers/scene-models.js';

let cp: ControlPlaneFixture;
let editor: SignedIn;
let bunny: string;
let bunnyTriangles: number;
let bunnyBytes: number;

const model = (order: string, x: number) => ({
  order,
  transform: { position: [x, 0, 0] as [number, number, number] },
  components: { model: { asset: bunny } },
});

beforeAll(async () => {
  cp = await startControlPlane('PGlite');
  editor = await registerAccount(cp.url, 'Ed');
  await createWorld(cp.owner.api, 'acme', { slug: 'heavy', name: 'Heavy' });
  await ok(
    sdk.worldsSetRole({
      client: cp.owner.api,
      path: { slug: 'heavy', accountId: editor.accountId },
      body: { role: 'editor' },
    }),
  );
  bunny = await uploadModel(cp.url, cp.owner.token, undefined, '&lods=false');
  const asset = await ok(sdk.assetsAsset({ client: cp.owner.api, path: { hash: bunny } }));
  const report = asset.report as { output: { bytes: number; measures: { triangles: number } } };
  bunnyTriangles = report.output.measures.triangles;
  bunnyBytes = report.output.bytes + asset.lods.reduce((sum, lod) => sum + lod.bytes, 0);
  await replaceDraft(cp.owner.api, 'heavy', {
    schema: 2,
    entities: {
      a: { ...model('a0', 0), name: 'First bunny' },
      b: model('a1', 2),
      c: model('a2', 4),
      lamp: {
        order: 'a3',
        transform: { position: [0, 3, 0] },
        components: { light: { kind: 'point', intensity: 5 } },
      },
    },
  });
}, 180_000);

afterAll(async () => cp?.close());

const total = (
  budget: { limits: { limit: string; total: number; allowed: number; ok: boolean }[] },
  name: string,
) => budget.limits.find((check) => check.limit === name)!;

describe('scene budgets and limits', () => {
  it('sums the draft per copy and per file against the default plan', async () => {
    const budget = await ok(sdk.scenesBudget({ client: editor.api, path: { slug: 'heavy' } }));
    expect(total(budget, 'triangles')).toEqual({
      limit: 'triangles',
      total: 3 * bunnyTriangles,
      allowed: DEFAULT_PLAN_SCENE_LIMITS.triangles,
      ok: true,
    });
    expect(total(budget, 'downloadBytes').total).toBe(bunnyBytes); // one file, fetched once
    expect(total(budget, 'entities').total).toBe(4);
    expect(total(budget, 'lights').total).toBe(1);
    expect(budget.heaviest.map((entity) => entity.entity)).toEqual(['a', 'b', 'c']);
    expect(budget.heaviest[0]).toMatchObject({
      name: 'First bunny',
      asset: bunny,
      triangles: bunnyTriangles,
    });
    expect(budget).toMatchObject({ unmeasured: [], ok: true });
  });

  it('lets owners set limits within the plan, and refuses a publish over one with the figures, publishing nothing', async () => {
    const set = await ok(
      sdk.sceneLimitsSet({
        client: cp.owner.api,
        path: { slug: 'heavy' },
        body: { limits: { triangles: 2 * bunnyTriangles } },
      }),
    );
    expect(set.own).toEqual({ triangles: 2 * bunnyTriangles });
    expect(set.effective.triangles).toBe(2 * bunnyTriangles);
    const editorTries = await problem(
      sdk.sceneLimitsSet({ client: editor.api, path: { slug: 'heavy' }, body: { limits: null } }),
    );
    expect(editorTries.status).toBe(403);

    const refused = await problem(
      sdk.scenesPublish({ client: editor.api, path: { slug: 'heavy' }, body: { message: 'too much' } }),
    );
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      type: 'urn:mib:problem:scene-over-limits',
      limits: expect.arrayContaining([
        { limit: 'triangles', allowed: 2 * bunnyTriangles, total: 3 * bunnyTriangles, ok: false },
        expect.objectContaining({ limit: 'lights', ok: true }),
      ]),
      heaviest: expect.arrayContaining([expect.objectContaining({ entity: 'a' })]),
    });
    expect(refused.body.detail).toMatch(/over a limit \(triangles \d+ > \d+\); nothing was published/);
    expect(await ok(sdk.scenesVersions({ client: editor.api, path: { slug: 'heavy' } }))).toEqual([]);

    const overPlan = await problem(
      sdk.sceneLimitsSet({
        client: cp.owner.api,
        path: { slug: 'heavy' },
        body: { limits: { lights: 1000 } },
      }),
    );
    expect(overPlan.status).toBe(400);
    expect(overPlan.body.errors).toEqual([
      {
        path: 'body.limits.lights',
        message: `1000 is over the organization's plan (${DEFAULT_PLAN_SCENE_LIMITS.lights}); ask the operator to raise the plan`,
      },
    ]);
  });

  it('follows the plan the operator sets, and publishes once the scene fits', async () => {
    await ok(sdk.sceneLimitsSet({ client: cp.owner.api, path: { slug: 'heavy' }, body: { limits: null } }));
    const org = await ok(
      sdk.orgsSetQuotas({
        client: cp.operator.api,
        path: { org: 'acme' },
        body: { sceneLimits: { lights: 0 } },
      }),
    );
    expect(org.sceneLimits).toEqual({ ...DEFAULT_PLAN_SCENE_LIMITS, lights: 0 });
    const budget = await ok(sdk.scenesBudget({ client: editor.api, path: { slug: 'heavy' } }));
    expect(total(budget, 'lights')).toMatchObject({ allowed: 0, total: 1, ok: false });
    expect(
      (
        await problem(
          sdk.scenesPublish({ client: editor.api, path: { slug: 'heavy' }, body: { message: 'lit' } }),
        )
      ).status,
    ).toBe(422);
    await ok(
      sdk.orgsSetQuotas({
        client: cp.operator.api,
        path: { org: 'acme' },
        body: { sceneLimits: { lights: 8 } },
      }),
    );
    const published = await ok(
      sdk.scenesPublish({ client: editor.api, path: { slug: 'heavy' }, body: { message: 'fits' } }),
      201,
    );
    expect(published.version).toBe(1);
  });
});
