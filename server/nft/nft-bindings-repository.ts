/** NFT bindings in the database; addresses lowercase, token ids and amounts as decimal strings. */
import type { Kysely } from 'kysely';
import type { BindingUse, Database, TokenDisplay } from '../db/tables.js';
import type { BindingRow, InstanceBindings } from '../rooms/nft-ports.js';

export type { BindingRow };

export interface NewBinding {
  accountId: string;
  wallet: string;
  chainId: number;
  contract: string;
  tokenId: bigint;
  amount: bigint;
  standard: 'erc721' | 'erc1155';
  use: BindingUse;
  worldId: string | null;
  target: string | null;
  metadata: TokenDisplay | null;
}

/** Why the indexer revoked a binding (shown to its owner). */
export const TRANSFERRED =
  'the wallet no longer holds this token; it is shown again if the token comes back to the wallet';

export class NftBindingsRepository implements InstanceBindings {
  constructor(private readonly db: Kysely<Database>) {}

  async create(binding: NewBinding): Promise<BindingRow> {
    return this.db
      .insertInto('nft_bindings')
      .values({
        account_id: binding.accountId,
        wallet: binding.wallet.toLowerCase(),
        chain_id: binding.chainId,
        contract: binding.contract.toLowerCase(),
        token_id: binding.tokenId.toString(),
        amount: binding.amount.toString(),
        standard: binding.standard,
        use: binding.use,
        world_id: binding.worldId,
        target: binding.target,
        metadata: binding.metadata ? JSON.stringify(binding.metadata) : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  listForAccount(accountId: string): Promise<BindingRow[]> {
    return this.db
      .selectFrom('nft_bindings')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .execute();
  }

  async delete(accountId: string, id: string): Promise<BindingRow | undefined> {
    return this.db
      .deleteFrom('nft_bindings')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Bindings of these tokens on `chainId` (active or revoked: both are re-checked). */
  ofTokens(
    db: Kysely<Database>,
    chainId: number,
    tokens: ReadonlyArray<{ contract: string; tokenId: bigint }>,
  ): Promise<BindingRow[]> {
    if (tokens.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('nft_bindings')
      .selectAll()
      .where('chain_id', '=', chainId)
      .where((eb) =>
        eb.or(
          tokens.map((token) =>
            eb.and([
              eb('contract', '=', token.contract.toLowerCase()),
              eb('token_id', '=', token.tokenId.toString()),
            ]),
          ),
        ),
      )
      .execute();
  }

  onChain(db: Kysely<Database>, chainId: number): Promise<BindingRow[]> {
    return db.selectFrom('nft_bindings').selectAll().where('chain_id', '=', chainId).execute();
  }

  /** Contracts with bindings on the chain (the indexer follows their transfers). */
  async contracts(chainId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('nft_bindings')
      .select('contract')
      .distinct()
      .where('chain_id', '=', chainId)
      .execute();
    return rows.map((row) => row.contract);
  }

  async setStatus(db: Kysely<Database>, ids: readonly string[], active: boolean): Promise<void> {
    if (ids.length === 0) return;
    await db
      .updateTable('nft_bindings')
      .set({
        status: active ? 'active' : 'revoked',
        revoked_reason: active ? null : TRANSFERRED,
        changed_at: new Date(),
      })
      .where('id', 'in', ids)
      .execute();
  }

  /** Active frame bindings of a world, newest first (the newest one on a frame is shown). */
  activeFrames(worldId: string): Promise<BindingRow[]> {
    return this.db
      .selectFrom('nft_bindings')
      .selectAll()
      .where('world_id', '=', worldId)
      .where('use', '=', 'frame')
      .where('status', '=', 'active')
      .orderBy('created_at', 'desc')
      .execute();
  }

  /**
   * What each account wears: the display (picture, model, slot) of its newest active wearable binding
   * that has a picture or a model.
   */
  async wearing(accountIds: readonly string[]): Promise<Map<string, TokenDisplay>> {
    if (accountIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('nft_bindings')
      .select(['account_id', 'metadata'])
      .where('account_id', 'in', accountIds)
      .where('use', '=', 'wearable')
      .where('status', '=', 'active')
      .orderBy('created_at', 'desc')
      .execute();
    const worn = new Map<string, TokenDisplay>();
    for (const row of rows) {
      const shown = row.metadata?.image || row.metadata?.model || row.metadata?.modelJob;
      if (shown && !worn.has(row.account_id)) worn.set(row.account_id, row.metadata!);
    }
    return worn;
  }

  /** The locked portals of `worldId` each account holds an active key binding for. */
  async keys(worldId: string, accountIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const keys = new Map<string, Set<string>>();
    if (accountIds.length === 0) return keys;
    const rows = await this.db
      .selectFrom('nft_bindings')
      .select(['account_id', 'target'])
      .where('world_id', '=', worldId)
      .where('account_id', 'in', accountIds)
      .where('use', '=', 'key')
      .where('status', '=', 'active')
      .execute();
    for (const row of rows) {
      if (row.target === null) continue;
      const held = keys.get(row.account_id) ?? new Set<string>();
      held.add(row.target);
      keys.set(row.account_id, held);
    }
    return keys;
  }
}
