/**
 * Scenes the schema 2 migration could not convert stay schema 1 until someone fixes them; the server says so
 * at every start (one warning per stored document), naming the world, the version and the reason.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './tables.js';

export async function reportSceneConversionProblems(db: Kysely<Database>, logger: Logger): Promise<number> {
  const rows = await db
    .selectFrom('scene_conversion_problems as p')
    .innerJoin('worlds as w', 'w.id', 'p.world_id')
    .select(['w.slug', 'p.version', 'p.entity', 'p.path', 'p.reason'])
    // Only documents still schema 1: a draft fixed and saved since, or a version no longer stored, is done.
    .where((eb) =>
      eb.or([
        eb.and([
          eb('p.version', 'is', null),
          eb.exists(
            eb
              .selectFrom('scene_drafts as d')
              .select('d.world_id')
              .whereRef('d.world_id', '=', 'p.world_id')
              .where('d.body', 'like', '%"schema":1}'),
          ),
        ]),
        eb.exists(
          eb
            .selectFrom('scene_versions as v')
            .select('v.world_id')
            .whereRef('v.world_id', '=', 'p.world_id')
            .whereRef('v.version', '=', 'p.version')
            .where('v.body', 'like', '%"schema":1}'),
        ),
      ]),
    )
    .execute();
  for (const row of rows)
    logger.warn(
      {
        world: row.slug,
        version: row.version ?? 'draft',
        entity: row.entity,
        path: row.path,
        reason: row.reason,
      },
      `scene: world "${row.slug}" ${row.version === null ? 'draft' : `version ${row.version}`} is still schema 1 ` +
        'and cannot be converted; open it, fix what the reason names and save (PUT …/scene/draft converts it)',
    );
  return rows.length;
}
