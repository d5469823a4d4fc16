import { sql, type Kysely } from 'kysely';

/** Worlds and their persistent-state snapshots. Plain SQL so it runs the same on PGlite and PostgreSQL. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table worlds (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      name text not null check (length(name) between 1 and 120),
      created_at timestamptz not null default now()
    )
  `.execute(db);
  await sql`
    create table world_state (
      world_id uuid primary key references worlds (id) on delete cascade,
      revision integer not null check (revision > 0),
      state jsonb not null,
      saved_at timestamptz not null default now()
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table world_state`.execute(db);
  await sql`drop table worlds`.execute(db);
}
