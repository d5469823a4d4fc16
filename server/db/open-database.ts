/**
 * Opens the database the configuration names: PostgreSQL at DATABASE_URL when set; otherwise the embedded
 * database under DATA_DIR — a PostgreSQL run as a child process (embedded-postgres/, the default) or PGlite
 * in this process (EMBEDDED_DATABASE=pglite; also what a root server falls back to when the unprivileged
 * user PostgreSQL needs cannot reach DATA_DIR). All speak the same SQL, so the same migrations and queries
 * run on each. Fails fast with a message that names the variable and the fix.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';
import { DatabaseUnavailableError } from './database-errors.js';
import {
  moveFromPglite,
  pgliteDirOf,
  pgliteWaitsToMove,
  setPgliteAside,
} from './embedded-postgres/move-from-pglite.js';
import { clusterExists } from './embedded-postgres/cluster-layout.js';
import { startEmbeddedPostgres, type ClusterLog } from './embedded-postgres/postgres-cluster.js';
import { PostgresUserCannotReach } from './embedded-postgres/postgres-user.js';
import type { Database } from './tables.js';

export interface OpenDatabase {
  db: Kysely<Database>;
  /** postgres: DATABASE_URL; embedded-postgres: the child PostgreSQL under DATA_DIR; pglite: in process. */
  kind: 'pglite' | 'postgres' | 'embedded-postgres';
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
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

async function ensureWritableDirectory(dataDir: string, dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
    const probe = path.join(dir, `.write-probe-${process.pid}`);
    await fs.writeFile(probe, 'ok');
    await fs.rm(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new DatabaseUnavailableError(
      `DATA_DIR=${dataDir} is not a writable directory (${code}): point DATA_DIR at a directory this user can write, or set DATABASE_URL to use PostgreSQL`,
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
  const dir = pgliteDirOf(dataDir);
  await ensureWritableDirectory(dataDir, dir);
  const client = await PGlite.create(dir, { postgresqlconf: PGLITE_SETTINGS });
  return wrap(new Kysely<Database>({ dialect: new PGliteDialect(client) }), 'pglite');
}

function wrap(
  db: Kysely<Database>,
  kind: OpenDatabase['kind'],
  afterClose: () => Promise<void> = () => Promise.resolve(),
): OpenDatabase {
  return {
    db,
    kind,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await db.destroy();
      await afterClose();
    },
  };
}

async function openPostgres(url: string, kind: OpenDatabase['kind'] = 'postgres'): Promise<OpenDatabase> {
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
  return wrap(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), kind);
}

/**
 * The embedded PostgreSQL under DATA_DIR; an installation that still has PGlite data is moved into it on
 * this first start (see move-from-pglite.ts).
 */
async function openEmbeddedPostgres(dataDir: string, log?: ClusterLog): Promise<OpenDatabase> {
  await ensureWritableDirectory(dataDir, dataDir);
  const moving = pgliteWaitsToMove(dataDir);
  const cluster = await startEmbeddedPostgres(dataDir, log);
  let database: OpenDatabase | undefined;
  try {
    database = await openPostgres(cluster.url, 'embedded-postgres');
    if (moving) {
      const source = await openPglite(dataDir);
      const moved = await moveFromPglite(dataDir, source.db, database.db).finally(() => source.close());
      const keptAt = await setPgliteAside(dataDir);
      log?.info(
        { rows: moved.rows, tables: moved.tables, keptAt },
        'embedded database: the PGlite data was moved into the embedded PostgreSQL (the PGlite folder is kept; delete it once you are content)',
      );
    }
  } catch (error) {
    await database?.close().catch(() => undefined);
    await cluster.stop();
    if (moving) await fs.rm(path.join(dataDir, 'postgres'), { recursive: true, force: true });
    if (!moving || error instanceof DatabaseUnavailableError) throw error;
    throw new DatabaseUnavailableError(
      `moving this installation's PGlite data (${pgliteDirOf(dataDir)}) into the embedded PostgreSQL failed (${(error as Error).message}); nothing was changed: start with EMBEDDED_DATABASE=pglite to go on with PGlite, and report this`,
      { cause: error },
    );
  }
  const opened = database;
  return { ...opened, close: () => opened.close().finally(() => cluster.stop()) };
}

export type DatabaseChoice = Pick<AppConfig, 'databaseUrl' | 'dataDir'> &
  Partial<Pick<AppConfig, 'embeddedDatabase'>>;

export async function openDatabase(config: DatabaseChoice, log?: ClusterLog): Promise<OpenDatabase> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  if (config.embeddedDatabase === 'pglite') return openPglite(config.dataDir);
  try {
    return await openEmbeddedPostgres(config.dataDir, log);
  } catch (error) {
    // Never when a cluster exists: PGlite would show an installation without its data.
    if (!(error instanceof PostgresUserCannotReach) || clusterExists(config.dataDir)) throw error;
    log?.warn(
      { reason: error.message },
      'embedded database: using PGlite in this process instead of the embedded PostgreSQL (about 230 MB more memory)',
    );
    return openPglite(config.dataDir);
  }
}
