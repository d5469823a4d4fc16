import type { Kysely } from 'kysely';
import type { Database } from './tables.js';

/** Reads published scene versions (as stored canonical JSON text) for the room layer. */
export class SceneVersionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The body of version `version` of the world, if it exists. */
  async body(worldId: string, version: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('scene_versions')
      .select('body')
      .where('world_id', '=', worldId)
      .where('version', '=', version)
      .executeTakeFirst();
    return row?.body;
  }
}
