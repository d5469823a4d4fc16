/**
 * Opens the database the configuration names: embedded PGlite under DATA_DIR when DATABASE_URL is unset,
 * PostgreSQL otherwise. Both speak the same SQL, so the same migrations and queries run on either.
 * Fails fast with a message that names the variable and the fix.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import type { Database } from './tables.js';

export interface OpenDatabase {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A problem opening the database, reported as one line. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** Removes the password from a connection string so it can appear in messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}

async function ensureWritableDirectory(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
    const probe = path.join(dir, `.write-probe-${process.pid}`);
    await fs.writeFile(probe, 'ok');
    await fs.rm(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new DatabaseUnavailableError(
      `DATA_DIR=${path.dirname(dir)} is not a writable directory (${code}): point DATA_DIR at a directory this user can write, or set DATABASE_URL to use PostgreSQL`,
      { cause: error },
    );
  }
}

/**
 * PostgreSQL settings of the embedded database. PGlite starts with shared_buffers at 128 MB, which its
 * WASM heap holds (and the process's RSS counts) from the start; one server's working set is far smaller,
 * and reads that miss the buffers are served from the OS page cache (PGlite's files are ordinary files).
 * 16 MB keeps the process ~150 MB smaller at idle. Durability is untouched: WAL and fsync are not changed.
 */
const PGLITE_SETTINGS = ['shared_buffers=16MB', 'wal_buffers=512kB'];

async function openPglite(dataDir: string): Promise<OpenDatabase> {
  const dir = path.join(dataDir, 'pglite');
  await ensureWritableDirectory(dir);
  const client = await PGlite.create(dir, { postgresqlconf: PGLITE_SETTINGS });
  return wrap(new Kysely<Database>({ dialect: new PGliteDialect(client) }), 'pglite');
}

function wrap(db: Kysely<Database>, kind: OpenDatabase['kind']): OpenDatabase {
  return {
    db,
    kind,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

async function openPostgres(url: string): Promise<OpenDatabase> {
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 5_000, max: 10 });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor one that is checked out between two queries (inside a transaction) when the server ends its
  // connection (`pg_ctl stop -m immediate`, a failover): pg emits that as an 'error' event nobody would
  // hear. The transaction's next query fails and answers its caller; the pool drops the dead client on
  // release. Found by bench:reliability's crash harness, which stops PostgreSQL under writes.
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new DatabaseUnavailableError(
      `DATABASE_URL=${redactUrl(url)} cannot be reached (${reason}): check host, port, database name and credentials, or unset DATABASE_URL to use the embedded database`,
      { cause: error },
    );
  }
  return wrap(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), 'postgres');
}

export function openDatabase(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): Promise<OpenDatabase> {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openPglite(config.dataDir);
}
