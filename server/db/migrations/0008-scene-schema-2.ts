import { sql, type Kysely } from 'kysely';
import { convertSceneV1, isSceneV1 } from '../../../protocol/index.js';
import { canonicalJson, etagOf } from '../canonical-json.js';

/** Rows converted per query, so a large installation never holds every scene in memory at once. */
const BATCH = 200;

interface SceneRow {
  world_id: string;
  version: number | null;
  body: string;
}

/**
 * Scene documents to schema 2: every draft and published version stored as schema 1 is converted
 * (`convertSceneV1`) and stored again as canonical JSON with its new ETag. A document that cannot be
 * converted is left exactly as it is and recorded in `scene_conversion_problems` (the entity and the
 * reason); the server logs each such row at start until someone fixes the draft and publishes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table scene_conversion_problems (
      world_id uuid not null references worlds (id) on delete cascade,
      version integer,
      entity text,
      path text not null,
      reason text not null,
      recorded_at timestamptz not null default now()
    )`.execute(db);
  await convert(db, 'scene_drafts');
  await convert(db, 'scene_versions');
}

async function convert(db: Kysely<unknown>, table: 'scene_drafts' | 'scene_versions'): Promise<void> {
  const versionColumn = table === 'scene_versions' ? sql`version` : sql`null::integer`;
  let after = { world: '00000000-0000-0000-0000-000000000000', version: -1 };
  for (;;) {
    const { rows } = await sql<SceneRow>`
      select world_id, ${versionColumn} as version, body from ${sql.table(table)}
      where (world_id, coalesce(${versionColumn}, -1)) > (${after.world}::uuid, ${after.version})
        and body like '%"schema":1%'
      order by world_id, coalesce(${versionColumn}, -1)
      limit ${BATCH}`.execute(db);
    for (const row of rows) {
      const document: unknown = JSON.parse(row.body);
      if (!isSceneV1(document)) continue;
      const converted = convertSceneV1(document);
      if (!converted.ok) {
        await sql`
          insert into scene_conversion_problems (world_id, version, entity, path, reason)
          values (${row.world_id}, ${row.version}, ${converted.entity ?? null}, ${converted.path}, ${converted.reason})`.execute(
          db,
        );
        continue;
      }
      const body = canonicalJson(converted.scene);
      if (table === 'scene_drafts')
        await sql`update scene_drafts set body = ${body}, etag = ${etagOf(body)} where world_id = ${row.world_id}`.execute(
          db,
        );
      else
        await sql`
          update scene_versions set body = ${body}, etag = ${etagOf(body)}
          where world_id = ${row.world_id} and version = ${row.version}`.execute(db);
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) return;
    after = { world: last.world_id, version: last.version ?? -1 };
  }
}

/** Schema 2 documents stay: the converted ones carry everything schema 1 said. Only the table goes. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table scene_conversion_problems`.execute(db);
}
