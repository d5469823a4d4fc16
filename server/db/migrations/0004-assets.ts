import { sql, type Kysely } from 'kysely';

/**
 * Assets from the pipeline. asset_files: every stored blob (an optimized GLB, its LODs, its thumbnail) by
 * sha-256, with its media type — rows are written only after the blob is fully in the store. assets: the
 * optimized models with their reports. asset_jobs: uploads being processed, with progress; an upload's
 * input file stays under DATA_DIR until its job ends, so an interrupted job can run again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table asset_files (
      hash text primary key check (hash ~ '^[0-9a-f]{64}$'),
      media_type text not null,
      bytes bigint not null check (bytes >= 0),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table assets (
      hash text primary key references asset_files (hash),
      profile text not null,
      report jsonb not null,
      created_by uuid references accounts (id) on delete set null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table asset_jobs (
      id uuid primary key,
      account_id uuid not null references accounts (id) on delete cascade,
      profile text not null,
      options jsonb not null,
      status text not null check (status in ('queued', 'running', 'succeeded', 'rejected', 'failed')),
      stage text,
      percent integer not null default 0 check (percent between 0 and 100),
      input_bytes bigint not null,
      input_name text not null,
      attempts integer not null default 0,
      asset_hash text references assets (hash),
      problems jsonb,
      error text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index asset_jobs_unfinished on asset_jobs (created_at) where status in ('queued', 'running')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table asset_jobs`.execute(db);
  await sql`drop table assets`.execute(db);
  await sql`drop table asset_files`.execute(db);
}
