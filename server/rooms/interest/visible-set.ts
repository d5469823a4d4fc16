/**
 * The avatars one viewer sees, with when each was last sent to it. A map for membership plus dense typed
 * arrays (netId and last-sent tick per member) for the per-tick send loop: for each of up to K avatars of
 * each of a thousand viewers, twenty times a second, that loop reads two numbers from arrays that sit
 * together in memory instead of chasing objects across the heap. Removal swaps the last member into the
 * hole (order does not matter).
 */
export interface HasNetId {
  netId: number;
}

export class VisibleSet<V extends HasNetId> {
  /** Members in slot order (parallel to `netIds` and `lastSent`); read-only outside this class. */
  readonly members: V[] = [];
  /** netId of each member, by slot. */
  netIds = new Int32Array(16);
  /** Tick each member's position was last sent to this viewer (-1: not yet), by slot. */
  lastSent = new Int32Array(16);
  private readonly slotOf = new Map<V, number>();

  get size(): number {
    return this.members.length;
  }

  has(other: V): boolean {
    return this.slotOf.has(other);
  }

  /** Adds `other` as not yet sent; no-op when present. */
  add(other: V): void {
    if (this.slotOf.has(other)) return;
    const slot = this.members.length;
    if (slot === this.netIds.length) this.grow();
    this.members.push(other);
    this.netIds[slot] = other.netId;
    this.lastSent[slot] = -1;
    this.slotOf.set(other, slot);
  }

  delete(other: V): boolean {
    const slot = this.slotOf.get(other);
    if (slot === undefined) return false;
    this.slotOf.delete(other);
    const lastSlot = this.members.length - 1;
    const last = this.members.pop()!;
    if (slot !== lastSlot) {
      this.members[slot] = last;
      this.netIds[slot] = this.netIds[lastSlot]!;
      this.lastSent[slot] = this.lastSent[lastSlot]!;
      this.slotOf.set(last, slot);
    }
    return true;
  }

  clear(): void {
    this.members.length = 0;
    this.slotOf.clear();
  }

  /** Marks every position as unsent (the viewer's client starts from a blank picture). */
  resetSent(): void {
    this.lastSent.fill(-1, 0, this.members.length);
  }

  keys(): IterableIterator<V> {
    return this.slotOf.keys();
  }

  private grow(): void {
    const netIds = new Int32Array(this.netIds.length * 2);
    netIds.set(this.netIds);
    this.netIds = netIds;
    const lastSent = new Int32Array(this.lastSent.length * 2);
    lastSent.set(this.lastSent);
    this.lastSent = lastSent;
  }
}
