/**
 * bench:collab's lost-edit checker: a marker missing from the final draft counts as lost unless a later or
 * concurrent write to the same property, or the entity's deletion, explains it — a planted loss is caught.
 */
import { describe, expect, it } from '@jest/globals';
import { CONCURRENT_MS, lostEdits } from '../../bench/collab/checker.js';
import type { Marked } from '../../bench/collab/edits.js';

const rename = (marker: string, entity: string, at: number, editor = 0): Marked => ({
  marker,
  entity,
  property: 'name',
  at,
  editor,
});
const entity = (name: string, x = 0) => ({ name, transform: { position: [x, 0, 0] } });

describe('the lost-edit checker', () => {
  it('catches a planted loss: an accepted rename that nothing overwrote, missing at the end', () => {
    const edits = [rename('m0-1', 'lamp', 1_000)];
    expect(lostEdits(edits, { lamp: entity('lamp') })).toEqual(edits);
  });

  it('does not count a rename a later write replaced, or one whose entity was deleted', () => {
    const edits = [
      rename('m0-1', 'lamp', 1_000),
      rename('m1-1', 'lamp', 5_000, 1),
      rename('m0-2', 'bench', 1),
    ];
    expect(lostEdits(edits, { lamp: entity('m1-1') })).toEqual([]);
  });

  it('counts concurrent writes to one property as either winning, and an earlier one as lost', () => {
    const concurrent = [rename('m0-1', 'lamp', 1_000), rename('m1-1', 'lamp', 1_000 + CONCURRENT_MS / 2, 1)];
    expect(lostEdits(concurrent, { lamp: entity('m0-1') })).toEqual([]);
    const stale = [rename('m0-1', 'lamp', 10_000), rename('m1-1', 'lamp', 1_000, 1)];
    expect(lostEdits(stale, { lamp: entity('m1-1') })).toEqual([stale[0]]);
  });

  it('reads a move’s marker from the position', () => {
    const move: Marked = { marker: 'x100007', entity: 'lamp', property: 'position', at: 0, editor: 1 };
    expect(lostEdits([move], { lamp: entity('lamp', 100_007) })).toEqual([]);
    expect(lostEdits([move], { lamp: entity('lamp', 3) })).toEqual([move]);
  });
});
