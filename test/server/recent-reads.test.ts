/**
 * Join admission's short-lived reads (server/rooms/recent-reads.ts): one read shared by a burst, kept for
 * its time and no longer, failures never kept.
 */
import { describe, expect, it } from '@jest/globals';
import { RecentReads } from '../../server/rooms/recent-reads.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('recent reads', () => {
  it('shares one read among a burst and keeps it for its time, then reads again', async () => {
    const reads = new RecentReads<number>(150);
    let loads = 0;
    const load = async () => {
      await sleep(20);
      return ++loads;
    };
    expect(await Promise.all([reads.read('w', load), reads.read('w', load), reads.read('w', load)])).toEqual([
      1, 1, 1,
    ]);
    expect(await reads.read('w', load)).toBe(1);
    expect(await reads.read('other', load)).toBe(2); // per key
    await sleep(200);
    expect(await reads.read('w', load)).toBe(3);
  });

  it('never keeps a failed read: the next join reads again', async () => {
    const reads = new RecentReads<string>(10_000);
    let fail = true;
    const load = () => (fail ? Promise.reject(new Error('world "w" not found')) : Promise.resolve('found'));
    await expect(reads.read('w', load)).rejects.toThrow('not found');
    fail = false;
    expect(await reads.read('w', load)).toBe('found');
  });
});
