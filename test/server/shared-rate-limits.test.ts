/**
 * Rate limits shared through Redis: two server processes on one Redis allow together what one would, and a
 * Redis that does not answer never fails a request — each process then counts on its own.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { SharedRateLimits } from '../../server/control-plane/index.js';
import { apiClient, guestAccount, problem, sdk } from '../helpers/api.js';
import { createPostgresSchema, createRedisDatabase, type PostgresSchema } from '../helpers/services.js';
import { freePort, startSharedServerProcess, type ServerProcess } from '../helpers/server-process.js';

const GUESTS_PER_MINUTE = 5;

function capturingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

describe('two processes on one Redis', () => {
  let schema: PostgresSchema;
  let a: ServerProcess;
  let b: ServerProcess;

  const startProcess = (redisUrl: string): Promise<ServerProcess> =>
    startSharedServerProcess(schema.url, redisUrl, {
      RATE_LIMIT_GUESTS_PER_MINUTE: String(GUESTS_PER_MINUTE),
    });

  beforeAll(async () => {
    schema = await createPostgresSchema();
    const redisUrl = await createRedisDatabase();
    [a, b] = await Promise.all([startProcess(redisUrl), startProcess(redisUrl)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await schema?.drop();
  });

  it('count one address’s new guests together: what one process allowed, the other does not allow again', async () => {
    for (let i = 0; i < 3; i += 1) await guestAccount(a.url, `On A ${i}`);
    for (let i = 0; i < 2; i += 1) await guestAccount(b.url, `On B ${i}`);
    for (const server of [a, b]) {
      const refused = await problem(
        sdk.authGuest({ client: apiClient(server.url), body: { displayName: 'Sixth' } }),
      );
      expect(refused.status).toBe(429);
      expect(refused.body.detail).toMatch(/^too many new guests from this address \(5 a minute;/);
    }
  });
});

describe('SharedRateLimits', () => {
  const storages: SharedRateLimits[] = [];
  const servers: net.Server[] = [];
  afterAll(async () => {
    await Promise.all(storages.map((storage) => storage.close()));
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });
  const storage = (url: string) => {
    const { logger, lines } = capturingLogger();
    const made = new SharedRateLimits(url, logger, `test:${process.pid}:`);
    storages.push(made);
    return { storage: made, lines };
  };
  /** The first commands may find the connection still opening (they count in process): wait it out. */
  const untilConnected = async (limits: SharedRateLimits) => {
    for (let i = 0; i < 100 && !limits.shared; i += 1) {
      await limits.increment(`warm-up:${i}`, 60_000, 10, 60_000, 'warm-up');
      if (!limits.shared) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!limits.shared) throw new Error('Redis did not answer the rate limits within 5 s');
  };

  it('refuses the hit after the limit until the window ends, with the seconds left', async () => {
    const url = await createRedisDatabase();
    const first = storage(url).storage;
    const second = storage(url).storage;
    await untilConnected(first);
    await untilConnected(second);
    const hits = [];
    for (let i = 0; i < 4; i += 1)
      hits.push(await (i % 2 ? second : first).increment('k1', 60_000, 3, 60_000, 'writes'));
    expect(hits.map((hit) => [hit.totalHits, hit.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(hits[3]!.timeToBlockExpire).toBeGreaterThan(50);
    expect(hits[3]!.timeToBlockExpire).toBeLessThanOrEqual(60);
    // A short window ends and lets the caller in again.
    await first.increment('k2', 300, 1, 300, 'writes');
    expect((await second.increment('k2', 300, 1, 300, 'writes')).isBlocked).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await second.increment('k2', 300, 1, 300, 'writes')).isBlocked).toBe(false);
  });

  it('holds a block longer than the window when asked to', async () => {
    const limits = storage(await createRedisDatabase()).storage;
    await untilConnected(limits);
    await limits.increment('k3', 1_000, 1, 120_000, 'auth');
    const blocked = await limits.increment('k3', 1_000, 1, 120_000, 'auth');
    expect(blocked.isBlocked).toBe(true);
    expect(blocked.timeToBlockExpire).toBeGreaterThan(100);
  });

  it('counts in process, and says so once, when nothing listens at REDIS_URL', async () => {
    const { storage: limits, lines } = storage(`redis://127.0.0.1:${await freePort()}`);
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await limits.increment('k4', 60_000, 2, 60_000, 'writes'));
    expect(answers.map((answer) => answer.isBlocked)).toEqual([false, false, true]);
    const warnings = lines.filter((line) => line.includes('Redis is not answering'));
    expect(warnings).toHaveLength(1);
  });

  it('does not hang a request on a Redis that accepts connections and never answers', async () => {
    const silent = net.createServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const { storage: limits, lines } = storage(`redis://127.0.0.1:${port}`);
    const answer = await limits.increment('k5', 60_000, 5, 60_000, 'writes');
    expect(answer).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(limits.shared).toBe(false);
    expect(lines.some((line) => line.includes('Redis is not answering'))).toBe(true);
  });
});
