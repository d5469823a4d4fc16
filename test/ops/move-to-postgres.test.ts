/**
 * Moving off the embedded defaults: an installation populated on `npm start`'s embedded database (PGlite
 * under DATA_DIR) and local asset files — an organization, accounts, a world with versions, an uploaded
 * model, a binding, a saved state, audit rows — is moved by the ops command into an empty PostgreSQL and an
 * S3 bucket (s3rver), and found whole: every row of every table, every blob, and a server started on the
 * new settings serves the world and the asset. The embedded data is untouched; a second move into the now
 * populated database is refused with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import S3rver from 's3rver';
import { pmndrsModels } from '../../bench/assets/sample-models.js';
import { createOrg, createWorld, registerAccount } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { startServerProcess, tempDir } from '../helpers/server-process.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';

const run = promisify(execFile);

let s3: S3rver;
let s3Url: string;
let dataDir: string;
let target: PostgresSchema;
let assetHash: string;

const bucketEnv = (): Record<string, string> => ({
  ASSET_S3_BUCKET: 'moved',
  ASSET_S3_ENDPOINT: s3Url,
  ASSET_S3_ACCESS_KEY_ID: 'S3RVER',
  ASSET_S3_SECRET_ACCESS_KEY: 'S3RVER',
});

async function ops(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/server/ops/main.js', ...args], {
      // A port nothing listens on: the command checks that no server answers on the configured one.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        PORT: '9',
        LOG_LEVEL: 'warn',
        ...env,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const TABLES_SQL = `select table_name from information_schema.tables
  where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%' order by 1`;
const rowsSql = (table: string): string => `select row_to_json(t)::text as row from "${table}" t`;

/** Every row of every table of the embedded database, as sorted JSON text. */
async function embeddedContents(dir: string): Promise<Record<string, string[]>> {
  const db = await PGlite.create(path.join(dir, 'pglite'));
  try {
    const result: Record<string, string[]> = {};
    for (const { table_name: table } of (await db.query<{ table_name: string }>(TABLES_SQL)).rows)
      result[table] = (await db.query<{ row: string }>(rowsSql(table))).rows.map((row) => row.row).sort();
    return result;
  } finally {
    await db.close();
  }
}

async function postgresContents(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result: Record<string, string[]> = {};
    for (const { table_name: table } of (await client.query<{ table_name: string }>(TABLES_SQL)).rows)
      result[table] = (await client.query<{ row: string }>(rowsSql(table))).rows.map((row) => row.row).sort();
    return result;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: await mkdtemp(path.join(tmpdir(), 'mib-s3rver-')),
    configureBuckets: [{ name: 'moved', configs: [] }],
  });
  s3Url = `http://127.0.0.1:${((await s3.run()) as { port: number }).port}`;
  target = await createPostgresSchema();

  // An installation on the embedded defaults, populated through the API, then stopped.
  dataDir = await tempDir('mib-embedded-');
  const embedded = await startInProcessServer({ DATABASE_URL: '', DATA_DIR: dataDir });
  try {
    const creator = await registerAccount(embedded.url, 'Mover');
    await createOrg(creator.api, 'movers', 'Movers');
    await createWorld(creator.api, 'movers', { slug: 'moved-world', name: 'Moved world' });
    const auth = { authorization: `Bearer ${creator.token}` };
    const upload = await fetch(`${embedded.url}/assets?profile=prop&lods=false`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'model/gltf-binary' },
      body: Buffer.from((await pmndrsModels())[1]!.glb),
    });
    const { id } = (await upload.json()) as { id: string };
    const job = await waitFor(
      async () =>
        (await (await fetch(`${embedded.url}/assets/jobs/${id}`, { headers: auth })).json()) as {
          status: string;
          assetHash: string;
        },
      (state) => ['succeeded', 'rejected', 'failed'].includes(state.status),
      { what: 'the upload job', timeoutMs: 90_000 },
    );
    expect(job.status).toBe('succeeded');
    assetHash = job.assetHash;
    const db = embedded.database.db;
    const world = await db
      .selectFrom('worlds')
      .select('id')
      .where('slug', '=', 'moved-world')
      .executeTakeFirstOrThrow();
    const wallet = '0x00000000000000000000000000000000000000cc';
    await db
      .insertInto('wallets')
      .values({ address: wallet, account_id: creator.accountId, chain_id: 31337 })
      .execute();
    await db
      .insertInto('nft_bindings')
      .values({
        account_id: creator.accountId,
        wallet,
        chain_id: 31337,
        contract: '0x00000000000000000000000000000000000000dd',
        token_id: '42',
        amount: '1',
        standard: 'erc721',
        use: 'wearable',
        world_id: null,
        target: null,
        revoked_reason: null,
        metadata: JSON.stringify({ name: 'Moved token', model: assetHash }),
      })
      .execute();
    await db
      .insertInto('world_state')
      .values({
        world_id: world.id,
        revision: 5,
        state: JSON.stringify({ v: 1, items: { lever: { x: 2, y: 0, z: 1, yaw: 0 } } }),
      })
      .execute();
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

    const after = await postgresContents(target.url);
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
