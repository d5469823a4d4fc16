/**
 * Operator commands that run beside the server, on its configuration (the same environment variables):
 *
 *   node dist/server/ops/main.js backup [--every 24h]   a backup now (or one every period, e.g. a compose
 *                                                       service); to BACKUP_S3_URL
 *   node dist/server/ops/main.js restore [--backup NAME] the newest (or named) backup into an empty database
 *                                                       (DATABASE_URL) and the asset store (ASSET_S3_* or DATA_DIR)
 *   node dist/server/ops/main.js backup --dump-file F    the same, of a dump another container made
 *   node dist/server/ops/main.js backups                 the finished backups, oldest first
 *
 *   node dist/server/ops/main.js move-to-postgres        the embedded database and assets into PostgreSQL
 *                                                       (DATABASE_URL) and S3 (ASSET_S3_*), server stopped
 *
 * Exit codes: 0 done, 1 failed (one line on stderr says why and what to do), 2 a usage mistake.
 */
import { parseArgs } from 'node:util';
import { LocalAssetStore, S3AssetStore, type AssetStore } from '../../asset-pipeline/index.js';
import { parseConfig, type AppConfig } from '../config/app-config.js';
import { openDatabase, redactUrl, type OpenDatabase } from '../db/index.js';
import { BackupBucket } from './backup-bucket.js';
import { parseBackupTarget } from './backup-config.js';
import { runBackup } from './backup.js';
import { parsePeriod, UsageError } from './period.js';
import { moveToPostgres } from './move-to-postgres.js';
import { runRestore } from './restore.js';

const USAGE = `usage: node dist/server/ops/main.js <command>
  backup [--every <period>]   a backup now, or one every period (e.g. 24h, 6h, 30m) until stopped
  backup --dump-file <file>   a backup of a dump pg_dump --format=custom already made of this database
  restore [--backup <name>]   the newest (or the named) backup into an empty database and asset store
  backups                     lists the finished backups, oldest first
  move-to-postgres            copies the embedded database (DATA_DIR) into an empty PostgreSQL (DATABASE_URL)
                              and DATA_DIR/assets into the bucket ASSET_S3_* names, if any; stop the server first
Settings: DATABASE_URL (PostgreSQL), the asset store's (ASSET_S3_* or DATA_DIR) and BACKUP_S3_URL,
BACKUP_S3_ENDPOINT, BACKUP_S3_REGION, BACKUP_S3_ACCESS_KEY_ID, BACKUP_S3_SECRET_ACCESS_KEY.`;

function assetStoreOf(config: AppConfig): AssetStore {
  return config.assets.s3 ? new S3AssetStore(config.assets.s3) : new LocalAssetStore(config.assets.storeDir);
}

async function withDatabase<T>(
  config: AppConfig,
  work: (database: OpenDatabase, url: string) => Promise<T>,
): Promise<T> {
  if (!config.databaseUrl)
    throw new Error(
      'backups need PostgreSQL (DATABASE_URL): the embedded database is copied with `move-to-postgres` first (docs/operate.md, "Moving off the embedded database")',
    );
  const database = await openDatabase(config);
  try {
    return await work(database, config.databaseUrl);
  } finally {
    await database.close();
  }
}

const say = (line: string): boolean => process.stdout.write(`${line}\n`);

async function backupOnce(config: AppConfig, bucket: BackupBucket, dumpFile?: string): Promise<void> {
  const result = await withDatabase(config, (database, databaseUrl) =>
    runBackup(
      { db: database.db, databaseUrl, store: assetStoreOf(config) },
      bucket,
      dumpFile ? { dumpFile } : {},
    ),
  );
  say(
    `backup ${result.name}: database ${result.databaseBytes} bytes, ${result.assets} assets (${result.assetsUploaded} new) to ${bucket.description} in ${result.seconds} s`,
  );
  if (result.assetsMissing.length > 0)
    say(
      `backup ${result.name}: ${result.assetsMissing.length} assets the database lists are not in the asset store: ${result.assetsMissing.slice(0, 5).join(', ')}`,
    );
  say(JSON.stringify(result));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = (() => {
    try {
      return parseArgs({
        args: rest,
        options: { every: { type: 'string' }, backup: { type: 'string' }, 'dump-file': { type: 'string' } },
        strict: true,
        allowPositionals: false,
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  })();
  if (!['backup', 'restore', 'backups', 'move-to-postgres'].includes(command ?? ''))
    throw new UsageError(command ? `unknown command "${command}"` : 'give a command');
  if (values.every !== undefined && command !== 'backup')
    throw new UsageError('--every goes with backup only');
  if (values['dump-file'] !== undefined && (command !== 'backup' || values.every !== undefined))
    throw new UsageError('--dump-file goes with a single backup only (not with --every)');
  if (values.backup !== undefined && command !== 'restore')
    throw new UsageError('--backup goes with restore only');
  const period = values.every === undefined ? undefined : parsePeriod(values.every);

  const config = parseConfig(process.env);
  if (command === 'move-to-postgres') {
    const result = await moveToPostgres(config, config.assets.s3 ? assetStoreOf(config) : undefined);
    say(
      `moved ${result.rows} rows in ${result.tables.length} tables into ${redactUrl(config.databaseUrl!)}, ${result.assets} assets (${result.assetsCopied} copied) — assets in ${result.assetStore} — in ${result.seconds} s`,
    );
    say('next: start the server with these settings; the embedded data under DATA_DIR was left as it was');
    say(JSON.stringify(result));
    return;
  }
  const bucket = new BackupBucket(parseBackupTarget(process.env));

  if (command === 'backups') {
    await bucket.ping();
    for (const name of await bucket.list()) say(name);
    return;
  }
  if (command === 'restore') {
    const result = await withDatabase(config, (database, databaseUrl) =>
      runRestore({ db: database.db, databaseUrl, store: assetStoreOf(config) }, bucket, values.backup),
    );
    say(
      `restored ${result.name}: ${result.tables} tables in schema ${result.schema}, ${result.assets} assets (${result.assetsCopied} copied) in ${result.seconds} s`,
    );
    say(JSON.stringify(result));
    return;
  }
  if (period === undefined) return backupOnce(config, bucket, values['dump-file']);
  // A scheduler of its own (compose, Akash): a failed backup is reported and tried again next period.
  let stopped = false;
  let wake: () => void = () => undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      stopped = true;
      wake();
    });
  while (!stopped) {
    await backupOnce(config, bucket).catch((error: unknown) => {
      process.stderr.write(`backup failed: ${(error as Error).message}; trying again in ${values.every}\n`);
    });
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, period);
    });
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  },
);
