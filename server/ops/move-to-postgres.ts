/**
 * Moves a whole installation off the embedded defaults: every table of the embedded database (PGlite under
 * DATA_DIR) into an empty PostgreSQL (DATABASE_URL), and — when ASSET_S3_* names a bucket — every asset
 * blob from DATA_DIR/assets into it. The embedded data is only read (after bringing it to the latest schema,
 * as the server's next start would): until the server is started on the new settings, going back is
 * starting it without them.
 */
import { sql, type Kysely } from 'kysely';
import { LocalAssetStore, type AssetStore } from '../../asset-pipeline/index.js';
import type { AppConfig } from '../config/app-config.js';
import {
  copyTables,
  migrateToLatest,
  openDatabase,
  redactUrl,
  type CopiedTable,
  type Database,
} from '../db/index.js';
import { readVerified } from './backup.js';

export interface MoveResult {
  tables: CopiedTable[];
  rows: number;
  assets: number;
  assetsCopied: number;
  /** Where the assets are now: the bucket, or still DATA_DIR/assets. */
  assetStore: string;
  seconds: number;
}

async function tableCount(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select count(*)::text as n from information_schema.tables
    where table_schema = current_schema() and table_name not like 'kysely_%'`.execute(db);
  return Number(rows[0]!.n);
}

/** Whether a server answers on this configuration's port: it must be stopped (PGlite has one user). */
async function serverRunning(config: AppConfig): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${config.port}/healthz`, {
      signal: AbortSignal.timeout(1_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

export async function moveToPostgres(
  config: AppConfig,
  targetStore: AssetStore | undefined,
): Promise<MoveResult> {
  const started = performance.now();
  if (!config.databaseUrl)
    throw new Error(
      'move: set DATABASE_URL to the PostgreSQL to move into (an empty database), e.g. postgres://mib:…@db:5432/mib',
    );
  if (await serverRunning(config))
    throw new Error(
      `move: a server answers on port ${config.port}: stop it first (the embedded database has one user at a time)`,
    );
  const source = await openDatabase({
    databaseUrl: undefined,
    dataDir: config.dataDir,
    embeddedDatabase: config.embeddedDatabase,
  });
  try {
    const target = await openDatabase(config);
    try {
      const existing = await tableCount(target.db);
      if (existing > 0)
        throw new Error(
          `move: ${redactUrl(config.databaseUrl)} already holds ${existing} tables: move only into an empty database (create one and point DATABASE_URL at it); nothing was changed`,
        );
      // Both at the latest schema: the embedded one as the server would on its next start.
      await migrateToLatest(source.db);
      await migrateToLatest(target.db);
      const tables = await copyTables(source.db, target.db);

      let copied = 0;
      const hashes = (await source.db.selectFrom('asset_files').select('hash').execute()).map(
        (row) => row.hash,
      );
      if (targetStore) {
        const local = new LocalAssetStore(config.assets.storeDir);
        for (const hash of hashes) {
          if (await targetStore.has(hash)) continue;
          const bytes = await readVerified(local, hash);
          if (!bytes) throw new Error(`move: asset ${hash} is listed but not in ${local.description}`);
          await targetStore.put(hash, bytes);
          copied += 1;
        }
      }
      return {
        tables,
        rows: tables.reduce((sum, table) => sum + table.rows, 0),
        assets: hashes.length,
        assetsCopied: copied,
        assetStore: targetStore?.description ?? `local directory ${config.assets.storeDir} (unchanged)`,
        seconds: Math.round(performance.now() - started) / 1000,
      };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
