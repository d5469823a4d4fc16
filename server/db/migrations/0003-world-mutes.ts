import { sql, type Kysely } from 'kysely';

/** Per-world chat mutes: like bans (by account, reason, optional expiry), but the visitor stays and cannot chat. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table world_mutes (
      world_id uuid not null references worlds (id) on delete cascade,
      account_id uuid not null references accounts (id) on delete cascade,
      reason text not null check (length(reason) between 1 and 500),
      expires_at timestamptz,
      created_by uuid references accounts (id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (world_id, account_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table world_mutes`.execute(db);
}
