import type { Kysely } from 'kysely';
import { DEMO_WORLD_SLUG } from '../../protocol/index.js';
import { canonicalJson, etagOf } from './canonical-json.js';
import { storeDraftBody } from './draft-bodies.js';
import { demoScene, type DemoFurniture } from './demo-scene.js';
import type { Database, World } from './tables.js';
import type { WorldsRepository } from './worlds-repository.js';

/** The organization that owns worlds nobody else does (created by migration 0002). */
export const DEFAULT_ORG_SLUG = 'default';

/** Whether the demo world has a scene already (then seeding it again changes nothing). */
export async function demoWorldSeeded(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('worlds')
    .innerJoin('scene_drafts', 'scene_drafts.world_id', 'worlds.id')
    .select('worlds.id')
    .where('worlds.slug', '=', DEMO_WORLD_SLUG)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Makes sure the demo world exists (public, in the default organization) with a published scene, so a
 * newcomer sees something on first start; furnished when `furniture` names the pieces' assets (already
 * stored). Idempotent: a scene is published only while the world has none, and an existing draft is never
 * replaced.
 */
export async function seedDemoWorld(
  db: Kysely<Database>,
  worlds: WorldsRepository,
  furniture?: DemoFurniture,
): Promise<World> {
  const org = await db
    .selectFrom('organizations')
    .select('id')
    .where('slug', '=', DEFAULT_ORG_SLUG)
    .executeTakeFirst();
  if (!org)
    throw new Error(`database: organization "${DEFAULT_ORG_SLUG}" is missing; was migration 0002 applied?`);
  const world = await worlds.ensure({
    slug: DEMO_WORLD_SLUG,
    name: 'Demo world',
    org_id: org.id,
    published_version: null,
    thumbnail_asset: null,
    // The README walkthrough shows camera video and a screen share on the demo's screen.
    allow_camera: true,
    allow_screen_share: true,
  });
  const body = canonicalJson(demoScene(furniture));
  const inserted = await db
    .insertInto('scene_drafts')
    .values({
      world_id: world.id,
      revision: 1,
      body,
      bytes: Buffer.byteLength(body),
      etag: etagOf(body),
      updated_by: null,
    })
    .onConflict((c) => c.column('world_id').doNothing())
    .returning('world_id')
    .executeTakeFirst();
  // Stored whole first (a valid form), then per entity: an interruption between leaves a whole draft.
  if (inserted) await storeDraftBody(db, world.id, body);
  if (world.published_version !== null) return world;
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('scene_versions')
      .values({
        world_id: world.id,
        version: 1,
        body,
        etag: etagOf(body),
        author_id: null,
        message: 'Demo scene',
        rollback_of: null,
      })
      .onConflict((c) => c.columns(['world_id', 'version']).doNothing())
      .execute();
    await trx
      .updateTable('worlds')
      .set({ published_version: 1 })
      .where('id', '=', world.id)
      .where('published_version', 'is', null)
      .execute();
    return trx.selectFrom('worlds').selectAll().where('id', '=', world.id).executeTakeFirstOrThrow();
  });
}
