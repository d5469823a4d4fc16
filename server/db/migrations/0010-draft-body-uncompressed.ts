import { sql, type Kysely } from 'kysely';

/**
 * A draft's body is stored out of line without compression (storage EXTERNAL): the studio rewrites it on
 * every save, and compressing a large scene (hundreds of kB) each time cost more than everything else a
 * save does. Versions, written once and read rarely, stay compressed. Quotas count octet_length, the
 * text's own size, either way.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table scene_drafts alter column body set storage external`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table scene_drafts alter column body set storage extended`.execute(db);
}
