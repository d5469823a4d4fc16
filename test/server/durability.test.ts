/**
 * "Nothing acknowledged is lost": presses the room acknowledged survive SIGTERM (graceful) and SIGKILL
 * (crash) of the real server process, on embedded PGlite and on PostgreSQL.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { createPostgresSchema, type PostgresSchema } from '../helpers/services.js';
import { startServerProcess, tempDir } from '../helpers/server-process.js';
import { joinWorld } from '../helpers/visitors.js';

const schemas: PostgresSchema[] = [];
afterAll(async () => {
  await Promise.all(schemas.map((schema) => schema.drop()));
});

async function databaseEnv(kind: 'PGlite' | 'PostgreSQL'): Promise<Record<string, string>> {
  if (kind === 'PGlite') return { DATA_DIR: await tempDir() };
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

describe.each(['PGlite', 'PostgreSQL'] as const)('world state on %s', (kind) => {
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
