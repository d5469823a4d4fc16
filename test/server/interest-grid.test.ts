import { describe, expect, it } from '@jest/globals';
import { bodyAt } from '../../protocol/index.js';
import {
  InterestGrid,
  selectSmallest,
  type InterestParams,
  type Placed,
} from '../../server/rooms/interest/interest-grid.js';

interface Dot extends Placed {
  name: string;
}
const dot = (name: string, x: number, z = 0): Dot => ({ name, body: bodyAt(x, z) });
const names = (list: Dot[]): string[] => list.map((d) => d.name).sort();
const params: InterestParams = { radius: 10, leaveRadius: 12, k: 3, incumbentFactor: 0.9, cellSize: 3 };

describe('InterestGrid', () => {
  it('sees avatars within the radius and not the viewer itself or far ones', () => {
    const viewer = dot('viewer', 0);
    const all = [viewer, dot('near', 5), dot('edge', 9.9), dot('far', 30), dot('beyond', 10.5)];
    const grid = new InterestGrid<Dot>(params);
    grid.rebuild(all);
    expect(names(grid.query(viewer, new Set(), []))).toEqual(['edge', 'near']);
  });

  it('keeps only the K nearest when more are in range', () => {
    const viewer = dot('viewer', 0);
    const others = [1, 2, 3, 4, 5, 6].map((d) => dot(`d${d}`, d));
    const grid = new InterestGrid<Dot>(params);
    grid.rebuild([viewer, ...others]);
    expect(names(grid.query(viewer, new Set(), []))).toEqual(['d1', 'd2', 'd3']);
  });

  it('does not flap an avatar pacing on the border (hysteresis on distance)', () => {
    const viewer = dot('viewer', 0);
    const pacer = dot('pacer', 9.5);
    const grid = new InterestGrid<Dot>(params);
    let visible = new Set<Dot>();
    const changes: string[] = [];
    for (let i = 0; i < 40; i++) {
      pacer.body.x = 9.5 + 2 * Math.abs(Math.sin(i / 3)); // paces between 9.5 and 11.5 m
      grid.rebuild([viewer, pacer]);
      const next = new Set(grid.query(viewer, visible, []));
      if (next.has(pacer) !== visible.has(pacer)) changes.push(`${i}:${next.has(pacer) ? 'in' : 'out'}`);
      visible = next;
    }
    expect(changes).toEqual(['0:in']);
    pacer.body.x = 12.5; // truly gone
    grid.rebuild([viewer, pacer]);
    expect(grid.query(viewer, visible, [])).toEqual([]);
  });

  it('does not flap at the K boundary (incumbents rank slightly nearer)', () => {
    const viewer = dot('viewer', 0);
    const fixed = [dot('a', 1), dot('b', 2)];
    const x = dot('x', 5);
    const y = dot('y', 5.3);
    const grid = new InterestGrid<Dot>(params);
    grid.rebuild([viewer, ...fixed, x, y]);
    const first = new Set(grid.query(viewer, new Set(), []));
    expect(names([...first])).toEqual(['a', 'b', 'x']);
    // y edges slightly nearer than x; within the bonus, x keeps its place.
    y.body.x = 4.7;
    grid.rebuild([viewer, ...fixed, x, y]);
    expect(names(grid.query(viewer, first, []))).toEqual(['a', 'b', 'x']);
    // Clearly nearer: y takes the place.
    y.body.x = 3.5;
    grid.rebuild([viewer, ...fixed, x, y]);
    expect(names(grid.query(viewer, first, []))).toEqual(['a', 'b', 'y']);
  });

  it('finds neighbours across cell borders and in negative coordinates', () => {
    const viewer = dot('viewer', -0.5, -0.5);
    const grid = new InterestGrid<Dot>(params);
    const across = dot('across', 0.5, 0.5);
    grid.rebuild([viewer, across, dot('far', -40, -40)]);
    expect(names(grid.query(viewer, new Set(), []))).toEqual(['across']);
  });

  it('refuses parameters that make no sense', () => {
    expect(
      () => new InterestGrid({ radius: 10, leaveRadius: 5, k: 3, incumbentFactor: 0.9, cellSize: 3 }),
    ).toThrow(/radius ≤ leaveRadius/);
  });
});

describe('selectSmallest', () => {
  it('puts the k smallest first for many random inputs', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 300);
      const k = 1 + Math.floor(random() * n);
      const scores = Float64Array.from({ length: n }, () => Math.floor(random() * 50));
      const order = Int32Array.from({ length: n }, (_, i) => i);
      selectSmallest(scores, order, n, k);
      const chosen = Array.from(order.slice(0, k), (i) => scores[i]!).sort((a, b) => a - b);
      const expected = Array.from(scores)
        .sort((a, b) => a - b)
        .slice(0, k);
      expect(chosen).toEqual(expected);
    }
  });
});

describe('InterestGrid against a brute-force reference', () => {
  it('picks the same K nearest in random crowds (early stop loses nothing)', () => {
    let seed = 99;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const p: InterestParams = { radius: 20, leaveRadius: 24, k: 8, incumbentFactor: 0.9, cellSize: 5 };
    for (let trial = 0; trial < 50; trial++) {
      const crowd = Array.from({ length: 200 }, (_, i) =>
        dot(`a${i}`, (random() * 2 - 1) * 40, (random() * 2 - 1) * 40),
      );
      const viewer = crowd[0]!;
      const current = new Set(crowd.filter(() => random() < 0.1));
      const grid = new InterestGrid<Dot>(p);
      grid.rebuild(crowd);
      const score = (d: Dot): number => {
        const d2 = (d.body.x - viewer.body.x) ** 2 + (d.body.z - viewer.body.z) ** 2;
        if (d2 > (current.has(d) ? p.leaveRadius ** 2 : p.radius ** 2)) return Number.POSITIVE_INFINITY;
        return current.has(d) ? d2 * p.incumbentFactor ** 2 : d2;
      };
      const expected = crowd
        .filter((d) => d !== viewer && Number.isFinite(score(d)))
        .sort((a, b) => score(a) - score(b))
        .slice(0, p.k)
        .map(score);
      const got = grid
        .query(viewer, current, [])
        .map(score)
        .sort((a, b) => a - b);
      expect(got).toEqual(expected);
    }
  });
});
