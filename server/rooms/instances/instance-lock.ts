/**
 * Instance numbers: every live instance of a world holds a number (1, 2, …) that no other live instance
 * of that world holds, even across processes. Colyseus' Redis driver cannot guarantee that (two processes
 * may create rooms at once), so the number is a lease: in Redis `SET key owner NX PX ttl`, renewed while
 * the room lives and released when it is disposed; a crashed process's leases expire after `ttlMs`.
 * Without Redis (one process) a map does the same.
 */
import { Redis } from 'ioredis';

export interface InstanceLock {
  /** Leases the lowest free instance number of `worldId` to `owner` (a room id). */
  claim(worldId: string, owner: string): Promise<number>;
  /** Extends the lease; false when it was lost (expired and maybe taken by another instance). */
  renew(worldId: string, instance: number, owner: string): Promise<boolean>;
  release(worldId: string, instance: number, owner: string): Promise<void>;
  close(): Promise<void>;
}

/** Most instances of one world. */
export const MAX_INSTANCES_PER_WORLD = 1000;
/** Lease length; rooms renew every third of it. */
export const INSTANCE_LEASE_MS = 15_000;

/** Renews a room's lease, logging (not throwing) when it was lost or could not be renewed. */
export function renewLease(
  lock: InstanceLock,
  lease: { worldId: string; instance: number; owner: string },
  log: { error(object: unknown, message?: string): void },
): void {
  lock.renew(lease.worldId, lease.instance, lease.owner).then(
    (held) => {
      if (!held) log.error({}, 'lost the lease on this instance number; another instance may now hold it');
    },
    (error: unknown) => log.error({ err: error }, 'renewing the instance number lease failed'),
  );
}

const keyOf = (worldId: string, instance: number): string => `mib:instance:${worldId}:${instance}`;

function noneFree(worldId: string): Error {
  return new Error(
    `instances: world ${worldId} already has ${MAX_INSTANCES_PER_WORLD} live instances; try again later`,
  );
}

export class LocalInstanceLock implements InstanceLock {
  private readonly owners = new Map<string, string>();

  claim(worldId: string, owner: string): Promise<number> {
    for (let instance = 1; instance <= MAX_INSTANCES_PER_WORLD; instance++) {
      const key = keyOf(worldId, instance);
      if (!this.owners.has(key)) {
        this.owners.set(key, owner);
        return Promise.resolve(instance);
      }
    }
    return Promise.reject(noneFree(worldId));
  }

  renew(worldId: string, instance: number, owner: string): Promise<boolean> {
    return Promise.resolve(this.owners.get(keyOf(worldId, instance)) === owner);
  }

  release(worldId: string, instance: number, owner: string): Promise<void> {
    const key = keyOf(worldId, instance);
    if (this.owners.get(key) === owner) this.owners.delete(key);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Only the owner may extend or drop its lease (compare-and-set in one round trip). */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisInstanceLock implements InstanceLock {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly ttlMs = INSTANCE_LEASE_MS,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2 });
  }

  async claim(worldId: string, owner: string): Promise<number> {
    for (let instance = 1; instance <= MAX_INSTANCES_PER_WORLD; instance++) {
      const won = await this.redis.set(keyOf(worldId, instance), owner, 'PX', this.ttlMs, 'NX');
      if (won === 'OK') return instance;
    }
    throw noneFree(worldId);
  }

  async renew(worldId: string, instance: number, owner: string): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, keyOf(worldId, instance), owner, String(this.ttlMs))) === 1;
  }

  async release(worldId: string, instance: number, owner: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, keyOf(worldId, instance), owner);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
