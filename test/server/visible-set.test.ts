/** The dense visible set behind the per-tick send loop: membership and slots stay in step. */
import { describe, expect, it } from '@jest/globals';
import { VisibleSet } from '../../server/rooms/interest/visible-set.js';

describe('VisibleSet', () => {
  it('keeps membership and dense slots in step through adds, removals and clears', () => {
    const set = new VisibleSet<string>();
    const model = new Set<string>();
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 2_000; i++) {
      const key = `a${Math.floor(random() * 40)}`;
      if (random() < 0.55) {
        set.add(key);
        model.add(key);
      } else expect(set.delete(key)).toBe(model.delete(key));
      if (i % 500 === 499) {
        set.clear();
        model.clear();
      }
      expect(set.size).toBe(model.size);
      expect(set.slots.map((s) => s.other).sort()).toEqual([...model].sort());
      set.slots.forEach((slot, index) => expect(slot.index).toBe(index));
    }
  });

  it('adds as unsent, keeps the send mark of members, and resets every mark', () => {
    const set = new VisibleSet<string>();
    set.add('a');
    set.slots[0]!.lastSent = 12;
    set.add('a');
    expect(set.slots[0]!.lastSent).toBe(12);
    set.add('b');
    set.resetSent();
    expect(set.slots.map((s) => s.lastSent)).toEqual([-1, -1]);
  });
});
