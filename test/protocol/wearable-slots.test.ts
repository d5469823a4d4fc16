/** Where a worn token's model sits, read from its metadata: only the known slots, anything else the head. */
import { describe, expect, it } from '@jest/globals';
import { slotFromAttributes, wearableSlot } from '../../protocol/index.js';

describe('wearable slots', () => {
  it('reads the "slot" attribute of a token’s metadata', () => {
    expect(
      slotFromAttributes([
        { trait_type: 'Rarity', value: 'rare' },
        { trait_type: 'Slot', value: ' Hand ' },
      ]),
    ).toBe('hand');
    expect(slotFromAttributes([{ trait_type: 'slot', value: 'back' }])).toBe('back');
  });

  it('wears anything else on the head', () => {
    expect(slotFromAttributes(undefined)).toBe('head');
    expect(slotFromAttributes('hand')).toBe('head');
    expect(slotFromAttributes([null, 7, { trait_type: 'slot', value: 'tail' }])).toBe('head');
    expect(slotFromAttributes([{ trait_type: 'slot', value: { hand: true } }])).toBe('head');
    expect(wearableSlot('')).toBe('head');
  });
});
