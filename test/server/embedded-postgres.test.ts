/**
 * The embedded PostgreSQL of `npm start` (server/db/embedded-postgres/): made on first start, its data kept
 * across restarts; the one a SIGKILLed server leaves behind stopped by the next start; a second server on
 * the same DATA_DIR refused while the first runs; a PostgreSQL that dies under a running server started
 * again; an installation's PGlite data moved into it on first start, and kept aside.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, processRunning, type OpenDatabase } from '../../server/index.js';
import { startServerProcess, tempDir } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

const opened: OpenDatabase[] = [];
afterAll(async () => {
  for (const database of opened) await database.close().catch(() => undefined);
});

async function open(
  dataDir: string,
  embeddedDatabase: 'postgres' | 'pglite' = 'postgres',
): Promise<OpenDatabase> {
  const database = await openDatabase({ dataDir, databaseUrl: undefined, embeddedDatabase });
  opened.push(database);
  return database;
}

async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

describe('the embedded PostgreSQL', () => {
  it('makes its cluster on first start and keeps what was written across a restart', async () => {
    const dataDir = await tempDir();
    const first = await open(dataDir);
    expect(first.kind).toBe('embedded-postgres');
    await sql`create table notes (body text)`.execute(first.db);
    await sql`insert into notes values ('kept')`.execute(first.db);
    await first.close();
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = await open(dataDir);
    const { rows } = await sql<{ body: string }>`select body from notes`.execute(second.db);
    expect(rows).toEqual([{ body: 'kept' }]);
    await second.close();
  }, 60_000);

  it('stops the PostgreSQL a SIGKILLed server left running, and the next server finds its data', async () => {
    const dataDir = await tempDir();
    const server = await startServerProcess({ DATA_DIR: dataDir });
    expect(server.output()).toContain('"database":"embedded-postgres"');
    expect((await fetch(`${server.url}/worlds/demo`)).status).toBe(200);
    const leftover = await postmasterPid(dataDir);
    await server.stop('SIGKILL');
    expect(processRunning(leftover)).toBe(true); // SIGKILL leaves the child behind

    const next = await startServerProcess({ DATA_DIR: dataDir });
    try {
      expect(next.output()).toContain('stopping the one a stopped server left running');
      expect(processRunning(leftover)).toBe(false);
      expect((await fetch(`${next.url}/worlds/demo`)).status).toBe(200);
      expect(await postmasterPid(dataDir)).not.toBe(leftover);
    } finally {
      expect(await next.stop('SIGTERM')).toBe(0);
    }
    // A graceful stop takes PostgreSQL with it.
    await waitFor(
      () => existsSync(path.join(dataDir, 'postgres', 'postmaster.pid')),
      (present) => !present,
      { what: 'PostgreSQL to stop with its server' },
    );
  }, 120_000);

  it('refuses a second server on the same DATA_DIR while the first runs, saying which', async () => {
    const dataDir = await tempDir();
    const first = await open(dataDir);
    // As if another live process (here: the test runner's parent) had started this PostgreSQL.
    const other = process.ppid;
    await writeFile(path.join(dataDir, 'postgres.owner'), String(other));
    const refused = await openDatabase({ dataDir, databaseUrl: undefined }).then(
      () => new Error('opened'),
      (error: unknown) => error as Error,
    );
    expect(refused.name).toBe('DatabaseUnavailableError');
    expect(refused.message).toBe(
      `DATA_DIR=${dataDir} is in use by another server (pid ${other}): stop it, or give this one another DATA_DIR (if no server runs, delete ${path.join(dataDir, 'postgres.owner')})`,
    );
    await sql`select 1`.execute(first.db); // the first one untouched
    await first.close();
  }, 60_000);

  it('starts PostgreSQL again when it dies under a running server', async () => {
    const dataDir = await tempDir();
    const database = await open(dataDir);
    await sql`create table marks (n int)`.execute(database.db);
    const before = await postmasterPid(dataDir);
    process.kill(before, 'SIGKILL');
    // A new postmaster, answering (an orphaned backend of the old one may still answer for a moment).
    await waitFor(
      async () =>
        (await postmasterPid(dataDir).catch(() => before)) !== before &&
        (await sql`insert into marks values (1)`.execute(database.db).then(
          () => true,
          () => false,
        )),
      (back) => back,
      { timeoutMs: 30_000, intervalMs: 200, what: 'a new PostgreSQL to take an insert' },
    );
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from marks`.execute(database.db);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(1);
    await database.close();
  }, 60_000);

  it('moves an installation made on PGlite into itself on first start, keeping the PGlite folder aside', async () => {
    const dataDir = await tempDir();
    const pglite = await open(dataDir, 'pglite');
    await migrateToLatest(pglite.db);
    await sql`insert into organizations (slug, name) values ('moved-org', 'Moved')`.execute(pglite.db);
    await pglite.close();

    const embedded = await open(dataDir);
    expect(embedded.kind).toBe('embedded-postgres');
    const { rows } = await sql<{ name: string }>`
      select name from organizations where slug = 'moved-org'`.execute(embedded.db);
    expect(rows).toEqual([{ name: 'Moved' }]);
    expect(existsSync(path.join(dataDir, 'pglite'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'pglite.moved', 'PG_VERSION'))).toBe(true);
    await embedded.close();

    // The next start does not move it again (the cluster exists): the row is there once.
    const again = await open(dataDir);
    const count = await sql<{ n: number }>`
      select count(*)::int as n from organizations where slug = 'moved-org'`.execute(again.db);
    expect(count.rows[0]!.n).toBe(1);
    await again.close();
  }, 120_000);
});
