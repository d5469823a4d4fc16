import type { Kysely } from 'kysely';
import { DEMO_WORLD_SLUG, emptyScene } from '../../protocol/index.js';
import { canonicalJson, etagOf } from './canonical-json.js';
import type { Database, World } from './tables.js';
import type { WorldsRepository } from './worlds-repository.js';

/** The organization that owns worlds nobody else does (created by migration 0002). */
export const DEFAULT_ORG_SLUG = 'default';

/**
 * Makes sure the demo world exists (public, in the default organization), so a newcomer sees something on
 * first start. Idempotent.
 */
export async function seedDemoWorld(db: Kysely<Database>, worlds: WorldsRepository): Promise<World> {
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
  });
  const body = canonicalJson(emptyScene());
  await db
    .insertInto('scene_drafts')
    .values({ world_id: world.id, revision: 1, body, etag: etagOf(body), updated_by: null })
    .onConflict((c) => c.column('world_id').doNothing())
    .execute();
  return world;
}
