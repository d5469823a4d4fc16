import { sql, type Kysely } from 'kysely';

/**
 * A draft edited live in the studio is a Yjs document; its encoded state is kept beside the draft (saved with
 * it, `etag` the draft's ETag it matches) so a studio that was offline, or whose server process died, merges
 * its edits into the same history instead of a copy rebuilt from JSON.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table scene_draft_live (
      world_id uuid primary key references worlds (id) on delete cascade,
      state bytea not null,
      etag text not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table scene_draft_live`.execute(db);
}
