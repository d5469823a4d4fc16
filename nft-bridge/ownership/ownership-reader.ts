/**
 * Who holds what, read in bulk: ERC-721 `ownerOf` per token and one ERC-1155 `balanceOfBatch` per contract,
 * all in one multicall. Answers are cached by (contract, token, holder) until `invalidate` says the token
 * moved — the transfer indexer's job; the cache never decides on its own that an answer is stale.
 */
import { getAddress, type Abi, type Address, type ContractFunctionParameters } from 'viem';
import type { ContractKinds } from './contract-kinds.js';
import type { CallResult, MulticallReader } from './multicall-reader.js';
import { erc1155Abi, erc721Abi } from './token-standards.js';

export interface HoldingQuery {
  contract: Address;
  tokenId: bigint;
  holder: Address;
}

export interface Holding extends HoldingQuery {
  kind: 'erc721' | 'erc1155' | 'unknown';
  /** Units held: 0 or 1 for ERC-721. */
  balance: bigint;
  /** Why the balance could not be read (the token does not exist, the contract reverted…), if so. */
  problem?: string;
}

/** ERC-1155 ids per balanceOfBatch call (≈ 16 KB of calldata: fits a deployless eth_call's init code). */
const BATCH_IDS = 250;

const key = (contract: Address, tokenId: bigint | '*', holder: Address) => `${contract}:${tokenId}:${holder}`;

export class OwnershipReader {
  private readonly cache = new Map<string, Holding>();
  private readonly collections = new Map<string, bigint | null>();

  constructor(
    private readonly reader: MulticallReader,
    private readonly kinds: ContractKinds,
  ) {}

  /** Holdings in the order asked. Throws ChainUnreadableError when the chain cannot be read. */
  async holdings(queries: readonly HoldingQuery[]): Promise<Holding[]> {
    const normalized = queries.map((query) => ({
      contract: getAddress(query.contract),
      tokenId: query.tokenId,
      holder: getAddress(query.holder),
    }));
    const missing = normalized.filter(
      (query) => !this.cache.has(key(query.contract, query.tokenId, query.holder)),
    );
    if (missing.length > 0) await this.load(missing);
    return normalized.map((query) => this.cache.get(key(query.contract, query.tokenId, query.holder))!);
  }

  /** The standard of each contract (ERC-165, or the operator's override). */
  kindsOf(contracts: readonly Address[]) {
    return this.kinds.of(contracts);
  }

  /**
   * How many tokens of each ERC-721 collection each holder has (`balanceOf(owner)`), in the order asked;
   * null where the contract is not an ERC-721 or the call reverted. One multicall for the missing ones.
   */
  async collectionBalances(
    queries: ReadonlyArray<{ contract: Address; holder: Address }>,
  ): Promise<Array<bigint | null>> {
    const keys = queries.map((query) => key(getAddress(query.contract), '*', getAddress(query.holder)));
    const missing = queries.filter((_, index) => !this.collections.has(keys[index]!));
    if (missing.length > 0) {
      const kinds = await this.kinds.of(missing.map((query) => query.contract));
      const results = await this.reader.read(
        missing.map((query) => ({
          address: getAddress(query.contract),
          abi: erc721Abi,
          functionName: 'balanceOf',
          args: [getAddress(query.holder)],
        })),
      );
      missing.forEach((query, index) => {
        const result = results[index]!;
        const erc721 = kinds.get(getAddress(query.contract))?.kind === 'erc721';
        this.collections.set(
          key(getAddress(query.contract), '*', getAddress(query.holder)),
          erc721 && result.status === 'success' ? (result.result as bigint) : null,
        );
      });
    }
    return keys.map((cached) => this.collections.get(cached) ?? null);
  }

  /** The token moved (or the chain reorganized): its next read goes to the chain. */
  invalidate(contract: Address, tokenId?: bigint): void {
    const prefix = tokenId === undefined ? `${getAddress(contract)}:` : `${getAddress(contract)}:${tokenId}:`;
    for (const cached of this.cache.keys()) if (cached.startsWith(prefix)) this.cache.delete(cached);
    // A token moving changes its holders' collection balances too.
    const collection = `${getAddress(contract)}:*:`;
    for (const cached of this.collections.keys())
      if (cached.startsWith(collection)) this.collections.delete(cached);
  }

  invalidateAll(): void {
    this.cache.clear();
    this.collections.clear();
  }

  private async load(queries: HoldingQuery[]): Promise<void> {
    const kinds = await this.kinds.of(queries.map((query) => query.contract));
    const calls: ContractFunctionParameters<Abi>[] = [];
    const settle: Array<(results: CallResult[]) => void> = [];
    const store = (query: HoldingQuery, holding: Omit<Holding, keyof HoldingQuery>) =>
      this.cache.set(key(query.contract, query.tokenId, query.holder), { ...query, ...holding });

    const by1155 = new Map<Address, HoldingQuery[]>();
    for (const query of queries) {
      const kind = kinds.get(query.contract)!;
      if (kind.kind === 'unknown') {
        store(query, { kind: 'unknown', balance: 0n, problem: `contract ${query.contract}: ${kind.reason}` });
      } else if (kind.kind === 'erc721') {
        const index =
          calls.push({
            address: query.contract,
            abi: erc721Abi,
            functionName: 'ownerOf',
            args: [query.tokenId],
          }) - 1;
        settle.push((results) => {
          const result = results[index]!;
          if (result.status === 'success')
            store(query, { kind: 'erc721', balance: result.result === query.holder ? 1n : 0n });
          else
            store(query, {
              kind: 'erc721',
              balance: 0n,
              problem: `ownerOf(${query.tokenId}) reverted: no such token`,
            });
        });
      } else {
        by1155.set(query.contract, [...(by1155.get(query.contract) ?? []), query]);
      }
    }
    for (const [contract, group] of by1155) {
      for (let start = 0; start < group.length; start += BATCH_IDS) {
        const chunk = group.slice(start, start + BATCH_IDS);
        const index =
          calls.push({
            address: contract,
            abi: erc1155Abi,
            functionName: 'balanceOfBatch',
            args: [chunk.map((query) => query.holder), chunk.map((query) => query.tokenId)],
          }) - 1;
        settle.push((results) => {
          const result = results[index]!;
          chunk.forEach((query, offset) => {
            if (result.status === 'success')
              store(query, { kind: 'erc1155', balance: (result.result as readonly bigint[])[offset] ?? 0n });
            else store(query, { kind: 'erc1155', balance: 0n, problem: 'balanceOfBatch reverted' });
          });
        });
      }
    }
    const results = await this.reader.read(calls);
    for (const apply of settle) apply(results);
  }
}
