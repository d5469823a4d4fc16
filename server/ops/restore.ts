/**
 * Restores a backup into an empty database and an asset store: the dump with pg_restore in one
 * transaction, then every blob the manifest lists that the store lacks (each checked against its hash).
 * Refuses a database that already holds the backup's tables — a restore never mixes with live data.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { AssetStore } from '../../asset-pipeline/index.js';
import type { Database } from '../db/index.js';
import type { BackupBucket } from './backup-bucket.js';
import { readVerified, sha256OfFile } from './backup.js';
import { dumpContents, restoreDump } from './pg-tools.js';

export interface RestoreTarget {
  db: Kysely<Database>;
  databaseUrl: string;
  store: AssetStore;
}

export interface RestoreResult {
  name: string;
  schema: string;
  tables: number;
  assets: number;
  assetsCopied: number;
  seconds: number;
}

/** The backup to restore: the named one, or the newest finished one. */
async function chosen(bucket: BackupBucket, name: string | undefined): Promise<string> {
  const names = await bucket.list();
  if (names.length === 0) throw new Error(`restore: ${bucket.description} holds no finished backup`);
  if (name === undefined) return names.at(-1)!;
  if (!names.includes(name))
    throw new Error(
      `restore: no finished backup "${name}" in ${bucket.description}; there are: ${names.slice(-10).join(', ')}`,
    );
  return name;
}

async function tablesIn(db: Kysely<Database>, schema: string): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    select count(*)::text as count from information_schema.tables where table_schema = ${schema}`.execute(db);
  return Number(rows[0]?.count ?? 0);
}

async function schemaExists(db: Kysely<Database>, schema: string): Promise<boolean> {
  const { rows } = await sql`select 1 from information_schema.schemata where schema_name = ${schema}`.execute(
    db,
  );
  return rows.length > 0;
}

export async function runRestore(
  target: RestoreTarget,
  bucket: BackupBucket,
  name?: string,
): Promise<RestoreResult> {
  const started = performance.now();
  await bucket.ping();
  const backup = await chosen(bucket, name);
  const manifest = await bucket.readManifest(backup);
  if (!manifest || manifest.format !== 1)
    throw new Error(`restore: backup ${backup} has no manifest this version reads (format 1)`);
  const existing = await tablesIn(target.db, manifest.schema);
  if (existing > 0)
    throw new Error(
      `restore: the database already holds ${existing} tables in schema "${manifest.schema}": restore only into an empty database (create one and point DATABASE_URL at it); nothing was changed`,
    );

  const scratch = await mkdtemp(path.join(tmpdir(), 'mib-restore-'));
  try {
    const dump = path.join(scratch, 'database.dump');
    await bucket.downloadFile(backup, 'database.dump', dump);
    const actual = await sha256OfFile(dump);
    if (actual !== manifest.database.sha256)
      throw new Error(
        `restore: the dump of ${backup} is corrupt (sha-256 ${actual}, the manifest says ${manifest.database.sha256})`,
      );
    // An existing empty schema (a new database's `public`) is kept: its CREATE SCHEMA entry is skipped.
    let listFile: string | undefined;
    if (await schemaExists(target.db, manifest.schema)) {
      const entries = (await dumpContents(dump))
        .split('\n')
        .filter((line) => !new RegExp(`^\\d+; \\d+ \\d+ SCHEMA - ${manifest.schema} `).test(line));
      listFile = path.join(scratch, 'contents.list');
      await writeFile(listFile, entries.join('\n'));
    }
    await restoreDump(target.databaseUrl, dump, listFile);

    let copied = 0;
    for (const hash of manifest.assets) {
      if (await target.store.has(hash)) continue;
      const bytes = await readVerified(bucket.assets, hash);
      if (!bytes)
        throw new Error(`restore: asset ${hash} of backup ${backup} is missing from ${bucket.description}`);
      await target.store.put(hash, bytes);
      copied += 1;
    }
    return {
      name: backup,
      schema: manifest.schema,
      tables: await tablesIn(target.db, manifest.schema),
      assets: manifest.assets.length,
      assetsCopied: copied,
      seconds: Math.round(performance.now() - started) / 1000,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
