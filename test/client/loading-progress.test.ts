/** The loading bar: a small share for the handshake, then the bytes needed to enter, never running back. */
import { describe, expect, it } from '@jest/globals';
import {
  entryBarProgress,
  LOADING_STEPS,
  megabytes,
} from '../../client/src/shared/world/loading-progress.js';

const entry = (loaded: number, total: number, needed: number, neededSized: number) => ({
  loaded,
  total,
  needed,
  neededSized,
  neededSettled: 0,
});

describe('the loading bar', () => {
  it('waits for every near model’s size before counting bytes, so it never runs ahead', () => {
    // The scene document (5 kB) is in, two models are known to be needed, their sizes not yet.
    const sizing = entryBarProgress(entry(5_000, 5_000, 2, 0));
    const halfSized = entryBarProgress(entry(5_000, 5_000, 2, 1));
    const sized = entryBarProgress(entry(5_000, 2_005_000, 2, 2));
    expect(sizing).toBeCloseTo(LOADING_STEPS.entering);
    expect(halfSized).toBeGreaterThan(sizing);
    expect(sized).toBeGreaterThan(halfSized);
    expect(sized).toBeLessThan(0.2);
  });

  it('fills with the bytes and stops just short of full until the visitor enters', () => {
    const half = entryBarProgress(entry(1_000_000, 2_000_000, 1, 1));
    expect(half).toBeCloseTo(0.15 + 0.85 * 0.5);
    expect(entryBarProgress(entry(2_000_000, 2_000_000, 1, 1))).toBe(0.99);
    expect(entryBarProgress(entry(0, 0, 0, 0))).toBe(0.99); // nothing to load
    expect(megabytes(2_345_678)).toBe('2.3');
  });
});
