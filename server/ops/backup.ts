/**
 * One backup: the database schema with pg_dump, then every asset blob the database lists that the bucket
 * lacks, then the dump, then the manifest (written last: a backup without one never counts). Blobs are
 * content-addressed and never change, so each is uploaded once across all backups. The blob list is read
 * after the dump, so it covers every blob the dump can name (blobs are never deleted).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sql, type Kysely } from 'kysely';
import type { AssetStore } from '../../asset-pipeline/index.js';
import type { Database } from '../db/index.js';
import type { BackupBucket, BackupManifest } from './backup-bucket.js';
import { dumpSchema } from './pg-tools.js';

/** pg_dump's custom format starts with PGDMP; anything else is not a dump this restores. */
async function assertCustomDump(file: string): Promise<void> {
  const head = Buffer.alloc(5);
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw new Error(
      `backup: --dump-file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: error },
    );
  });
  try {
    await handle.read(head, 0, 5, 0);
  } finally {
    await handle.close();
  }
  if (head.toString() !== 'PGDMP')
    throw new Error(
      `backup: --dump-file ${file} is not a pg_dump custom-format dump: make it with pg_dump --format=custom`,
    );
}

export interface BackupSource {
  db: Kysely<Database>;
  databaseUrl: string;
  store: AssetStore;
}

export interface BackupResult {
  name: string;
  databaseBytes: number;
  /** Blobs the backup holds, and how many this run uploaded (the rest were already there). */
  assets: number;
  assetsUploaded: number;
  /** Blobs the database lists but the asset store does not hold (left out; the manifest omits them). */
  assetsMissing: string[];
  seconds: number;
}

/** 2026-12-06T03:00:00.123Z → 2026-12-06T03-00-00Z: sorts by age, safe in an S3 key. */
export function backupName(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** The blob's bytes, checked against its hash; undefined when the store lacks it. */
export async function readVerified(store: AssetStore, hash: string): Promise<Buffer | undefined> {
  const stream = await store.read(hash);
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  const bytes = Buffer.concat(chunks);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== hash)
    throw new Error(`backup: asset ${hash} in ${store.description} is corrupt (its bytes hash to ${actual})`);
  return bytes;
}

export async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  if (!rows[0]?.schema) throw new Error('backup: the database has no current schema; set search_path');
  return rows[0].schema;
}

/**
 * `dumpFile`: a dump another program already made of this schema (pg_dump --format=custom, e.g. in a
 * Kubernetes init container from the official PostgreSQL image of the server's version); else pg_dump runs
 * here.
 */
export async function runBackup(
  source: BackupSource,
  bucket: BackupBucket,
  options: { now?: Date; dumpFile?: string } = {},
): Promise<BackupResult> {
  const now = options.now ?? new Date();
  const started = performance.now();
  await bucket.ping();
  const name = backupName(now);
  const schema = await currentSchema(source.db);
  const scratch = await mkdtemp(path.join(tmpdir(), 'mib-backup-'));
  try {
    const dump = options.dumpFile ?? path.join(scratch, 'database.dump');
    if (options.dumpFile) await assertCustomDump(options.dumpFile);
    else await dumpSchema(source.databaseUrl, schema, dump);
    const hashes = (await source.db.selectFrom('asset_files').select('hash').orderBy('hash').execute()).map(
      (row) => row.hash,
    );
    const stored: string[] = [];
    const missing: string[] = [];
    let uploaded = 0;
    for (const hash of hashes) {
      if (await bucket.assets.has(hash)) {
        stored.push(hash);
        continue;
      }
      const bytes = await readVerified(source.store, hash);
      if (!bytes) {
        missing.push(hash);
        continue;
      }
      await bucket.assets.put(hash, bytes);
      stored.push(hash);
      uploaded += 1;
    }
    const { size } = await stat(dump);
    await bucket.uploadFile(name, 'database.dump', dump);
    const manifest: BackupManifest = {
      format: 1,
      name,
      createdAt: now.toISOString(),
      schema,
      database: { file: 'database.dump', bytes: size, sha256: await sha256OfFile(dump) },
      assets: stored,
    };
    await bucket.writeManifest(manifest);
    return {
      name,
      databaseBytes: size,
      assets: stored.length,
      assetsUploaded: uploaded,
      assetsMissing: missing,
      seconds: Math.round(performance.now() - started) / 1000,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
