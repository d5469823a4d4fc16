import { sql, type Kysely } from 'kysely';
import { canonicalJson } from '../canonical-json.js';

/** Drafts split per query, so a large installation never holds every draft in memory at once. */
const BATCH = 50;

/**
 * Drafts stored one row per entity (see draft-bodies.ts): a save writes the entities it changed instead of
 * the whole document. Every schema 2 draft is split into `scene_draft_entities` and its `body` set to null;
 * any other draft stays whole. `scene_drafts.bytes` is the draft's length in bytes, kept by every write.
 * `scene_draft_documents` gives every draft's canonical text (joined from its rows when stored per entity)
 * and that length.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table scene_draft_entities (
      world_id uuid not null references scene_drafts (world_id) on delete cascade,
      entity_id text collate "C" not null,
      body text not null,
      primary key (world_id, entity_id)
    )`.execute(db);
  await sql`alter table scene_drafts alter column body drop not null`.execute(db);
  // The draft's length in bytes, kept by every write: quotas and usage read it instead of summing rows.
  await sql`alter table scene_drafts add column bytes bigint`.execute(db);
  await sql`update scene_drafts set bytes = octet_length(body)`.execute(db);
  await sql`alter table scene_drafts alter column bytes set not null`.execute(db);
  await sql`
    create view scene_draft_documents as
    select
      d.world_id, d.revision, d.etag, d.updated_by, d.updated_at,
      coalesce(
        d.body,
        '{"entities":{' || coalesce((
          select string_agg(to_json(e.entity_id)::text || ':' || e.body, ',' order by e.entity_id)
          from scene_draft_entities e where e.world_id = d.world_id
        ), '') || '},"schema":2}'
      ) as body,
      d.bytes
    from scene_drafts d`.execute(db);
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<{ world_id: string; body: string }>`
      select world_id, body from scene_drafts
      where world_id > ${after}::uuid and body like '%"schema":2}'
      order by world_id
      limit ${BATCH}`.execute(db);
    for (const row of rows) {
      const document = JSON.parse(row.body) as { schema?: unknown; entities?: Record<string, unknown> };
      if (document.schema !== 2 || !document.entities) continue;
      const entries = Object.entries(document.entities);
      if (entries.length > 0)
        await sql`
          insert into scene_draft_entities (world_id, entity_id, body)
          select ${row.world_id}, * from unnest(
            ${entries.map(([id]) => id)}::text[],
            ${entries.map(([, entity]) => canonicalJson(entity))}::text[]
          )`.execute(db);
      await sql`update scene_drafts set body = null where world_id = ${row.world_id}`.execute(db);
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) return;
    after = last.world_id;
  }
}

/** Every draft whole again (its joined text, the same bytes and ETag). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    update scene_drafts d set body = v.body
    from scene_draft_documents v where v.world_id = d.world_id and d.body is null`.execute(db);
  await sql`drop view scene_draft_documents`.execute(db);
  await sql`drop table scene_draft_entities`.execute(db);
  await sql`alter table scene_drafts drop column bytes`.execute(db);
  await sql`alter table scene_drafts alter column body set not null`.execute(db);
}
