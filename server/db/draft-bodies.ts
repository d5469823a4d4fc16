/**
 * How a world's draft body is stored. A schema 2 draft is kept one row per entity (`scene_draft_entities`:
 * the entity's canonical JSON text), so a save writes the entities it changed, not the whole document (a
 * 2,000-entity draft is some 600 kB); `scene_drafts.body` is then null. A draft in any other form (a
 * schema 1 document the 0008 migration could not convert) stays whole in `scene_drafts.body`.
 *
 * Readers take the document from the `scene_draft_documents` view: the canonical text joined from the rows
 * in the order RFC 8785 sorts keys (entity ids are ASCII, so byte order, collation "C", is that order),
 * byte for byte what `canonicalJson` gives for the whole document. `scene_drafts.bytes` is that text's
 * length and its ETag that text's, however the draft is stored; every write keeps both.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { canonicalJson } from './canonical-json.js';
import type { Database } from './tables.js';

/** The schema whose documents are stored per entity (the view's text names it too: see 0011). */
const PER_ENTITY_SCHEMA = 2;

/** Each entity's canonical text, by id. */
export function entityTexts(entities: Record<string, unknown>): Map<string, string> {
  return new Map(Object.entries(entities).map(([id, entity]) => [id, canonicalJson(entity)]));
}

/** Each entity's canonical text, by id, when `body` is a schema 2 document; null for any other form. */
export function entityTextsOf(body: string): Map<string, string> | null {
  const document = JSON.parse(body) as { schema?: unknown; entities?: unknown };
  if (document.schema !== PER_ENTITY_SCHEMA || typeof document.entities !== 'object' || !document.entities)
    return null;
  return entityTexts(document.entities as Record<string, unknown>);
}

/** The canonical text of a schema 2 document from its entities' canonical texts (RFC 8785 key order). */
export function joinEntityTexts(texts: ReadonlyMap<string, string>): string {
  const ids = [...texts.keys()].sort(); // UTF-16 code unit order, as RFC 8785 sorts keys
  const parts = ids.map((id) => `${JSON.stringify(id)}:${texts.get(id)!}`);
  return `{"entities":{${parts.join(',')}},"schema":${PER_ENTITY_SCHEMA}}`;
}

/**
 * Stores `body` (canonical JSON) as the draft of `worldId`, whose `scene_drafts` row exists: a schema 2
 * document as one row per entity, writing only rows whose text changed and deleting the others; any other
 * document whole. `texts` (each entity's canonical text) saves splitting the body when the caller has them.
 * Sets the draft's `bytes`; the ETag and revision are the caller's to set.
 */
export async function storeDraftBody(
  db: Kysely<Database> | Transaction<Database>,
  worldId: string,
  body: string,
  texts: ReadonlyMap<string, string> | null = entityTextsOf(body),
): Promise<void> {
  const bytes = Buffer.byteLength(body);
  if (!texts) {
    await db.deleteFrom('scene_draft_entities').where('world_id', '=', worldId).execute();
    await db.updateTable('scene_drafts').set({ body, bytes }).where('world_id', '=', worldId).execute();
    return;
  }
  const ids = [...texts.keys()];
  const bodies = ids.map((id) => texts.get(id)!);
  await sql`
    with incoming as (
      select * from unnest(${ids}::text[], ${bodies}::text[]) as i (entity_id, body)
    ), gone as (
      delete from scene_draft_entities e
      where e.world_id = ${worldId}
        and not exists (select 1 from incoming i where i.entity_id = e.entity_id)
    )
    insert into scene_draft_entities (world_id, entity_id, body)
    select ${worldId}, entity_id, body from incoming
    on conflict (world_id, entity_id) do update set body = excluded.body
    where scene_draft_entities.body is distinct from excluded.body`.execute(db);
  await db.updateTable('scene_drafts').set({ body: null, bytes }).where('world_id', '=', worldId).execute();
}

/**
 * Writes the entities a patch changed (`changed`: id → canonical text, or null when removed) of a draft
 * stored per entity (the caller read it so: its ETag matched under the row lock). The caller sets `bytes`.
 */
export async function storeDraftEntities(
  db: Kysely<Database> | Transaction<Database>,
  worldId: string,
  changed: ReadonlyMap<string, string | null>,
): Promise<void> {
  const removed = [...changed].filter(([, text]) => text === null).map(([id]) => id);
  const kept = [...changed].filter((entry): entry is [string, string] => entry[1] !== null);
  if (removed.length > 0)
    await db
      .deleteFrom('scene_draft_entities')
      .where('world_id', '=', worldId)
      .where('entity_id', 'in', removed)
      .execute();
  if (kept.length > 0)
    await db
      .insertInto('scene_draft_entities')
      .values(kept.map(([id, body]) => ({ world_id: worldId, entity_id: id, body })))
      .onConflict((c) =>
        c.columns(['world_id', 'entity_id']).doUpdateSet({ body: (eb) => eb.ref('excluded.body') }),
      )
      .execute();
}
