/**
 * Instance-number leases, on real Redis (two connections standing in for two processes) and in memory:
 * concurrent claims never share a number, only the owner renews or releases, and a dead owner's lease
 * expires.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  LocalInstanceLock,
  RedisInstanceLock,
  type InstanceLock,
} from '../../server/rooms/instances/instance-lock.js';
import { createRedisDatabase } from '../helpers/services.js';

const opened: InstanceLock[] = [];
afterAll(async () => {
  await Promise.all(opened.map((lock) => lock.close()));
});

async function redisPair(ttlMs = 15_000): Promise<[InstanceLock, InstanceLock]> {
  const url = await createRedisDatabase();
  const pair: [InstanceLock, InstanceLock] = [
    new RedisInstanceLock(url, ttlMs),
    new RedisInstanceLock(url, ttlMs),
  ];
  opened.push(...pair);
  return pair;
}

describe.each([
  ['Redis', () => redisPair()],
  [
    'memory',
    () => {
      const shared = new LocalInstanceLock();
      return Promise.resolve([shared, shared] as [InstanceLock, InstanceLock]);
    },
  ],
] as const)('instance leases (%s)', (_name, open) => {
  it('hand out distinct numbers to concurrent claims from two processes', async () => {
    const [a, b] = await open();
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).claim('world-1', `room-${i}`)),
    );
    expect(new Set(claims).size).toBe(20);
    expect([...claims].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('let only the owner renew or release, and reuse the lowest released number', async () => {
    const [a, b] = await open();
    const first = await a.claim('world-2', 'room-a');
    const second = await b.claim('world-2', 'room-b');
    expect([first, second]).toEqual([1, 2]);
    expect(await b.renew('world-2', first, 'room-b')).toBe(false);
    expect(await a.renew('world-2', first, 'room-a')).toBe(true);
    await b.release('world-2', first, 'room-b'); // not the owner: no effect
    expect(await b.claim('world-2', 'room-c')).toBe(3);
    await a.release('world-2', first, 'room-a');
    expect(await b.claim('world-2', 'room-d')).toBe(1);
  });
});

describe('instance leases on Redis', () => {
  it('expire when their owner stops renewing (a crashed process)', async () => {
    const [a, b] = await redisPair(200);
    expect(await a.claim('world-3', 'room-dead')).toBe(1);
    expect(await b.claim('world-3', 'room-live')).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await b.claim('world-3', 'room-new')).toBe(1);
    expect(await a.renew('world-3', 1, 'room-dead')).toBe(false);
  });
});
