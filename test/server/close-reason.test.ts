/** Close reasons fit a WebSocket close frame (123 bytes): a long ban or gate reason must not break removal. */
import { describe, expect, it } from '@jest/globals';
import { closeReason } from '../../server/rooms/close-codes.js';

describe('closeReason', () => {
  it('keeps a short reason and cuts a long one on a character boundary', () => {
    expect(closeReason('spam')).toBe('spam');
    const long = 'é'.repeat(300);
    const cut = closeReason(long);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(123);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.startsWith('éé')).toBe(true);
    expect(cut).not.toContain('\uFFFD');
  });
});
