/**
 * NFT bindings: created only by the token's current holder (one of the account's linked wallets, read from
 * the chain), listed and removed by their owner. The service is also the transfer indexer's sink: a
 * confirmed transfer re-reads the holders of the tokens it moved, revokes bindings whose wallet no longer
 * holds enough and restores those whose wallet holds it again, then tells running rooms; a reorg or a reset
 * chain re-reads every binding on the chain. Revoking is derived from the chain, so applying the same
 * blocks twice changes nothing.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { getAddress, type Address } from 'viem';
import {
  type IndexerCursor,
  type OwnershipReader,
  type RewindReason,
  type TokenTransfer,
  type TransferSink,
} from '../../nft-bridge/index.js';
import { Problem } from '../control-plane/index.js';
import type { Database } from '../db/tables.js';
import type { NftEvents } from '../rooms/room-events.js';
import type { ChainRuntime } from '../wallets/index.js';
import type { ChainCursorsRepository } from './chain-cursors-repository.js';
import { readOr503 } from './read-or-503.js';
import type { BindingRow, NftBindingsRepository } from './nft-bindings-repository.js';
import type { BindingTarget } from './binding-targets.js';
import type { TokenGates } from './token-gates.js';
import type { TokenDisplays } from './token-displays.js';

export interface CreateBinding {
  chainId: number;
  contract: string;
  tokenId: bigint;
  amount: bigint;
  use: 'wearable' | 'frame' | 'key' | 'collectible';
  /** frame and key: the world and the nft-frame or locked portal, checked by the caller (binding-targets.ts). */
  target: BindingTarget | undefined;
}

