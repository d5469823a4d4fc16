/** The dense visible set behind the per-tick send loop: membership, members and typed arrays stay in step. */
import { describe, expect, it } from '@jest/globals';
import { VisibleSet } from '../../server/rooms/interest/visible-set.js';

interface Member {
  netId: number;
}

describe('VisibleSet', () => {
  it('keeps membership, members and their netIds in step through adds, removals, growth and clears', () => {
    const set = new VisibleSet<Member>();
    const pool = Array.from({ length: 40 }, (_, netId) => ({ netId }));
    const model = new Set<Member>();
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 2_000; i++) {
      const member = pool[Math.floor(random() * pool.length)]!;
      if (random() < 0.55) {
        set.add(member);
        model.add(member);
      } else expect(set.delete(member)).toBe(model.delete(member));
      if (i % 500 === 499) {
        set.clear();
        model.clear();
      }
      expect(set.size).toBe(model.size);
      expect(new Set(set.members)).toEqual(model);
      set.members.forEach((m, slot) => expect(set.netIds[slot]).toBe(m.netId));
      for (const m of pool) expect(set.has(m)).toBe(model.has(m));
    }
  });

  it('adds as unsent, keeps a member’s send mark through other removals, and resets every mark', () => {
    const set = new VisibleSet<Member>();
    const [a, b, c] = [{ netId: 1 }, { netId: 2 }, { netId: 3 }];
    set.add(a);
    set.add(b);
    set.add(c);
    set.lastSent[set.members.indexOf(c)] = 12;
    set.add(c);
    set.delete(a); // c moves into a's slot, with its mark
    expect(set.lastSent[set.members.indexOf(c)]).toBe(12);
    expect(set.lastSent[set.members.indexOf(b)]).toBe(-1);
    set.resetSent();
    expect([...set.lastSent.subarray(0, set.size)]).toEqual([-1, -1]);
  });
});
