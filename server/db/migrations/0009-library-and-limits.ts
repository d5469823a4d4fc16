import { sql, type Kysely } from 'kysely';

/**
 * The asset library and scene limits.
 *
 * library_assets: an upload as a creator sees it — a name (from the file, editable), an owner, optionally
 * an organization and a world, tags — pointing at its job (and, once processed, its content-addressed
 * asset, which several entries may share). Every upload that already succeeded becomes an entry of its
 * uploader, named after its file.
 *
 * Scene limits: organizations.scene_limits is the plan (set by the operator; null = the default plan),
 * worlds.scene_limits a world's own lower limits (set by its owners; null or absent keys = the plan's).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table library_assets (
      id uuid primary key default gen_random_uuid(),
      job_id uuid not null unique references asset_jobs (id) on delete cascade,
      owner_id uuid not null references accounts (id) on delete cascade,
      org_id uuid references organizations (id) on delete cascade,
      world_id uuid references worlds (id) on delete set null,
      name text not null check (length(name) between 1 and 200),
      tags text[] not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index library_assets_owner on library_assets (owner_id, created_at desc)`.execute(db);
  await sql`create index library_assets_org on library_assets (org_id, created_at desc)`.execute(db);
  await sql`create index library_assets_world on library_assets (world_id, created_at desc)`.execute(db);
  await sql`
    insert into library_assets (job_id, owner_id, name, created_at, updated_at)
    select id, account_id, input_name, created_at, updated_at from asset_jobs where status = 'succeeded'`.execute(
    db,
  );
  await sql`alter table organizations add column scene_limits jsonb`.execute(db);
  await sql`alter table worlds add column scene_limits jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table worlds drop column scene_limits`.execute(db);
  await sql`alter table organizations drop column scene_limits`.execute(db);
  await sql`drop table library_assets`.execute(db);
}
