/**
 * Follows one chain's transfers of the contracts in use: one eth_getLogs for the three transfer events per
 * step, ranges ≤ the chain's logRange, only blocks with `confirmations` blocks on top. The sink applies a
 * range's transfers and stores the cursor in one transaction, so a restart resumes from the cursor with no
 * transfer lost or applied twice. Reorgs are found by block hash: the cursor's block and the recent blocks
 * before it are remembered, and when the chain no longer has them the indexer goes back to the newest one
 * it still has (or, if the chain was reset — another genesis — starts afresh) and the sink re-checks
 * everything it holds for the chain.
 */
import type { Address, Hex, PublicClient } from 'viem';
import type { ChainConfig } from '../chains/chain-config.js';
import { decodeTransfers, transferEventsAbi, type TokenTransfer } from './transfer-events.js';

export interface BlockRef {
  number: bigint;
  hash: Hex;
}

export interface IndexerCursor {
  /** Hash of block 0 when the cursor was made: another one means the chain was reset. */
  genesisHash: Hex;
  /** Applied blocks, oldest first, the last being the cursor (every block up to it is applied). */
  recent: BlockRef[];
}

export type RewindReason = 'reorg' | 'deep-reorg' | 'chain-reset';

export interface TransferSink {
  /** Where this chain's indexing stopped, if it ever ran. */
  cursor(chainId: number): Promise<IndexerCursor | undefined>;
  /** Contracts whose transfers matter now (those in bindings or gates). */
  watched(chainId: number): Promise<Address[]>;
  /** Applies a range's transfers (chain order) and stores `cursor` — atomically: both happen or neither. */
  apply(chainId: number, transfers: TokenTransfer[], cursor: IndexerCursor): Promise<void>;
  /**
   * Blocks already applied are no longer on the chain: re-check everything held on it from the chain as it
   * is now, and store `cursor` (atomically, like apply).
   */
  rewind(chainId: number, cursor: IndexerCursor, reason: RewindReason): Promise<void>;
}

export interface StepResult {
  /** Blocks applied by this step (0 when waiting for confirmations). */
  blocks: number;
  transfers: number;
  rewound?: RewindReason;
  /** More confirmed blocks are waiting: step again without pausing. */
  behind: boolean;
  /** The chain's newest block, and the newest block indexed after this step (their gap is the lag). */
  headBlock: number;
  indexedBlock: number;
}

/** Applied block hashes kept for finding where a reorg forked. */
const RECENT_BLOCKS = 64;

export const cursorBlock = (cursor: IndexerCursor): BlockRef => cursor.recent[cursor.recent.length - 1]!;

export class TransferIndexer {
  private genesis: Hex | undefined;

  constructor(
    private readonly chain: Pick<ChainConfig, 'id' | 'confirmations' | 'logRange'>,
    private readonly client: PublicClient,
    private readonly sink: TransferSink,
  ) {}

