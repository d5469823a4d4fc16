/**
 * Real services for integration tests: PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.
 * A missing service fails the test with a message that says how to start it; it never passes silently.
 * Each test file gets its own PostgreSQL schema and its own Redis database, so files run in parallel.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

export const POSTGRES_BASE_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_BASE_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface PostgresSchema {
  /** A DATABASE_URL whose connections use only this schema. */
  url: string;
  schema: string;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_BASE_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `test needs PostgreSQL at ${POSTGRES_BASE_URL} but it is not reachable (${(error as Error).message}); ` +
        `start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
      { cause: error },
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty schema and returns a DATABASE_URL that uses it (via search_path). */
export async function createPostgresSchema(): Promise<PostgresSchema> {
  const schema = `mib_test_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create schema ${schema}`);
  const url = new URL(POSTGRES_BASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    schema,
    drop: () => adminQuery(`drop schema if exists ${schema} cascade`),
  };
}

/**
 * A Redis database of this jest worker's own (1–15), emptied first. Colyseus keeps fixed key names, so
 * parallel files must not share a database.
 */
export async function createRedisDatabase(): Promise<string> {
  const db = 1 + (Number(process.env.JEST_WORKER_ID ?? '1') % 15);
  const url = `${REDIS_BASE_URL}/${db}`;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.flushdb();
  } catch (error) {
    throw new Error(
      `test needs Redis at ${REDIS_BASE_URL} but it is not reachable (${(error as Error).message}); ` +
        `start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`,
      { cause: error },
    );
  } finally {
    redis.disconnect();
  }
  return url;
}
