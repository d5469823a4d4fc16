/**
 * Area of interest: which other avatars a viewer should see. A uniform grid buckets avatars by position so
 * a query only looks at the 3 × 3 cells around the viewer; from those it keeps the K nearest within the
 * radius. Hysteresis keeps borders from flapping: an avatar already in view stays until it is beyond
 * `leaveRadius` (not `radius`), and ranks as if `incumbentBonus` nearer than it is.
 * Allocation-free per query: buckets and scratch arrays are reused.
 */
import type { AvatarBody } from '../../../protocol/index.js';

export interface InterestParams {
  /** An avatar enters a viewer's interest within this distance, in metres. */
  radius: number;
  /** An avatar already in interest leaves beyond this distance, in metres (≥ radius). */
  leaveRadius: number;
  /** Most avatars in one viewer's interest. */
  k: number;
  /** Distance advantage of avatars already in interest when ranking for the K cap, in metres. */
  incumbentBonus: number;
}

export const DEFAULT_INTEREST: InterestParams = { radius: 40, leaveRadius: 48, k: 64, incumbentBonus: 4 };

export interface Placed {
  body: AvatarBody;
}

const CELL_OFFSET = 32768;
const cellKey = (cx: number, cz: number): number => (cx + CELL_OFFSET) * 65536 + (cz + CELL_OFFSET);

export class InterestGrid<E extends Placed> {
  private readonly buckets = new Map<number, E[]>();
  private readonly cellSize: number;
  private candidates: E[] = [];
  private scores = new Float64Array(256);
  private order = new Int32Array(256);

  constructor(private readonly params: InterestParams) {
    if (!(params.leaveRadius >= params.radius && params.radius > 0 && params.k >= 0)) {
      throw new Error(
        `interest: need 0 < radius ≤ leaveRadius and k ≥ 0 (got radius ${params.radius}, leaveRadius ${params.leaveRadius}, k ${params.k})`,
      );
    }
    this.cellSize = params.leaveRadius;
  }

  /** Re-buckets every entity at its current position. Call once per tick before querying. */
  rebuild(entities: Iterable<E>): void {
    for (const bucket of this.buckets.values()) bucket.length = 0;
    for (const entity of entities) {
      const key = cellKey(
        Math.floor(entity.body.x / this.cellSize),
        Math.floor(entity.body.z / this.cellSize),
      );
      let bucket = this.buckets.get(key);
      if (!bucket) {
        bucket = [];
        this.buckets.set(key, bucket);
      }
      bucket.push(entity);
    }
  }

  /**
   * Fills `out` with the entities `viewer` should see: the K best-ranked within range, never the viewer
   * itself. `current` is what the viewer sees now (for hysteresis). Order of `out` is unspecified.
   */
  query(viewer: E, current: ReadonlySet<E>, out: E[]): E[] {
    out.length = 0;
    const { radius, leaveRadius, k, incumbentBonus } = this.params;
    if (k === 0) return out;
    const enter2 = radius * radius;
    const leave2 = leaveRadius * leaveRadius;
    const vx = viewer.body.x;
    const vz = viewer.body.z;
    const cx = Math.floor(vx / this.cellSize);
    const cz = Math.floor(vz / this.cellSize);
    const candidates = this.candidates;
    candidates.length = 0;
    let n = 0;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dz = -1; dz <= 1; dz++) {
        const bucket = this.buckets.get(cellKey(cx + dx, cz + dz));
        if (!bucket) continue;
        for (const entity of bucket) {
          if (entity === viewer) continue;
          const ex = entity.body.x - vx;
          const ez = entity.body.z - vz;
          const d2 = ex * ex + ez * ez;
          const incumbent = current.has(entity);
          if (d2 > (incumbent ? leave2 : enter2)) continue;
          if (n >= this.scores.length) this.grow();
          this.scores[n] = incumbent ? Math.sqrt(d2) - incumbentBonus : Math.sqrt(d2);
          this.order[n] = n;
          candidates.push(entity);
          n++;
        }
      }
    }
    if (n > k) selectSmallest(this.scores, this.order, n, k);
    const take = Math.min(n, k);
    for (let i = 0; i < take; i++) out.push(candidates[this.order[i]!]!);
    return out;
  }

  private grow(): void {
    const scores = new Float64Array(this.scores.length * 2);
    scores.set(this.scores);
    const order = new Int32Array(this.order.length * 2);
    order.set(this.order);
    this.scores = scores;
    this.order = order;
  }
}

/**
 * Partially orders `order[0..n)` so its first k entries index the k smallest `scores` (quickselect,
 * O(n) on average; deterministic middle pivot).
 */
export function selectSmallest(scores: Float64Array, order: Int32Array, n: number, k: number): void {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = scores[order[(lo + hi) >>> 1]!]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (scores[order[i]!]! < pivot) i++;
      while (scores[order[j]!]! > pivot) j--;
      if (i <= j) {
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
        i++;
        j--;
      }
    }
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else return;
  }
}
