/** Where each chain's transfer indexer stopped (nft-bridge IndexerCursor, as JSON). */
import type { Kysely } from 'kysely';
import { cursorFromJson, cursorToJson, type IndexerCursor } from '../../nft-bridge/index.js';
import type { Database } from '../db/tables.js';

export class ChainCursorsRepository {
  async load(db: Kysely<Database>, chainId: number): Promise<IndexerCursor | undefined> {
    const row = await db
      .selectFrom('chain_cursors')
      .select('cursor')
      .where('chain_id', '=', chainId)
      .executeTakeFirst();
    return row ? cursorFromJson(row.cursor as ReturnType<typeof cursorToJson>) : undefined;
  }

  /** Call inside the transaction that applied the blocks up to the cursor. */
  async save(db: Kysely<Database>, chainId: number, cursor: IndexerCursor): Promise<void> {
    const json = JSON.stringify(cursorToJson(cursor));
    await db
      .insertInto('chain_cursors')
      .values({ chain_id: chainId, cursor: json })
      .onConflict((conflict) =>
        conflict.column('chain_id').doUpdateSet({ cursor: json, updated_at: new Date() }),
      )
      .execute();
  }
}
