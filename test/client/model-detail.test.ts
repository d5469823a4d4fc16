/**
 * Which level of detail a model is drawn at: by its radius on screen, with what is loaded, and within a
 * triangle budget (the studio's on software WebGL), losing the fewest pixels of accuracy it can.
 */
import { describe, expect, it } from '@jest/globals';
import {
  chooseLevels,
  focalPixels,
  isSoftwareRenderer,
  levelFor,
  LEVEL_BELOW_PX,
  NOTHING,
  PROXY,
  PROXY_BELOW_PX,
  radiusOnScreen,
  type SizedModel,
} from '../../client/src/shared/scene/model-detail.js';

const ALL = [true, true, true];
const TRIANGLES = [10_000, 5_000, 2_000];
const model = (radiusPx: number, loaded = ALL, triangles = TRIANGLES): SizedModel => ({
  radiusPx,
  loaded,
  triangles,
});

describe('level for a size on screen', () => {
  it('draws full detail when big, coarser levels as it shrinks, a dot when a few pixels wide', () => {
    expect(levelFor(LEVEL_BELOW_PX[0] + 1, ALL)).toBe(0);
    expect(levelFor(LEVEL_BELOW_PX[0] - 1, ALL)).toBe(1);
    expect(levelFor(LEVEL_BELOW_PX[1] - 1, ALL)).toBe(2);
    expect(levelFor(PROXY_BELOW_PX - 0.1, ALL)).toBe(PROXY);
  });

  it('shows the nearest coarser level loaded, else the nearest finer, else nothing', () => {
    expect(levelFor(1_000, [false, true, true])).toBe(1);
    expect(levelFor(30, [false, false, true])).toBe(2);
    expect(levelFor(10, [true, false, false])).toBe(0);
    expect(levelFor(1_000, [false, false, false])).toBe(NOTHING);
  });

  it('keeps an asset without coarser levels at full detail until it is a dot', () => {
    expect(levelFor(5, [true])).toBe(0);
    expect(levelFor(1, [true])).toBe(PROXY);
  });

  it('measures the radius on screen from the field of view, and is infinite from inside the model', () => {
    const focal = focalPixels(900, 90);
    expect(focal).toBeCloseTo(450);
    expect(radiusOnScreen(1, 10, focal)).toBeCloseTo(45);
    expect(radiusOnScreen(5, 4, focal)).toBe(Number.POSITIVE_INFINITY);
  });

  it('recognises software renderers by name', () => {
    expect(
      isSoftwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)'),
    ).toBe(true);
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)')).toBe(
      false,
    );
  });
});

describe('levels within a triangle budget', () => {
  it('leaves every model at its own level when they fit', () => {
    expect(chooseLevels([model(100), model(30), model(10)], 1e9)).toEqual([0, 1, 2]);
  });

  it('coarsens first where the fewest pixels of accuracy are lost per triangle saved', () => {
    // A model 1,000 px in radius loses 20 px going to its second level (2 %) to save 5,000 triangles; one
    // 5 px in radius loses under 5 px becoming a dot to save 2,000: the small one goes first.
    expect(chooseLevels([model(1_000), model(5)], 11_000)).toEqual([0, PROXY]);
    // 400 px: 8 px lost for 5,000 saved beats 10 px: 9.5 px lost for 2,000.
    expect(chooseLevels([model(400), model(10)], 11_000)).toEqual([1, 2]);
  });

  it('makes everything a dot, not nothing, when even the coarsest levels do not fit', () => {
    const models = Array.from({ length: 50 }, (_, i) => model(100 + i));
    expect(new Set(chooseLevels(models, 10))).toEqual(new Set([PROXY]));
  });

  it('never draws more than the budget, whatever the sizes (seeded random scenes)', () => {
    let seed = 7;
    const next = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    for (let scene = 0; scene < 50; scene += 1) {
      const models = Array.from({ length: 200 }, () =>
        model(next() * 300, [next() < 0.7, next() < 0.8, true], [20_000 * next() + 2_000, 2_000, 500]),
      );
      const budget = 2_000 + next() * 100_000;
      const levels = chooseLevels(models, budget);
      const total = levels.reduce(
        (sum, level, i) => sum + (level >= 0 ? models[i]!.triangles[level]! : 1),
        0,
      );
      expect(total).toBeLessThanOrEqual(Math.max(budget, models.length));
      levels.forEach((level, i) => {
        // Never finer than its size calls for, never a level that is not loaded.
        const own = levelFor(models[i]!.radiusPx, models[i]!.loaded);
        if (level >= 0) expect(models[i]!.loaded[level]).toBe(true);
        if (level >= 0 && own >= 0) expect(level).toBeGreaterThanOrEqual(own);
      });
    }
  });
});
