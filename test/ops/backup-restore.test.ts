/**
 * Backups that restore: a populated installation (a world, an uploaded asset with its optimized files, an
 * NFT binding, a saved world state) on PostgreSQL and an S3 bucket is backed up with the ops command
 * (`backup`: pg_dump and the asset blobs to a backup bucket), restored with it into an empty database and an
 * empty bucket (`restore`), and found whole: every row of every table, every blob byte for byte, and a
 * server started on the restored pair serves the world and the asset. A restore never touches a database
 * that already holds data; bad settings and arguments get clear answers. s3rver stands in for S3; the
 * database is the machine's PostgreSQL (Debian's pg_dump and pg_restore, same major version).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { RunningServer } from '../../server/index.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { populateInstallation, postgresContents, runOps as ops } from '../helpers/installation.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { startServerProcess } from '../helpers/server-process.js';
import { createPostgresSchema, POSTGRES_BASE_URL, type PostgresSchema } from '../helpers/services.js';

const run = promisify(execFile);

let s3: TestS3;
let source: RunningServer;
let sourceSchema: PostgresSchema;
let assetHash: string;
const restoredDatabase = `mib_restore_${process.pid}_${Date.now()}`;

const bucketEnv = (bucket: string): Record<string, string> => s3.env(bucket);
const backupEnv = (): Record<string, string> => ({
  BACKUP_S3_URL: 's3://backups/nightly/',
  BACKUP_S3_ENDPOINT: s3.endpoint,
  BACKUP_S3_ACCESS_KEY_ID: 'S3RVER',
  BACKUP_S3_SECRET_ACCESS_KEY: 'S3RVER',
});

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_BASE_URL });
  await client.connect();
  await client.query(statement).finally(() => client.end());
}

function databaseUrl(database: string, schema: string): string {
  const url = new URL(POSTGRES_BASE_URL);
  url.pathname = `/${database}`;
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

beforeAll(async () => {
  s3 = await startS3(['live', 'backups', 'restored']);
  sourceSchema = await createPostgresSchema();
  source = await startInProcessServer({ DATABASE_URL: sourceSchema.url, ...bucketEnv('live') });
  ({ assetHash } = await populateInstallation(source, 'kept-world'));
}, 180_000);

afterAll(async () => {
  await source?.close();
  await sourceSchema?.drop();
  await admin(`drop database if exists ${restoredDatabase} with (force)`).catch(() => undefined);
  await s3?.close();
});

describe('backup and restore (ops command)', () => {
  it('backs up, restores into an empty database and bucket, and everything is there', async () => {
    const { url: sourceUrl, schema } = sourceSchema;
    const first = await ops(['backup'], { DATABASE_URL: sourceUrl, ...bucketEnv('live'), ...backupEnv() });
    expect([first.code, first.stderr]).toEqual([0, '']);
    const backedUp = JSON.parse(first.stdout.trim().split('\n').at(-1)!) as {
      name: string;
      assets: number;
      assetsUploaded: number;
      assetsMissing: string[];
    };
    expect(backedUp.assets).toBeGreaterThanOrEqual(2); // the model and its thumbnail
    expect(backedUp.assetsUploaded).toBe(backedUp.assets);
    expect(backedUp.assetsMissing).toEqual([]);

    // A second backup a second later stores no blob twice; both are listed.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // This one from a dump another container made (Kubernetes' init container runs PostgreSQL's pg_dump).
    const dumpFile = path.join(await mkdtemp(path.join(tmpdir(), 'mib-dump-')), 'database.dump');
    await run('pg_dump', [
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      `--schema=${schema}`,
      `--file=${dumpFile}`,
      `--dbname=${POSTGRES_BASE_URL}`,
    ]);
    const second = await ops(['backup', '--dump-file', dumpFile], {
      DATABASE_URL: sourceUrl,
      ...bucketEnv('live'),
      ...backupEnv(),
    });
    expect(JSON.parse(second.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      assets: backedUp.assets,
      assetsUploaded: 0,
    });
    const listed = await ops(['backups'], { ...backupEnv() });
    expect(listed.stdout.trim().split('\n')).toHaveLength(2);

    // Restore the first into a new, empty database and an empty bucket.
    await admin(`create database ${restoredDatabase}`);
    const restoredUrl = databaseUrl(restoredDatabase, schema);
    const restored = await ops(['restore', '--backup', backedUp.name], {
      DATABASE_URL: restoredUrl,
      ...bucketEnv('restored'),
      ...backupEnv(),
    });
    expect([restored.code, restored.stderr]).toEqual([0, '']);
    expect(restored.stdout).toContain(`restored ${backedUp.name}`);

    const before = await postgresContents(sourceUrl, { migrationTables: true });
    const after = await postgresContents(restoredUrl, { migrationTables: true });
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const table of Object.keys(before)) expect([table, after[table]]).toEqual([table, before[table]]);
    expect(before.nft_bindings).toHaveLength(1);
    expect(before.world_state).toHaveLength(1);

    // A server on the restored pair serves the world and the asset's bytes.
    // (A process of its own: Colyseus' matchmaker is one per process.)
    const replica = await startServerProcess({ DATABASE_URL: restoredUrl, ...bucketEnv('restored') });
    try {
      const world = await fetch(`${replica.url}/worlds/kept-world`);
      expect(world.status).toBe(200);
      const original = Buffer.from(
        await (await fetch(`${source.url}/assets/files/${assetHash}`)).arrayBuffer(),
      );
      const copy = Buffer.from(await (await fetch(`${replica.url}/assets/files/${assetHash}`)).arrayBuffer());
      expect(copy.equals(original)).toBe(true);
      expect(copy.subarray(0, 4).toString()).toBe('glTF');
    } finally {
      await replica.stop();
    }

    // Restoring again into the same database is refused, and nothing changes.
    const again = await ops(['restore'], {
      DATABASE_URL: restoredUrl,
      ...bucketEnv('restored'),
      ...backupEnv(),
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /already holds \d+ tables in schema "mib_test_\w+": restore only into an empty database/,
    );
    expect(await postgresContents(restoredUrl, { migrationTables: true })).toEqual(after);
  }, 180_000);

  it('answers bad settings and arguments with what to do', async () => {
    const noTarget = await ops(['backup'], { DATABASE_URL: sourceSchema.url });
    expect(noTarget.code).toBe(1);
    expect(noTarget.stderr).toMatch(
      /BACKUP_S3_URL is required: the bucket and prefix backups go to, e\.g\. s3:\/\//,
    );
    const badUrl = await ops(['backups'], { ...backupEnv(), BACKUP_S3_URL: 'https://backups' });
    expect(badUrl.stderr).toMatch(/BACKUP_S3_URL must be s3:\/\/<bucket>/);
    const embedded = await ops(['backup'], { ...backupEnv() });
    expect(embedded.stderr).toMatch(/backups need PostgreSQL \(DATABASE_URL\)/);
    const notADump = await ops(['backup', '--dump-file', 'package.json'], {
      DATABASE_URL: sourceSchema.url,
      ...bucketEnv('live'),
      ...backupEnv(),
    });
    expect(notADump.stderr).toMatch(
      /--dump-file package\.json is not a pg_dump custom-format dump: make it with pg_dump --format=custom/,
    );
    const unknown = await ops(['bakup'], {});
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      expect.stringMatching(/^unknown command "bakup"\nusage:/),
    ]);
    const period = await ops(['backup', '--every', '0h'], {});
    expect([period.code, period.stderr]).toEqual([2, expect.stringMatching(/--every "0h" is not a period/)]);
    const noBackup = await ops(['restore', '--backup', '1999-01-01T00-00-00Z'], {
      DATABASE_URL: sourceSchema.url,
      ...bucketEnv('live'),
      ...backupEnv(),
    });
    expect(noBackup.stderr).toMatch(
      // (whether or not the other test has made backups by now)
      /no finished backup "1999-01-01T00-00-00Z" in s3:\/\/backups\/nightly\/; there are: |s3:\/\/backups\/nightly\/ holds no finished backup/,
    );
    expect(noBackup.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
