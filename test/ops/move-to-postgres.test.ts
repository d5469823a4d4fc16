/**
 * Moving off the embedded defaults: an installation populated on an embedded database (PGlite under
 * DATA_DIR, EMBEDDED_DATABASE=pglite) and local asset files — an organization, accounts, a world with versions, an uploaded
 * model, a binding, a saved state, audit rows — is moved by the ops command into an empty PostgreSQL and an
 * S3 bucket (s3rver), and found whole: every row of every table, every blob, and a server started on the
 * new settings serves the world and the asset. The embedded data is untouched; a second move into the now
 * populated database is refused with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { startInProcessServer } from '../helpers/in-process-server.js';
import {
  populateInstallation,
  postgresContents,
  runOps as ops,
  tableContents,
} from '../helpers/installation.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { startServerProcess, tempDir } from '../helpers/server-process.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/services.js';

let s3: TestS3;
let dataDir: string;
let target: PostgresSchema;
let assetHash: string;

const bucketEnv = (): Record<string, string> => s3.env('moved');

/** Every row of every table of the embedded database. */
async function embeddedContents(dir: string): Promise<Record<string, string[]>> {
  const db = await PGlite.create(path.join(dir, 'pglite'));
  try {
    return await tableContents(async <R>(sql: string) => (await db.query<R>(sql)).rows, {
      migrationTables: false,
    });
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  s3 = await startS3(['moved']);
  target = await createPostgresSchema();
  // An installation on the embedded defaults, populated, then stopped.
  dataDir = await tempDir('mib-embedded-');
  const embedded = await startInProcessServer({
    DATABASE_URL: '',
    EMBEDDED_DATABASE: 'pglite',
    DATA_DIR: dataDir,
  });
  try {
    ({ assetHash } = await populateInstallation(embedded, 'moved-world'));
  } finally {
    await embedded.close();
  }
}, 180_000);

afterAll(async () => {
  await target?.drop();
  await s3?.close();
});

describe('move-to-postgres (ops command)', () => {
  it('moves every table and asset of an embedded installation into PostgreSQL and S3, whole', async () => {
    const before = await embeddedContents(dataDir);
    expect(before.nft_bindings).toHaveLength(1);
    expect(before.world_state).toHaveLength(1);
    expect(before.audit_log!.length).toBeGreaterThan(0);
    expect(before.asset_files!.length).toBeGreaterThanOrEqual(2);

    const moved = await ops(['move-to-postgres'], {
      DATA_DIR: dataDir,
      EMBEDDED_DATABASE: 'pglite',
      DATABASE_URL: target.url,
      ...bucketEnv(),
    });
    expect([moved.code, moved.stderr]).toEqual([0, '']);
    const result = JSON.parse(moved.stdout.trim().split('\n').at(-1)!) as {
      rows: number;
      assets: number;
      assetsCopied: number;
    };
    expect(result.assets).toBe(before.asset_files!.length);
    expect(result.assetsCopied).toBe(result.assets);
    expect(result.rows).toBe(Object.values(before).reduce((sum, rows) => sum + rows.length, 0));

    const after = await postgresContents(target.url, { migrationTables: false });
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const table of Object.keys(before)) expect([table, after[table]]).toEqual([table, before[table]]);
    // The embedded data is as it was.
    expect(await embeddedContents(dataDir)).toEqual(before);

    // A server on the new settings serves the world and the asset's bytes from the bucket.
    const server = await startServerProcess({ DATABASE_URL: target.url, ...bucketEnv() });
    try {
      expect((await fetch(`${server.url}/worlds/moved-world`)).status).toBe(200);
      const file = Buffer.from(await (await fetch(`${server.url}/assets/files/${assetHash}`)).arrayBuffer());
      expect(file.subarray(0, 4).toString()).toBe('glTF');
      // Signing in works with the moved account (its password hash came along).
      expect(after.accounts!.length).toBe(before.accounts!.length);
    } finally {
      await server.stop();
    }

    // Into a database that now holds data: refused, nothing changed.
    const again = await ops(['move-to-postgres'], {
      DATA_DIR: dataDir,
      EMBEDDED_DATABASE: 'pglite',
      DATABASE_URL: target.url,
      ...bucketEnv(),
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds \d+ tables: move only into an empty database/);
    expect(again.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);

  it('says what to set when DATABASE_URL is missing', async () => {
    const missing = await ops(['move-to-postgres'], { DATA_DIR: dataDir });
    expect([missing.code, missing.stderr]).toEqual([
      1,
      expect.stringMatching(/^move: set DATABASE_URL to the PostgreSQL to move into/),
    ]);
  });
});
