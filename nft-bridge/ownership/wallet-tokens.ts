/**
 * Which tokens of some collections a wallet may hold, found from the chain's own transfer logs: every
 * ERC-721 `Transfer` and ERC-1155 `TransferSingle`/`TransferBatch` whose receiver is the wallet, from each
 * collection's first block. What was received is only a candidate — it may have been sent on since — so
 * callers confirm each with a balance read (OwnershipReader). No outside indexing service is needed, and
 * ERC-721s without the Enumerable extension are found too.
 *
 * Per wallet, the scan remembers how far it has read, so a second listing reads only the blocks since.
 */
import { getAddress, type Address, type PublicClient } from 'viem';
import { ChainUnreadableError } from './token-standards.js';
import { transferEventsAbi } from '../indexer/transfer-events.js';

export interface ListedCollection {
  address: Address;
  /** The first block with transfers of it (its deployment), so the scan does not start at genesis. */
  fromBlock: bigint;
}

export interface ReceivedToken {
  contract: Address;
  tokenId: bigint;
}

export interface WalletTokenScanOptions {
  /** Largest block range of one eth_getLogs (the chain's logRange). */
  logRange: number;
  /** Most blocks one listing may read for one wallet; a longer history fails with the fix. */
  maxBlocksPerScan?: number;
  /** Wallets whose scan position is remembered (the oldest is forgotten first). */
  rememberedWallets?: number;
}

interface WalletScan {
  /** The last block read, or undefined before the first scan. */
  through: bigint | undefined;
  tokens: Map<string, ReceivedToken>;
}

/** Too much history to read for one listing: the collections' fromBlock should be set (the fix). */
export class ScanTooLongError extends Error {
  constructor(
    readonly blocks: bigint,
    readonly most: number,
  ) {
    super(
      `listing this wallet's tokens would read ${blocks} blocks of logs (at most ${most} at once); set each listed collection's fromBlock to the block it was deployed in`,
    );
    this.name = 'ScanTooLongError';
  }
}

const [TRANSFER, TRANSFER_SINGLE, TRANSFER_BATCH] = transferEventsAbi;

export class WalletTokenScanner {
  private readonly scans = new Map<Address, WalletScan>();
  private readonly running = new Map<Address, Promise<ReceivedToken[]>>();
  private readonly maxBlocks: number;
  private readonly remembered: number;

  constructor(
    private readonly client: PublicClient,
    private readonly chainId: number,
    private readonly collections: readonly ListedCollection[],
    private readonly options: WalletTokenScanOptions,
  ) {
    this.maxBlocks = options.maxBlocksPerScan ?? 2_000_000;
    this.remembered = options.rememberedWallets ?? 1_000;
  }

  /**
   * Tokens of the listed collections ever sent to `wallet` (candidates, in the order first received).
   * Throws ChainUnreadableError when the chain cannot be read, ScanTooLongError on too long a history.
   */
  received(wallet: Address): Promise<ReceivedToken[]> {
    const holder = getAddress(wallet);
    if (this.collections.length === 0) return Promise.resolve([]);
    const running = this.running.get(holder);
    if (running) return running;
    const scan = this.scan(holder).finally(() => this.running.delete(holder));
    this.running.set(holder, scan);
    return scan;
  }

  private async scan(holder: Address): Promise<ReceivedToken[]> {
    const known: WalletScan = this.scans.get(holder) ?? { through: undefined, tokens: new Map() };
    let latest: bigint;
    try {
      latest = await this.client.getBlockNumber({ cacheTime: 0 });
    } catch (error) {
      throw new ChainUnreadableError(this.chainId, error);
    }
    const earliest = this.collections.reduce(
      (first, collection) => (collection.fromBlock < first ? collection.fromBlock : first),
      this.collections[0]!.fromBlock,
    );
    const start = known.through === undefined ? earliest : known.through + 1n;
    if (start <= latest && latest - start + 1n > BigInt(this.maxBlocks))
      throw new ScanTooLongError(latest - start + 1n, this.maxBlocks);
    const range = BigInt(this.options.logRange);
    for (let from = start; from <= latest; from += range) {
      const to = from + range - 1n < latest ? from + range - 1n : latest;
      const addresses = this.collections
        .filter((collection) => collection.fromBlock <= to)
        .map((collection) => collection.address);
      if (addresses.length === 0) continue;
      for (const token of await this.read(addresses, holder, from, to))
        known.tokens.set(`${token.contract}:${token.tokenId}`, token);
      known.through = to;
    }
    if (known.through === undefined || known.through < latest) known.through = latest;
    this.scans.delete(holder); // re-inserted last: the map's order is the forgetting order
    this.scans.set(holder, known);
    if (this.scans.size > this.remembered) this.scans.delete(this.scans.keys().next().value!);
    return [...known.tokens.values()];
  }

  /** The three transfer events to `holder` in one block range (one JSON-RPC batch). */
  private async read(
    address: Address[],
    holder: Address,
    fromBlock: bigint,
    toBlock: bigint,
  ): Promise<ReceivedToken[]> {
    const common = { address, fromBlock, toBlock, strict: true } as const;
    try {
      const [singles, batches, transfers] = await Promise.all([
        this.client.getLogs({ ...common, event: TRANSFER_SINGLE, args: { to: holder } }),
        this.client.getLogs({ ...common, event: TRANSFER_BATCH, args: { to: holder } }),
        this.client.getLogs({ ...common, event: TRANSFER, args: { to: holder } }),
      ]);
      const logs = [...transfers, ...singles, ...batches].sort((a, b) =>
        a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
      );
      return logs.flatMap((log) => {
        const contract = getAddress(log.address);
        switch (log.eventName) {
          case 'Transfer':
            return [{ contract, tokenId: log.args.tokenId }];
          case 'TransferSingle':
            return [{ contract, tokenId: log.args.id }];
          case 'TransferBatch':
            return log.args.ids.map((tokenId) => ({ contract, tokenId }));
        }
      });
    } catch (error) {
      throw new ChainUnreadableError(this.chainId, error);
    }
  }
}
