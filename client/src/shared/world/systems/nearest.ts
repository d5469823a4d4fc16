/**
 * Keeps the k nearest of the items offered to it (by squared distance), in fixed arrays: no allocation
 * once built, O(n·k) per pass, which beats sorting for the small k the player uses (near avatars, tags).
 */
export class NearestPicker<T> {
  private readonly items: T[] = [];
  private readonly distances: Float64Array;
  private size = 0;

  constructor(readonly k: number) {
    this.distances = new Float64Array(Math.max(1, k));
  }

  reset(): void {
    this.size = 0;
  }

  /** Offers an item at squared distance `d2`; kept if it is among the k nearest so far. */
  offer(item: T, d2: number): void {
    const { k } = this;
    if (k === 0 || (this.size === k && d2 >= this.distances[k - 1]!)) return;
    let slot = Math.min(this.size, k - 1);
    while (slot > 0 && this.distances[slot - 1]! > d2) {
      this.distances[slot] = this.distances[slot - 1]!;
      this.items[slot] = this.items[slot - 1]!;
      slot -= 1;
    }
    this.distances[slot] = d2;
    this.items[slot] = item;
    if (this.size < k) this.size += 1;
  }

  get count(): number {
    return this.size;
  }

  /** The i-th nearest (0 = nearest) of this pass. */
  at(index: number): T {
    return this.items[index]!;
  }
}
