import { sql, type Kysely } from 'kysely';

/**
 * Embed keys are public (they sit in a page's HTML), so the key itself is kept beside its hash: the studio's
 * Share panel shows the snippet again whenever it is opened. Secret keys keep only their hash (null here).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys add column public_key text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys drop column public_key`.execute(db);
}
