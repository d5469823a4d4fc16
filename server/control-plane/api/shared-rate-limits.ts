/**
 * Rate-limit counters shared by every process through Redis (with REDIS_URL), so N processes behind a
 * balancer allow what one process would — not N times as much.
 *
 * Fixed windows: a key's first hit starts its window (`ttl`); hits beyond the limit are refused until the
 * window ends, or the block (`blockDuration`) if that is longer. A refused hit is counted too, so a caller
 * that keeps hammering stays refused for the whole window and no longer.
 *
 * Redis is not worth an outage: a counter Redis does not answer within COMMAND_TIMEOUT_MS is kept in this
 * process instead (limits per process, as without Redis) and that is logged once per outage; requests never
 * fail or wait long because of it. Hand-written because @nest-lab/throttler-storage-redis, the usual choice,
 * declares NestJS ≤ 11 as its peer.
 */
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** How long a request waits for Redis before its counter is kept in process, in milliseconds. */
export const COMMAND_TIMEOUT_MS = 250;

/** What ThrottlerStorage.increment answers (not exported by name from @nestjs/throttler's index). */
type CounterRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * KEYS[1] the counter; ARGV: window ms, limit, block ms. Returns {hits, ms left}. The first hit over the
 * limit stretches the key's life to the block duration when that is longer than what is left of the window.
 */
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
if hits == tonumber(ARGV[2]) + 1 and tonumber(ARGV[3]) > left then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  left = tonumber(ARGV[3])
end
return {hits, left}`;

export class SharedRateLimits implements ThrottlerStorage {
  private readonly redis: Redis;
  /** Where counters go while Redis does not answer. */
  private readonly local = new ThrottlerStorageService();
  private degradedSince: number | undefined;
  private lastShared = false;

  constructor(
    redisUrl: string,
    private readonly logger: Logger,
    /** Prefix of every counter's key in Redis. */
    private readonly prefix = 'mib:rate:',
  ) {
    this.redis = new Redis(redisUrl, {
      commandTimeout: COMMAND_TIMEOUT_MS,
      // Fail at once while disconnected instead of queueing: the local counter takes over.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    // Connection errors surface through the commands (and the readiness check); ioredis reconnects itself.
    this.redis.on('error', () => undefined);
  }

  /** Whether the last counter went to Redis (false while Redis does not answer, and before it first has). */
  get shared(): boolean {
    return this.lastShared;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<CounterRecord> {
    let answer: unknown;
    try {
      answer = await this.redis.eval(
        INCREMENT,
        1,
        this.prefix + key,
        String(ttl),
        String(limit),
        String(blockDuration),
      );
    } catch (error) {
      this.lastShared = false;
      this.degraded(error as Error);
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    }
    this.lastShared = true;
    this.recovered();
    const [hits, leftMs] = answer as [number, number];
    const seconds = Math.max(1, Math.ceil(leftMs / 1000));
    const isBlocked = hits > limit;
    return { totalHits: hits, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
  }

  /** Closes the connection to Redis (the server's shutdown). */
  async close(): Promise<void> {
    this.local.onApplicationShutdown();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private degraded(error: Error): void {
    if (this.degradedSince !== undefined) return;
    this.degradedSince = Date.now();
    this.logger.warn(
      { err: error.message },
      'rate limits: Redis is not answering, so each process counts on its own until it is back',
    );
  }

  private recovered(): void {
    if (this.degradedSince === undefined) return;
    this.logger.info(
      { afterMs: Date.now() - this.degradedSince },
      'rate limits: Redis answers again; counters are shared again',
    );
    this.degradedSince = undefined;
  }
}
