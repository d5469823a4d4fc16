import type { Kysely } from 'kysely';
import type { Database, WorldSnapshot } from './tables.js';

export interface StoredSnapshot {
  revision: number;
  state: WorldSnapshot;
}

/** The latest persistent-state snapshot of each world. */
export class WorldStateRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async load(worldId: string): Promise<StoredSnapshot | undefined> {
    const row = await this.db
      .selectFrom('world_state')
      .select(['revision', 'state'])
      .where('world_id', '=', worldId)
      .executeTakeFirst();
    return row ? { revision: row.revision, state: row.state } : undefined;
  }

  /**
   * Stores `state` as the world's snapshot at `revision`. A save never goes backwards: when a newer revision
   * is already stored (a second live instance of the same world), the stored one is kept and false returned.
   */
  async save(worldId: string, revision: number, state: WorldSnapshot): Promise<boolean> {
    const json = JSON.stringify(state);
    const result = await this.db
      .insertInto('world_state')
      .values({ world_id: worldId, revision, state: json })
      .onConflict((conflict) =>
        conflict
          .column('world_id')
          .doUpdateSet({ revision, state: json })
          .where('world_state.revision', '<', revision),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
}