export class NftBindingsService implements TransferSink {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly chains: ChainRuntime,
    private readonly bindings: NftBindingsRepository,
    private readonly cursors: ChainCursorsRepository,
    private readonly gates: TokenGates,
    private readonly displays: TokenDisplays,
    private readonly events: NftEvents,
    private readonly logger: Logger,
  ) {}

  private reader(chainId: number): OwnershipReader {
    if (this.chains.offReason) throw Problem.unavailable(this.chains.offReason);
    const reader = this.chains.ownership.get(chainId);
    if (!reader)
      throw Problem.badRequest(
        `chain ${chainId} is not one this server reads; it reads ${[...this.chains.ownership.keys()].join(', ')}`,
      );
    return reader;
  }

  async create(accountId: string, request: CreateBinding): Promise<BindingRow> {
    const reader = this.reader(request.chainId);
    const wallets = await this.db
      .selectFrom('wallets')
      .select('address')
      .where('account_id', '=', accountId)
      .orderBy('linked_at')
      .execute();
    if (wallets.length === 0)
      throw Problem.forbidden('link the wallet that holds the token first (POST /auth/wallets)');
    const contract = getAddress(request.contract);
    const holdings = await readOr503(() =>
      reader.holdings(
        wallets.map((wallet) => ({
          contract,
          tokenId: request.tokenId,
          holder: getAddress(wallet.address),
        })),
      ),
    );
    const kind = holdings[0]!.kind;
    if (kind === 'unknown')
      throw Problem.badRequest(
        `${holdings[0]!.problem}; if it is an ERC-721 or ERC-1155 without ERC-165, the operator can state its kind (NFT_CHAINS contractKinds)`,
      );
    if (kind === 'erc721' && request.amount !== 1n)
      throw Problem.badRequest('an ERC-721 token is one of a kind: leave amount out (or send "1")');
    const holding = holdings.find((held) => held.balance >= request.amount);
    if (!holding)
      throw Problem.forbidden(
        `none of your linked wallets (${wallets.map((wallet) => wallet.address).join(', ')}) holds ${request.amount === 1n ? '' : `${request.amount} of `}token ${request.tokenId} of ${contract} on chain ${request.chainId}; link the wallet that does (POST /auth/wallets)`,
      );
    const display = await this.displays.of(request.chainId, contract, request.tokenId, kind, accountId);
    const row = await this.bindings.create({
      accountId,
      wallet: holding.holder,
      chainId: request.chainId,
      contract,
      tokenId: request.tokenId,
      amount: request.amount,
      standard: kind,
      use: request.use,
      worldId: request.target?.worldId ?? null,
      target: request.target?.entity ?? null,
      metadata: display,
    });
    this.events.holdingsChanged([accountId], row.world_id ? [row.world_id] : []);
    return row;
  }

  list(accountId: string): Promise<BindingRow[]> {
    return this.bindings.listForAccount(accountId);
  }

  async delete(accountId: string, id: string): Promise<void> {
    const deleted = await this.bindings.delete(accountId, id);
    if (!deleted) throw Problem.notFound(`you have no binding ${id}; GET /nft/bindings lists yours`);
    this.events.holdingsChanged([accountId], deleted.world_id ? [deleted.world_id] : []);
  }

  // The transfer indexer's sink.

  cursor(chainId: number): Promise<IndexerCursor | undefined> {
    return this.cursors.load(this.db, chainId);
  }

  /**
   * Contracts in use — bound, gated, or listed for the Items panel (whose cached holdings must be
   * invalidated when their tokens move, as bound ones are).
   */
  async watched(chainId: number): Promise<Address[]> {
    const listed = this.chains.chains.find((chain) => chain.id === chainId)?.collections ?? [];
    const contracts = [
      ...(await this.bindings.contracts(chainId)),
      ...(await this.gates.contracts(chainId)),
      ...listed.map((collection) => collection.address),
    ];
    return [...new Set(contracts.map((contract) => getAddress(contract)))];
  }

  async apply(chainId: number, transfers: TokenTransfer[], cursor: IndexerCursor): Promise<void> {
    const reader = this.chains.ownership.get(chainId)!;
    for (const transfer of transfers) reader.invalidate(transfer.contract, transfer.tokenId);
    const rows = await this.bindings.ofTokens(this.db, chainId, transfers);
    const changed = await this.recheck(reader, rows, chainId, cursor);
    // Gates: whoever sent a token may no longer meet one (and whoever received it may now).
    const senders = transfers.map((transfer) => transfer.from.toLowerCase());
    const owners = senders.length
      ? await this.db.selectFrom('wallets').select('account_id').where('address', 'in', senders).execute()
      : [];
    this.announce(
      changed,
      owners.map((owner) => owner.account_id),
    );
  }

  async rewind(chainId: number, cursor: IndexerCursor, reason: RewindReason): Promise<void> {
    this.logger.warn({ chainId, reason }, 'chain reorganized: re-reading every binding on it');
    const reader = this.chains.ownership.get(chainId)!;
    reader.invalidateAll();
    const changed = await this.recheck(
      reader,
      await this.bindings.onChain(this.db, chainId),
      chainId,
      cursor,
    );
    this.announce(changed, 'all');
  }

  /** Re-reads the holders of `rows`, stores their status with the cursor in one transaction; the changed rows. */
  private async recheck(
    reader: OwnershipReader,
    rows: BindingRow[],
    chainId: number,
    cursor: IndexerCursor,
  ): Promise<BindingRow[]> {
    const holdings = await reader.holdings(
      rows.map((row) => ({
        contract: getAddress(row.contract),
        tokenId: BigInt(row.token_id),
        holder: getAddress(row.wallet),
      })),
    );
    const held = (index: number) => holdings[index]!.balance >= BigInt(rows[index]!.amount);
    const revoke = rows.filter((row, index) => row.status === 'active' && !held(index));
    const restore = rows.filter((row, index) => row.status === 'revoked' && held(index));
    await this.db.transaction().execute(async (trx) => {
      await this.bindings.setStatus(
        trx,
        revoke.map((row) => row.id),
        false,
      );
      await this.bindings.setStatus(
        trx,
        restore.map((row) => row.id),
        true,
      );
      await this.cursors.save(trx, chainId, cursor);
    });
    if (revoke.length + restore.length > 0)
      this.logger.info(
        { chainId, revoked: revoke.map((row) => row.id), restored: restore.map((row) => row.id) },
        'bindings follow a transfer',
      );
    return [...revoke, ...restore];
  }

  private announce(changed: BindingRow[], gateAccounts: string[] | 'all'): void {
    const worlds = [...new Set(changed.flatMap((row) => (row.world_id ? [row.world_id] : [])))];
    const accounts =
      gateAccounts === 'all'
        ? 'all'
        : [...new Set([...changed.map((row) => row.account_id), ...gateAccounts])];
    if (accounts === 'all' || accounts.length > 0 || worlds.length > 0)
      this.events.holdingsChanged(accounts, worlds);
  }
}
