/**
 * "Nothing acknowledged is lost": presses the room acknowledged survive SIGTERM (graceful) and SIGKILL
 * (crash) of the real server process, on the embedded PostgreSQL and on PostgreSQL; an item a visitor moved stays
 * where it was put once the debounced snapshot has landed, even across a crash.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { createPostgresSchema, type PostgresSchema } from '../helpers/services.js';
import { startServerProcess, tempDir } from '../helpers/server-process.js';
import pg from 'pg';
import { MessageType } from '../../protocol/index.js';
import { joinWorld, walkTowards } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

const schemas: PostgresSchema[] = [];
afterAll(async () => {
  await Promise.all(schemas.map((schema) => schema.drop()));
});

async function databaseEnv(kind: 'embedded PostgreSQL' | 'PostgreSQL'): Promise<Record<string, string>> {
  if (kind === 'embedded PostgreSQL') return { DATA_DIR: await tempDir() };
  const schema = await createPostgresSchema();
  schemas.push(schema);
  return { DATABASE_URL: schema.url, DATA_DIR: await tempDir() };
}

async function pressTimes(url: string, times: number): Promise<number> {
  const visitor = await joinWorld(url, { name: 'Presser' });
  let last = 0;
  for (let i = 0; i < times; i++) last = (await visitor.press()).presses;
  return last;
}

async function storedPresses(url: string): Promise<number> {
  const visitor = await joinWorld(url, { name: 'Checker' });
  const presses = visitor.presses();
  await visitor.leave();
  return presses;
}

describe.each(['embedded PostgreSQL', 'PostgreSQL'] as const)('world state on %s', (kind) => {
  it('survives SIGTERM: press N times, stop, restart, the count is N; exit code 0', async () => {
    const env = await databaseEnv(kind);
    const first = await startServerProcess(env);
    const acknowledged = await pressTimes(first.url, 7);
    expect(acknowledged).toBe(7);
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toContain('shutdown complete');

    const second = await startServerProcess(env);
    try {
      expect(await storedPresses(second.url)).toBe(7);
    } finally {
      await second.stop();
    }
  });

  it('survives a crash (SIGKILL) after acknowledging', async () => {
    const env = await databaseEnv(kind);
    const first = await startServerProcess(env);
    const acknowledged = await pressTimes(first.url, 5);
    await first.stop('SIGKILL');

    const second = await startServerProcess(env);
    try {
      expect(await storedPresses(second.url)).toBe(acknowledged);
    } finally {
      await second.stop();
    }
  });
});

describe('moved items', () => {
  it('stay where a visitor put them after a crash (SIGKILL) once the put-down is acknowledged as stored', async () => {
    const env = await databaseEnv('PostgreSQL');
    const first = await startServerProcess(env);
    let seq = 0;
    const nextSeq = () => ++seq;
    const visitor = await joinWorld(first.url, { name: 'Mover' });
    const crate = await waitFor(() => visitor.items().get('crate-1'), Boolean, { what: 'the demo crate' });
    const near = () => Math.hypot(visitor.self()!.x - crate!.x, visitor.self()!.z - crate!.z) < 1.2;
    await walkTowards(visitor, crate!, near, nextSeq);
    visitor.room.send(MessageType.interact, { entity: 'crate-1' });
    await waitFor(
      () => visitor.items().get('crate-1')?.heldBy,
      (by) => by === visitor.sessionId,
      {
        what: 'the crate carried',
      },
    );
    await walkTowards(visitor, { x: -4, z: -4 }, () => visitor.self()!.x < -2, nextSeq);
    visitor.room.send(MessageType.interact, { entity: 'crate-1', ref: 7 });
    const put = await waitFor(
      () => visitor.items().get('crate-1'),
      (item) => item?.heldBy === '',
      {
        what: 'the crate put down',
      },
    );

    // Acknowledged once stored, with the request's ref and the pose the room put it at; the pick-up (no
    // ref asked) is not acknowledged.
    const saved = await waitFor(() => visitor.itemSaves[0], Boolean, { what: 'the put-down acknowledged' });
    expect(visitor.itemSaves).toHaveLength(1);
    expect(saved).toMatchObject({ entity: 'crate-1', ref: 7 });
    expect(Math.hypot(saved!.x - put!.x, saved!.z - put!.z)).toBeLessThan(0.01);

    // Killed the moment the acknowledgement arrived: the stored row must already hold the pose.
    await first.stop('SIGKILL');
    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    try {
      const stored = (
        await db.query<{ state: { items?: Record<string, { x: number; z: number }> } }>(
          'select state from world_state',
        )
      ).rows[0]?.state.items?.['crate-1'];
      expect(Math.hypot(stored!.x - saved!.x, stored!.z - saved!.z)).toBeLessThan(0.01);
    } finally {
      await db.end();
    }

    const second = await startServerProcess(env);
    try {
      const checker = await joinWorld(second.url, { name: 'Checker' });
      const restored = await waitFor(() => checker.items().get('crate-1'), Boolean, { what: 'the crate' });
      expect(Math.hypot(restored!.x - put!.x, restored!.z - put!.z)).toBeLessThan(0.01);
      expect(restored!.heldBy).toBe('');
      await checker.leave();
    } finally {
      await second.stop();
    }
  });
});
