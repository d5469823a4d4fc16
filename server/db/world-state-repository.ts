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
   * Stores `state` as revision `expectedRevision + 1`, only if the stored revision is still
   * `expectedRevision` (0: nothing stored yet). Returns false when another writer (another live instance of
   * the world) saved first; the caller reloads, merges and tries again. Never overwrites a newer snapshot.
   */
  async compareAndSave(worldId: string, expectedRevision: number, state: WorldSnapshot): Promise<boolean> {
    const json = JSON.stringify(state);
    if (expectedRevision === 0) {
      const inserted = await this.db
        .insertInto('world_state')
        .values({ world_id: worldId, revision: 1, state: json })
        .onConflict((conflict) => conflict.column('world_id').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
    }
    const updated = await this.db
      .updateTable('world_state')
      .set({ revision: expectedRevision + 1, state: json })
      .where('world_id', '=', worldId)
      .where('revision', '=', expectedRevision)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) > 0;
  }
}
