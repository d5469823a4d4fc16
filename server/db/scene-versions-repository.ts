import type { Kysely } from 'kysely';
import type { Database } from './tables.js';

/** Reads published scene versions (as stored canonical JSON text) for the room layer. */
export class SceneVersionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The world's saved draft and its revision (bumped by every save). */
  async draft(worldId: string): Promise<{ body: string; revision: number } | undefined> {
    return this.db
      .selectFrom('scene_draft_documents')
      .select(['body', 'revision'])
      .where('world_id', '=', worldId)
      .executeTakeFirst();
  }

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
