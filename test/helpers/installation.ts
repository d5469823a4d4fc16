/**
 * A populated installation for the ops tests (backup/restore, move-to-postgres): through the API, an
 * organization and a world, and an uploaded model processed by the pipeline (optimized file and thumbnail
 * in the asset store); in the database, a wallet with an NFT binding and a saved world state — a bit of
 * everything an operator must not lose.
 */
import { expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import pg from 'pg';
import { pmndrsModels } from '../../bench/assets/sample-models.js';
import type { RunningServer } from '../../server/index.js';
import { createOrg, createWorld, registerAccount } from './api.js';
import { tempDir } from './server-process.js';
import { waitFor } from './wait.js';

/** Uploads a real model as `token`'s account and waits for its job; resolves with the finished job. */
export async function uploadModel(
  baseUrl: string,
  token: string,
): Promise<{ status: string; assetHash: string }> {
  const auth = { authorization: `Bearer ${token}` };
  const upload = await fetch(`${baseUrl}/assets?profile=prop&lods=false`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'model/gltf-binary' },
    body: Buffer.from((await pmndrsModels())[1]!.glb),
  });
  const { id } = (await upload.json()) as { id: string };
  return waitFor(
    async () =>
      (await (await fetch(`${baseUrl}/assets/jobs/${id}`, { headers: auth })).json()) as {
        status: string;
        assetHash: string;
      },
    (state) => ['succeeded', 'rejected', 'failed'].includes(state.status),
    { what: 'the upload job', timeoutMs: 90_000 },
  );
}

/** Populates `server` with world `slug` and the rest; resolves with the uploaded model's hash. */
export async function populateInstallation(
  server: RunningServer,
  slug: string,
): Promise<{ assetHash: string }> {
  const creator = await registerAccount(server.url, 'Keeper');
  await createOrg(creator.api, `${slug}-org`, 'Keepers');
  await createWorld(creator.api, `${slug}-org`, { slug, name: slug });
  const job = await uploadModel(server.url, creator.token);
  expect(job.status).toBe('succeeded');
  const db = server.database.db;
  const world = await db.selectFrom('worlds').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
  const wallet = '0x00000000000000000000000000000000000000aa';
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
      contract: '0x00000000000000000000000000000000000000bb',
      token_id: '7',
      amount: '1',
      standard: 'erc721',
      use: 'frame',
      world_id: world.id,
      target: 'frame-1',
      revoked_reason: null,
      metadata: JSON.stringify({ name: 'Kept token', model: job.assetHash }),
    })
    .execute();
  await db
    .insertInto('world_state')
    .values({
      world_id: world.id,
      revision: 3,
      state: JSON.stringify({ v: 1, items: { crate: { x: 1, y: 0, z: 2, yaw: 0.5 } } }),
    })
    .execute();
  return { assetHash: job.assetHash };
}

/** Runs the built ops command; resolves with its exit code and output (never throws on a failure). */
export async function runOps(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['dist/server/ops/main.js', ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          TMPDIR: tmpdir(),
          DATA_DIR: await tempDir('mib-ops-'),
          // A port nothing listens on: move-to-postgres checks that no server answers on the configured one.
          PORT: '9',
          LOG_LEVEL: 'warn',
          ...env,
        },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Runs one SQL statement on some database (PGlite or PostgreSQL) and resolves with its rows. */
export type RowsOf = <R>(sql: string) => Promise<R[]>;

/**
 * Every row of every table of the current schema, as PostgreSQL's own JSON of each row, sorted per table:
 * what "finds everything" compares across a backup/restore or a move. Kysely's migration bookkeeping is
 * left out on request (a move migrates the target itself, so its rows differ in time).
 */
export async function tableContents(
  rows: RowsOf,
  options: { migrationTables: boolean },
): Promise<Record<string, string[]>> {
  const tables = await rows<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = current_schema()
       and table_type = 'BASE TABLE' ${options.migrationTables ? '' : "and table_name not like 'kysely_%'"} order by 1`,
  );
  const result: Record<string, string[]> = {};
  for (const { table_name: table } of tables)
    result[table] = (await rows<{ row: string }>(`select row_to_json(t)::text as row from "${table}" t`))
      .map((row) => row.row)
      .sort();
  return result;
}

/** tableContents of a PostgreSQL database (its URL's search_path picks the schema). */
export async function postgresContents(
  url: string,
  options: { migrationTables: boolean },
): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await tableContents(async <R>(sql: string) => (await client.query(sql)).rows as R[], options);
  } finally {
    await client.end();
  }
}
