/**
 * Area of interest: which other avatars a viewer should see — the K nearest within the radius. A uniform
 * grid buckets avatars by position; a query scans rings of cells outward from the viewer and stops as soon
 * as nothing farther could make the K (in a crowd that is a few metres, not the whole radius).
 * Hysteresis keeps borders from flapping: an avatar already in view stays until it is beyond
 * `leaveRadius` (not `radius`), and ranks as if it were `incumbentFactor` times its distance.
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
  /**
   * Avatars already in interest rank as if this fraction of their distance away (0 < f ≤ 1), so one
   * newcomer edging slightly nearer does not swap places with them.
   */
  incumbentFactor: number;
  /** Side of a grid cell, in metres; smaller than the radius so crowded queries stop early. */
  cellSize: number;
}

/** What the viewer sees now (a Set, or a Map keyed by entity). */
export interface Membership<E> {
  has(entity: E): boolean;
}

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
    const { radius, leaveRadius, k, incumbentFactor, cellSize } = params;
    if (!(
      leaveRadius >= radius &&
      radius > 0 &&
      k >= 0 &&
      incumbentFactor > 0 &&
      incumbentFactor <= 1 &&
      cellSize > 0
    )) {
      throw new Error(
        `interest: need 0 < radius ≤ leaveRadius, k ≥ 0, 0 < incumbentFactor ≤ 1 and cellSize > 0 (got ${JSON.stringify(params)})`,
      );
    }
    this.cellSize = cellSize;
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
  query(viewer: E, current: Membership<E>, out: E[]): E[] {
    out.length = 0;
    const { radius, leaveRadius, k, incumbentFactor } = this.params;
    if (k === 0) return out;
    const enter2 = radius * radius;
    const leave2 = leaveRadius * leaveRadius;
    const factor2 = incumbentFactor * incumbentFactor;
    const vx = viewer.body.x;
    const vz = viewer.body.z;
    const cx = Math.floor(vx / this.cellSize);
    const cz = Math.floor(vz / this.cellSize);
    const maxRing = Math.ceil(leaveRadius / this.cellSize);
    const candidates = this.candidates;
    candidates.length = 0;
    let n = 0;
    for (let ring = 0; ring <= maxRing; ring++) {
      for (let dx = -ring; dx <= ring; dx++) {
        const edge = dx === -ring || dx === ring;
        for (let dz = -ring; dz <= ring; dz += edge ? 1 : 2 * ring) {
          const bucket = this.buckets.get(cellKey(cx + dx, cz + dz));
          if (bucket) n = this.collect(bucket, viewer, current, vx, vz, enter2, leave2, factor2, n);
          if (ring === 0) break;
        }
      }
      // Everything not yet scanned is farther than `covered`; stop once K candidates rank ahead of it.
      const covered = ring * this.cellSize;
      const beyond = covered * covered * factor2;
      if (n >= k && covered > 0) {
        let ahead = 0;
        for (let i = 0; i < n && ahead < k; i++) if (this.scores[i]! <= beyond) ahead++;
        if (ahead >= k) break;
      }
    }
    if (n > k) selectSmallest(this.scores, this.order, n, k);
    const take = Math.min(n, k);
    for (let i = 0; i < take; i++) out.push(candidates[this.order[i]!]!);
    return out;
  }

  /** Adds the bucket's entities that are in range to the candidates (scores are squared distances). */
  private collect(
    bucket: E[],
    viewer: E,
    current: Membership<E>,
    vx: number,
    vz: number,
    enter2: number,
    leave2: number,
    factor2: number,
    n: number,
  ): number {
    for (const entity of bucket) {
      if (entity === viewer) continue;
      const ex = entity.body.x - vx;
      const ez = entity.body.z - vz;
      const d2 = ex * ex + ez * ez;
      if (d2 > leave2) continue;
      const incumbent = current.has(entity);
      if (!incumbent && d2 > enter2) continue;
      if (n >= this.scores.length) this.grow();
      this.scores[n] = incumbent ? d2 * factor2 : d2;
      this.order[n] = n;
      this.candidates.push(entity);
      n++;
    }
    return n;
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
