/**
 * Two server processes on Redis: a process whose event loop is busy for a while is slow, not dead — its
 * room stays listed and nobody gets a second instance of its world meanwhile (colyseus#968: one missed
 * call used to unlist it); a process that is killed has its room unlisted within seconds, and the world
 * opens again elsewhere. (server/rooms/process-liveness.ts; bench:reliability's presence harness measures
 * the same at 30 s.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { holdBusy } from '../../bench/reliability/busy-loop.js';
import { within } from '../../bench/shared/wait.js';
import { createPostgresSchema, createRedisDatabase, type PostgresSchema } from '../helpers/services.js';
import { freePort, startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

interface Started {
  server: ServerProcess;
  port: number;
  inspectPort: number;
}

let schema: PostgresSchema;
let redis: Redis;
const processes: Started[] = [];
const visitors: Visitor[] = [];

/** The demo world's room listings in Redis (Colyseus' driver keeps them in the hash `roomcaches`). */
async function demoListings(): Promise<Array<{ roomId: string; publicAddress?: string }>> {
  return Object.values(await redis.hgetall('roomcaches'))
    .map(
      (json) => JSON.parse(json) as { roomId: string; publicAddress?: string; metadata?: { world?: string } },
    )
    .filter((listing) => listing.metadata?.world === 'demo');
}

beforeAll(async () => {
  schema = await createPostgresSchema();
  const redisUrl = await createRedisDatabase();
  redis = new Redis(redisUrl);
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const inspectPort = await freePort();
    const server = await startServerProcess({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      REDIS_URL: redisUrl,
      DATABASE_URL: schema.url,
      DATA_DIR: await tempDir(),
      NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}`,
    });
    processes.push({ server, port, inspectPort });
  }
});

afterAll(async () => {
  for (const visitor of visitors) void visitor.leave().catch(() => undefined);
  await Promise.all(processes.map(({ server }) => server.stop('SIGKILL').catch(() => undefined)));
  redis?.disconnect();
  await schema?.drop();
});

describe('server processes on Redis', () => {
  it('keep a busy process’s room listed and joined, and unlist a killed one’s', async () => {
    visitors.push(await joinWorld(processes[0]!.server.url, { name: 'Early' }));
    const [room] = await waitFor(demoListings, (listings) => listings.length === 1, {
      what: 'the room listed',
    });
    const holder = processes.find(({ port }) => room!.publicAddress?.endsWith(`:${port}`))!;
    const other = processes.find((started) => started !== holder)!;

    // Busy for 8 s: a newcomer through the other process waits or is refused — never a second room.
    const busy = holdBusy(holder.inspectPort, 8);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const newcomer = await within(
      joinWorld(other.server.url, { name: 'Newcomer' }),
      20_000,
      () => undefined,
    ).catch(() => undefined);
    if (newcomer) {
      visitors.push(newcomer);
      expect(newcomer.room.roomId).toBe(room!.roomId);
    }
    await busy;
    expect((await demoListings()).map((listing) => listing.roomId)).toEqual([room!.roomId]);
    const later = await joinWorld(other.server.url, { name: 'Later' });
    visitors.push(later);
    expect(later.room.roomId).toBe(room!.roomId);

    // Killed: unlisted within seconds, and the world opens on the other process.
    await holder.server.stop('SIGKILL');
    await waitFor(demoListings, (listings) => !listings.some((listing) => listing.roomId === room!.roomId), {
      what: 'the dead process’s room unlisted',
      timeoutMs: 10_000,
      intervalMs: 250,
    });
    const survivor = await joinWorld(other.server.url, { name: 'Survivor' });
    visitors.push(survivor);
    expect(survivor.room.roomId).not.toBe(room!.roomId);
  }, 90_000);
});
