import { sql, type Kysely } from 'kysely';

/**
 * What visitors may publish in a world's voice rooms besides their microphone: camera video and screen
 * share. Both off by default (least privilege); the owner turns them on in the world's settings.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table worlds add column allow_camera boolean not null default false`.execute(db);
  await sql`alter table worlds add column allow_screen_share boolean not null default false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table worlds drop column allow_screen_share`.execute(db);
  await sql`alter table worlds drop column allow_camera`.execute(db);
}
