/**
 * The one-time move of an installation made before the embedded PostgreSQL: its PGlite data
 * (DATA_DIR/pglite) is copied, every table in one transaction, into the new, empty cluster; then the PGlite
 * folder is renamed (kept, never deleted) so the next start does not copy it again. If anything fails the
 * copy leaves nothing behind and the PGlite data is untouched.
 */
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { migrateToLatest } from '../migrate.js';
import { clusterExists } from './cluster-layout.js';
import { copyTables } from '../table-copy.js';
import type { Database } from '../tables.js';

/** Where a PGlite installation keeps its data (open-database.ts). */
export const pgliteDirOf = (dataDir: string): string => path.join(dataDir, 'pglite');

/** Whether DATA_DIR holds PGlite data and no embedded PostgreSQL cluster yet: then it is moved. */
export function pgliteWaitsToMove(dataDir: string): boolean {
  return existsSync(path.join(pgliteDirOf(dataDir), 'PG_VERSION')) && !clusterExists(dataDir);
}

export interface MovedFromPglite {
  rows: number;
  tables: number;
  /** Where the PGlite data is kept now. */
  keptAt: string;
}

/** Copies `source` (PGlite) into `target` (the fresh cluster), both brought to the latest schema first. */
export async function moveFromPglite(
  dataDir: string,
  source: Kysely<Database>,
  target: Kysely<Database>,
): Promise<MovedFromPglite> {
  await migrateToLatest(source);
  await migrateToLatest(target);
  const tables = await copyTables(source, target);
  return {
    rows: tables.reduce((sum, table) => sum + table.rows, 0),
    tables: tables.length,
    keptAt: `${pgliteDirOf(dataDir)}.moved`,
  };
}

/** After a successful move (and PGlite closed): DATA_DIR/pglite → DATA_DIR/pglite.moved[-N]. */
export async function setPgliteAside(dataDir: string): Promise<string> {
  const from = pgliteDirOf(dataDir);
  let to = `${from}.moved`;
  for (let n = 2; existsSync(to); n++) to = `${from}.moved-${n}`;
  await rename(from, to);
  return to;
}
