/** Each profile's budget is enforced after optimization: rejections name the limit, allowed and measured. */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_BUDGETS, parseBudgetOverrides, processAsset } from '../../asset-pipeline/index.js';
import {
  instancedScene,
  offRigWearable,
  skinnedAvatar,
  texturedScene,
  type SampleModel,
} from '../../bench/assets/sample-models.js';
import { rejectionOf } from '../helpers/asset-rejections.js';

let avatar: SampleModel;
let forest: SampleModel;
let rocks: SampleModel;

beforeAll(async () => {
  // Colour maps of 640 px: over a 512 px cap, and quick to compress.
  [avatar, forest, rocks] = await Promise.all([skinnedAvatar(), instancedScene(), texturedScene(640)]);
});

describe('budgets per profile', () => {
  it('avatar: the rigged avatar fits; more bones than allowed is refused', async () => {
    const fits = await processAsset(avatar.glb, { profile: 'avatar', lodRatios: [] });
    expect(fits.report.budget.map((check) => check.limit)).toEqual([
      'triangles',
      'materials',
      'textures',
      'textureMaxPx',
      'fileBytes',
      'bones',
      'influences',
    ]);
    expect(fits.report.output.measures).toMatchObject({ bones: 18, influences: 4, animations: 1 });
    const problems = await rejectionOf(avatar.glb, {
      profile: 'avatar',
      budget: { ...DEFAULT_BUDGETS.avatar, bones: 12 },
    });
    expect(problems).toEqual([
      expect.objectContaining({ code: 'OVER_BUDGET', limit: 'bones', allowed: 12, measured: 18 }),
    ]);
    expect(problems[0]!.message).toBe(
      'bones is 18, over the 12 allowed for profile "avatar"; remove bones from the skeleton',
    );
  });

  it('wearable: a skin on the avatar rig fits; one on another rig is refused', async () => {
    await expect(processAsset(avatar.glb, { profile: 'wearable', lodRatios: [] })).resolves.toBeDefined();
    const problems = await rejectionOf((await offRigWearable()).glb, { profile: 'wearable' });
    expect(problems).toEqual([
      expect.objectContaining({ limit: 'jointsOutsideAvatarRig', allowed: 0, measured: 18 }),
    ]);
  });

  it('prop: 145k triangles are refused, and fit=true simplifies them into the budget', async () => {
    const problems = await rejectionOf(forest.glb, { profile: 'prop' });
    expect(problems).toEqual([expect.objectContaining({ limit: 'triangles', allowed: 20_000 })]);
    expect(problems[0]!.measured).toBeGreaterThan(100_000);
    const fitted = await processAsset(forest.glb, { profile: 'prop', fit: true, lodRatios: [] });
    expect(fitted.report.output.measures.triangles).toBeLessThanOrEqual(20_000);
    expect(fitted.report.fitted.vertexRatio).toBeLessThan(0.2);
  }, 180_000);

  it('prop: textures over the count and size limits are each named', async () => {
    const problems = await rejectionOf(rocks.glb, { profile: 'prop' });
    const limits = problems.map((problem) => problem.limit);
    expect(limits).toEqual(expect.arrayContaining(['triangles', 'textures']));
    expect(problems.find((problem) => problem.limit === 'textures')).toMatchObject({
      allowed: 4,
      measured: 8,
    });
  }, 180_000);

  it('hero: a 122k-triangle scene is refused, then fitted; textures beyond the size cap are resized when fitting', async () => {
    const problems = await rejectionOf(rocks.glb, {
      profile: 'hero',
      budget: { ...DEFAULT_BUDGETS.hero, textureMaxPx: 512 },
    });
    expect(problems.map((problem) => problem.limit).sort()).toEqual(['textureMaxPx', 'triangles']);
    const fitted = await processAsset(rocks.glb, {
      profile: 'hero',
      budget: { ...DEFAULT_BUDGETS.hero, textureMaxPx: 512 },
      fit: true,
      lodRatios: [],
    });
    expect(fitted.report.output.measures.triangles).toBeLessThanOrEqual(100_000);
    expect(fitted.report.output.measures.textureMaxPx).toBeLessThanOrEqual(512);
  }, 180_000);

  it('scene: the whole scene fits; GPU texture memory over the limit is refused', async () => {
    const fits = await processAsset(rocks.glb, { profile: 'scene', lodRatios: [] });
    expect(fits.report.budget.every((check) => check.ok)).toBe(true);
    const gpu = fits.report.output.measures.gpuTextureBytes;
    expect(gpu).toBeGreaterThan(0);
    const problems = await rejectionOf(rocks.glb, {
      profile: 'scene',
      budget: { ...DEFAULT_BUDGETS.scene, gpuTextureBytes: 1_000_000 },
    });
    expect(problems).toEqual([
      expect.objectContaining({ limit: 'gpuTextureBytes', allowed: 1_000_000, measured: gpu }),
    ]);
  }, 180_000);

  it('operators override budgets with JSON; bad overrides name the field and the fix', () => {
    expect(parseBudgetOverrides('{"prop":{"triangles":50000}}').prop.triangles).toBe(50_000);
    expect(parseBudgetOverrides(undefined).prop.triangles).toBe(20_000);
    expect(() => parseBudgetOverrides('{"props":{}}')).toThrow(
      'unknown profile "props"; profiles are avatar, wearable, prop, hero, scene',
    );
    expect(() => parseBudgetOverrides('{"prop":{"triangles":-1}}')).toThrow(
      'prop.triangles must be more than 0',
    );
    expect(() => parseBudgetOverrides('{"prop":{"tris":1}}')).toThrow(/prop/);
    expect(() => parseBudgetOverrides('{oops')).toThrow(/must be JSON/);
  });
});
