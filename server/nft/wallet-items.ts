/**
 * A visitor's items: the tokens their linked wallets hold now, of the collections each chain lists (found
 * from transfer logs, confirmed by a balance read) and of the tokens they have bound, each with its name,
 * picture and bindings — what the player's Items panel shows and binds from. A chain that cannot be read
 * is named in `problems`; the other chains' items are still listed.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { getAddress, type Address } from 'viem';
import { ChainUnreadableError, ScanTooLongError, type Holding } from '../../nft-bridge/index.js';
import { Problem } from '../control-plane/index.js';
import type { Database, TokenDisplay } from '../db/tables.js';
import type { ChainRuntime, WalletsRepository } from '../wallets/index.js';
import type { BindingRow, NftBindingsRepository } from './nft-bindings-repository.js';
import type { TokenDisplays } from './token-displays.js';

/** At most this many items are answered (the rest are counted in `more`). */
export const MAX_LISTED_ITEMS = 200;
/** Displays read at once (each may fetch a metadata document and an image). */
const DISPLAY_READS = 8;

export interface WalletItem {
  chainId: number;
  chainName: string;
  contract: Address;
  tokenId: bigint;
  standard: 'erc721' | 'erc1155';
  /** Units the wallet holds (1 for ERC-721). */
  balance: bigint;
  wallet: Address;
  display: TokenDisplay;
  /** Your bindings of it, each with the slug of its world (frame and key bindings). */
  bindings: (BindingRow & { worldSlug: string | null })[];
}

export interface WalletItems {
  wallets: Address[];
  items: WalletItem[];
  /** Chains whose items could not be listed, and why. */
  problems: string[];
  /** Items held beyond MAX_LISTED_ITEMS. */
  more: number;
}

/** A token a wallet holds on a chain (an ERC-721 or ERC-1155 balance above 0). */
type HeldToken = Holding & { chainId: number };

const tokenKey = (chainId: number, contract: string, tokenId: bigint | string) =>
  `${chainId}:${contract.toLowerCase()}:${tokenId}`;

export class WalletItemsService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly chains: ChainRuntime,
    private readonly wallets: WalletsRepository,
    private readonly bindings: NftBindingsRepository,
    private readonly displays: TokenDisplays,
    private readonly logger: Logger,
  ) {}

  async list(accountId: string): Promise<WalletItems> {
    if (this.chains.offReason) throw Problem.unavailable(this.chains.offReason);
    const wallets = (await this.wallets.list(accountId)).map((wallet) => getAddress(wallet.address));
    if (wallets.length === 0) return { wallets, items: [], problems: [], more: 0 };
    const bound = await this.bindings.listForAccount(accountId);
    const worldIds = [...new Set(bound.flatMap((row) => (row.world_id ? [row.world_id] : [])))];
    const slugs = new Map(
      worldIds.length
        ? (
            await this.db.selectFrom('worlds').select(['id', 'slug']).where('id', 'in', worldIds).execute()
          ).map((world) => [world.id, world.slug])
        : [],
    );
    const problems: string[] = [];
    const held: HeldToken[] = [];
    for (const chain of this.chains.chains) {
      try {
        held.push(...(await this.heldOn(chain.id, wallets, bound)));
      } catch (error) {
        if (!(error instanceof ChainUnreadableError || error instanceof ScanTooLongError)) throw error;
        this.logger.warn({ chainId: chain.id, err: error }, 'items of a chain could not be listed');
        problems.push(
          error instanceof ScanTooLongError
            ? `${chain.name}: ${error.message} (in NFT_CHAINS, which the server's operator sets)`
            : `${chain.name}: ${error.message}; try again shortly`,
        );
      }
    }
    const chainOf = new Map(this.chains.chains.map((chain) => [chain.id, chain.name]));
    const listed = held.slice(0, MAX_LISTED_ITEMS);
    const displays = await this.displaysOf(listed);
    const items = listed.map((holding, index): WalletItem => {
      const { chainId } = holding;
      return {
        chainId,
        chainName: chainOf.get(chainId) ?? String(chainId),
        contract: holding.contract,
        tokenId: holding.tokenId,
        standard: holding.kind as 'erc721' | 'erc1155',
        balance: holding.balance,
        wallet: holding.holder,
        display: displays[index]!,
        bindings: bound
          .filter(
            (row) =>
              tokenKey(row.chain_id, row.contract, row.token_id) ===
              tokenKey(chainId, holding.contract, holding.tokenId),
          )
          .map((row) => ({ ...row, worldSlug: row.world_id ? (slugs.get(row.world_id) ?? null) : null })),
      };
    });
    return { wallets, items, problems, more: held.length - listed.length };
  }

  /** What `wallets` hold on one chain now, ordered by contract and token id. */
  private async heldOn(chainId: number, wallets: Address[], bound: BindingRow[]): Promise<HeldToken[]> {
    const scanner = this.chains.received.get(chainId)!;
    const reader = this.chains.ownership.get(chainId)!;
    const candidates = new Map<string, { contract: Address; tokenId: bigint }>();
    for (const wallet of wallets)
      for (const token of await scanner.received(wallet))
        candidates.set(tokenKey(chainId, token.contract, token.tokenId), token);
    for (const row of bound.filter((binding) => binding.chain_id === chainId))
      candidates.set(tokenKey(chainId, row.contract, row.token_id), {
        contract: getAddress(row.contract),
        tokenId: BigInt(row.token_id),
      });
    const tokens = [...candidates.values()].sort((a, b) =>
      a.contract === b.contract
        ? a.tokenId < b.tokenId
          ? -1
          : a.tokenId > b.tokenId
            ? 1
            : 0
        : a.contract.localeCompare(b.contract),
    );
    const holdings = await reader.holdings(
      tokens.flatMap((token) => wallets.map((holder) => ({ ...token, holder }))),
    );
    return holdings
      .filter((holding) => holding.balance > 0n && holding.kind !== 'unknown')
      .map((holding) => ({ ...holding, chainId }));
  }

  /** Each item's display, DISPLAY_READS at a time. */
  private async displaysOf(holdings: HeldToken[]): Promise<TokenDisplay[]> {
    const displays = new Array<TokenDisplay>(holdings.length);
    let next = 0;
    const worker = async () => {
      while (next < holdings.length) {
        const index = next++;
        const holding = holdings[index]!;
        displays[index] = await this.displays.preview(
          holding.chainId,
          holding.contract,
          holding.tokenId,
          holding.kind as 'erc721' | 'erc1155',
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(DISPLAY_READS, holdings.length) }, worker));
    return displays;
  }
}
