/**
 * The migration run scans every schema's tables (Kysely's introspector); another schema dropped during the
 * scan — whole, or table by table as `drop schema … cascade` works — is someone else's and worth a rescan;
 * the same errors about our own schema are not.
 */
import { describe, expect, it } from '@jest/globals';
import { droppedMeanwhile } from '../../server/db/migrate.js';

describe('droppedMeanwhile', () => {
  it("is true for another schema or another schema's table vanishing under the scan", () => {
    expect(droppedMeanwhile(new Error('schema "mib_test_2_ab" does not exist'), 'ours')).toBe(true);
    expect(
      droppedMeanwhile(new Error('relation "mib_test_3_8ec26965.nft_bindings" does not exist'), 'ours'),
    ).toBe(true);
  });

  it('is false for our own schema, a table without a schema, or any other error', () => {
    expect(droppedMeanwhile(new Error('schema "ours" does not exist'), 'ours')).toBe(false);
    expect(droppedMeanwhile(new Error('relation "ours.worlds" does not exist'), 'ours')).toBe(false);
    expect(droppedMeanwhile(new Error('relation "worlds" does not exist'), 'ours')).toBe(false);
    expect(droppedMeanwhile(new Error('syntax error at or near "x"'), 'ours')).toBe(false);
    expect(droppedMeanwhile('schema "x" does not exist', 'ours')).toBe(false);
  });
});
