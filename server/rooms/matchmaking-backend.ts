/**
 * Where room presence and room listings live: in this process by default, in Redis when REDIS_URL is set
 * (so several processes share matchmaking). Chosen once at boot; the rooms are the same either way.
 */
import { LocalDriver, LocalPresence, type MatchMakerDriver, type Presence } from '@colyseus/core';
import { RedisDriver } from '@colyseus/redis-driver';
import { RedisPresence } from '@colyseus/redis-presence';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { redactUrl } from '../db/index.js';
import { LocalInstanceLock, RedisInstanceLock, type InstanceLock } from './instances/instance-lock.js';

/** Listeners one presence channel may hold before Node warns (joins waiting on one world at once). */
const CONCURRENT_JOIN_LISTENERS = 2_000;

export interface MatchmakingBackend {
  kind: 'local' | 'redis';
  /** REDIS_URL when kind is 'redis' (the process heartbeat opens its own connection). */
  redisUrl?: string;
  presence: Presence;
  driver: MatchMakerDriver;
  /** Instance-number leases, shared by every process of the deployment. */
  instanceLock: InstanceLock;
  /** Resolves when presence answers a round trip. */
  ping(): Promise<void>;
}

export class PresenceUnavailableError extends Error {
  override name = 'PresenceUnavailableError';
}

async function assertRedisReachable(url: string): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined); // reported below through connect()'s rejection
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new PresenceUnavailableError(
      `REDIS_URL=${redactUrl(url)} cannot be reached (${(error as Error).message}): start Redis or fix the URL, or unset REDIS_URL to run a single process without Redis`,
      { cause: error },
    );
  } finally {
    probe.disconnect();
  }
}

export async function createMatchmakingBackend(
  config: Pick<AppConfig, 'redisUrl'>,
): Promise<MatchmakingBackend> {
  let kind: MatchmakingBackend['kind'] = 'local';
  let presence: Presence;
  let driver: MatchMakerDriver;
  let instanceLock: InstanceLock;
  if (config.redisUrl) {
    await assertRedisReachable(config.redisUrl);
    kind = 'redis';
    presence = new RedisPresence(config.redisUrl);
    driver = new RedisDriver(config.redisUrl);
    instanceLock = new RedisInstanceLock(config.redisUrl);
  } else {
    presence = new LocalPresence();
    driver = new LocalDriver();
    instanceLock = new LocalInstanceLock();
  }
  // Every joinOrCreate that waits for a room being created subscribes to one channel; a burst of joins to
  // one world (a thousand visitors arriving) is many listeners by design, not a leak, and Node's warning
  // at 11 would say otherwise in the server's log.
  presence.setMaxListeners(CONCURRENT_JOIN_LISTENERS);
  const key = `mib:readyz:${process.pid}:${Math.random().toString(36).slice(2)}`;
  const ping = async (): Promise<void> => {
    await presence.setex(key, 'ok', 5);
    const value: unknown = await presence.get(key);
    if (value !== 'ok') throw new Error('presence did not return what was just written');
  };
  return { kind, redisUrl: config.redisUrl, presence, driver, instanceLock, ping };
}
