/**
 * Reads kept for a moment: joins come in bursts (a crowd arriving, clients rejoining after a blip, an
 * attacker reconnecting in a loop), and each one read the same world and organization rows — on the
 * embedded database that work runs on the rooms' own thread. A read is shared by the joins that ask while
 * it is in flight and kept `ttlMs` after it lands; a failed read is not kept. Entries go when they expire
 * (swept as new keys arrive), so the map holds at most the keys asked for within `ttlMs`.
 */
export class RecentReads<V> {
  private readonly entries = new Map<string, { value: Promise<V>; until: number }>();

  constructor(private readonly ttlMs: number) {}

  read(key: string, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const kept = this.entries.get(key);
    if (kept && kept.until > now) return kept.value;
    if (!kept) this.sweep(now);
    const value = load();
    // Until it lands the read is shared; once it lands it is kept ttlMs from then; a failure is dropped.
    const entry = { value, until: Number.POSITIVE_INFINITY };
    this.entries.set(key, entry);
    value.then(
      () => (entry.until = Date.now() + this.ttlMs),
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.entries) if (entry.until <= now) this.entries.delete(key);
  }
}