  /** One step: checks the cursor is still on the chain, then applies up to logRange confirmed blocks. */
  async step(): Promise<StepResult> {
    const chainId = this.chain.id;
    const head = await this.client.getBlockNumber({ cacheTime: 0 });
    const confirmed = head - BigInt(this.chain.confirmations);
    let cursor = await this.sink.cursor(chainId);
    let rewound: RewindReason | undefined;
    if (!cursor) {
      // First run: bindings are made against the chain as it is, so history before now does not matter.
      const start = await this.block(confirmed < 0n ? 0n : confirmed);
      cursor = { genesisHash: await this.genesisHash(), recent: [start] };
      await this.sink.apply(chainId, [], cursor);
      return {
        blocks: 0,
        transfers: 0,
        behind: false,
        headBlock: Number(head),
        indexedBlock: Number(start.number),
      };
    }
    const forked = await this.forkPoint(cursor, head);
    if (forked) {
      cursor = forked.cursor;
      rewound = forked.reason;
      await this.sink.rewind(chainId, cursor, rewound);
    }

    const from = cursorBlock(cursor).number + 1n;
    const at = { headBlock: Number(head), indexedBlock: Number(from - 1n) };
    if (from > confirmed) return { blocks: 0, transfers: 0, rewound, behind: false, ...at };
    const to =
      from + BigInt(this.chain.logRange) - 1n < confirmed
        ? from + BigInt(this.chain.logRange) - 1n
        : confirmed;
    const end = await this.block(to);
    const watched = await this.sink.watched(chainId);
    const logs =
      watched.length === 0
        ? []
        : await this.client.getLogs({
            address: watched,
            events: transferEventsAbi,
            fromBlock: from,
            toBlock: to,
            strict: true,
          });
    const transfers = decodeTransfers(logs);
    // The range's last block must be the one the logs came from; if a reorg slipped in between, retry.
    if (transfers.some((transfer) => transfer.blockNumber === to && transfer.blockHash !== end.hash))
      return { blocks: 0, transfers: 0, rewound, behind: true, ...at };
    const recent = [...cursor.recent, end].slice(-RECENT_BLOCKS);
    await this.sink.apply(chainId, transfers, { genesisHash: cursor.genesisHash, recent });
    return {
      blocks: Number(to - from + 1n),
      transfers: transfers.length,
      rewound,
      behind: to < confirmed,
      headBlock: Number(head),
      indexedBlock: Number(to),
    };
  }

  /**
   * Undefined while the cursor's block is still on the chain; otherwise the cursor to go back to: the
   * newest remembered block the chain still has, or a fresh start when none is (or the chain was reset).
   */
  private async forkPoint(
    cursor: IndexerCursor,
    head: bigint,
  ): Promise<{ cursor: IndexerCursor; reason: RewindReason } | undefined> {
    const last = cursorBlock(cursor);
    if (last.number <= head && (await this.hashAt(last.number)) === last.hash) return undefined;
    // JSON-RPC batching sends these together.
    const onChain = await Promise.all(
      cursor.recent.map((ref) => (ref.number <= head ? this.hashAt(ref.number) : Promise.resolve(undefined))),
    );
    for (let index = cursor.recent.length - 1; index >= 0; index--)
      if (onChain[index] === cursor.recent[index]!.hash)
        return {
          cursor: { genesisHash: cursor.genesisHash, recent: cursor.recent.slice(0, index + 1) },
          reason: 'reorg',
        };
    this.genesis = undefined;
    const genesisHash = await this.genesisHash();
    const confirmed = head - BigInt(this.chain.confirmations);
    return {
      cursor: { genesisHash, recent: [await this.block(confirmed < 0n ? 0n : confirmed)] },
      reason: genesisHash === cursor.genesisHash ? 'deep-reorg' : 'chain-reset',
    };
  }

  private async hashAt(number: bigint): Promise<Hex | undefined> {
    try {
      return (await this.client.getBlock({ blockNumber: number })).hash;
    } catch (error) {
      if ((error as Error).name === 'BlockNotFoundError') return undefined;
      throw error;
    }
  }

  private async block(number: bigint): Promise<BlockRef> {
    const block = await this.client.getBlock({ blockNumber: number });
    return { number: block.number, hash: block.hash };
  }

  private async genesisHash(): Promise<Hex> {
    this.genesis ??= (await this.client.getBlock({ blockNumber: 0n })).hash;
    return this.genesis;
  }
}

/** Cursor ↔ JSON (block numbers as decimal strings), for storing it. */
export const cursorToJson = (cursor: IndexerCursor) => ({
  genesisHash: cursor.genesisHash,
  recent: cursor.recent.map((ref) => ({ number: ref.number.toString(), hash: ref.hash })),
});

export function cursorFromJson(json: ReturnType<typeof cursorToJson>): IndexerCursor {
  return {
    genesisHash: json.genesisHash,
    recent: json.recent.map((ref) => ({ number: BigInt(ref.number), hash: ref.hash })),
  };
}
