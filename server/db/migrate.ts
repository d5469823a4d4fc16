import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-worlds.js';
import * as m0002 from './migrations/0002-control-plane.js';
import * as m0003 from './migrations/0003-world-mutes.js';
import * as m0004 from './migrations/0004-assets.js';
import * as m0005 from './migrations/0005-wallets.js';
import * as m0006 from './migrations/0006-nft-bindings.js';
import * as m0007 from './migrations/0007-world-media.js';
import * as m0008 from './migrations/0008-scene-schema-2.js';
import * as m0009 from './migrations/0009-library-and-limits.js';
import * as m0010 from './migrations/0010-draft-body-uncompressed.js';
import * as m0011 from './migrations/0011-draft-entities.js';
import * as m0012 from './migrations/0012-embed-keys.js';
import * as m0013 from './migrations/0013-live-drafts.js';

/**
 * Every migration, in order. Listed here (not read from a directory) so the compiled server and the tests
 * run the same set without scanning files. Never edit one that has shipped: add the next.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001-worlds': m0001,
  '0002-control-plane': m0002,
  '0003-world-mutes': m0003,
  '0004-assets': m0004,
  '0005-wallets': m0005,
  '0006-nft-bindings': m0006,
  '0007-world-media': m0007,
  '0008-scene-schema-2': m0008,
  '0009-library-and-limits': m0009,
  '0010-draft-body-uncompressed': m0010,
  '0011-draft-entities': m0011,
  '0012-embed-keys': m0012,
  '0013-live-drafts': m0013,
};

/** Tries of the migration run when another schema vanished under Kysely's catalog scan. */
const MIGRATE_ATTEMPTS = 3;

export function droppedMeanwhile(error: unknown, ours: string): boolean {
  if (!(error instanceof Error)) return false;
  // The whole schema gone, or one of its tables as `drop schema … cascade` works through them.
  const match =
    /schema "([^"]+)" does not exist/.exec(error.message) ??
    /relation "([^".]+)\.[^"]+" does not exist/.exec(error.message);
  return match !== null && match[1] !== ours;
}

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/** Brings the schema up to date. Throws with the failing migration's name; nothing half-applied remains. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // Name the schema explicitly: Kysely otherwise looks for its bookkeeping tables in every schema and can
  // mistake another schema's (another tenant database or test) for this one's.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('database: no current schema; set search_path to an existing schema');
  const migrator = new Migrator({ db, provider, migrationTableSchema: schema });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely looks for its bookkeeping table by scanning every schema of the database; a schema another
  // tenant (or test) drops during that scan fails it with "schema … does not exist". Not ours: scan again.
  for (let attempt = 1; attempt < MIGRATE_ATTEMPTS && droppedMeanwhile(error, schema); attempt += 1) {
    ({ error, results } = await migrator.migrateToLatest());
  }
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(`database: migration ${failed} failed: ${reason}`, { cause: error });
  }
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}

/**
 * Brings the schema up to `name` and no further: for tests of a migration's data conversion, which need the
 * schema as it was before it. Throws like `migrateToLatest`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateTo(db: Kysely<any>, name: keyof typeof MIGRATIONS): Promise<void> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const migrator = new Migrator({ db, provider, migrationTableSchema: rows[0]!.schema });
  const { error } = await migrator.migrateTo(name);
  if (error) throw new Error(`database: migrating to ${name} failed`, { cause: error });
}
