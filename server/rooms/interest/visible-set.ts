/**
 * The avatars one viewer sees, with when each was last sent to it. A map for membership plus a dense array
 * of slots for the per-tick send loop, so that loop runs over an array and writes a field — no closure, no
 * map write, no allocation — for each of up to K avatars of each of a thousand viewers, twenty times a
 * second. Removal swaps the last slot into the hole (order does not matter).
 */
export interface VisibleSlot<V> {
  other: V;
  /** Tick the other's position was last sent to this viewer (-1: not yet). */
  lastSent: number;
  /** This slot's position in `slots`. */
  index: number;
}

export class VisibleSet<V> {
  /** Dense, in no particular order; read-only outside this class. */
  readonly slots: VisibleSlot<V>[] = [];
  private readonly byOther = new Map<V, VisibleSlot<V>>();

  get size(): number {
    return this.slots.length;
  }

  has(other: V): boolean {
    return this.byOther.has(other);
  }

  /** Adds `other` as not yet sent; no-op when present. */
  add(other: V): void {
    if (this.byOther.has(other)) return;
    const slot: VisibleSlot<V> = { other, lastSent: -1, index: this.slots.length };
    this.slots.push(slot);
    this.byOther.set(other, slot);
  }

  delete(other: V): boolean {
    const slot = this.byOther.get(other);
    if (!slot) return false;
    this.byOther.delete(other);
    const last = this.slots.pop()!;
    if (last !== slot) {
      last.index = slot.index;
      this.slots[slot.index] = last;
    }
    return true;
  }

  clear(): void {
    this.slots.length = 0;
    this.byOther.clear();
  }

  /** Marks every position as unsent (the viewer's client starts from a blank picture). */
  resetSent(): void {
    for (const slot of this.slots) slot.lastSent = -1;
  }

  keys(): IterableIterator<V> {
    return this.byOther.keys();
  }
}
