/**
 * The transfer indexer on anvil with the real demo contracts: ERC-721 and both ERC-1155 transfer events,
 * only watched contracts, only confirmed blocks, getLogs ranges within the limit, a restart in the middle
 * of a range (nothing lost or applied twice), a reorg that undoes an applied transfer, and a reset chain.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestClient, http, type Address } from 'viem';
import {
  TransferIndexer,
  contracts,
  createChainClient,
  cursorBlock,
  devAccount,
  type IndexerCursor,
  type RewindReason,
  type TokenTransfer,
  type TransferSink,
} from '../../nft-bridge/index.js';
import { startTestChain, type TestChain } from '../helpers/dev-chain.js';

let chain: TestChain;
const [alice, bob] = [devAccount(1).address, devAccount(2).address];

beforeAll(async () => {
  chain = await startTestChain();
});
afterAll(async () => chain?.stop());

/** What a database sink would hold, committed only when apply returns (a throw = a crash before commit). */
class MemorySink implements TransferSink {
  stored: IndexerCursor | undefined;
  applied: TokenTransfer[] = [];
  rewinds: Array<{ reason: RewindReason; to: bigint }> = [];
  /** apply calls left before one fails (undefined: never). */
  failAfter: number | undefined;

  constructor(private readonly contracts: Address[]) {}

  cursor = () => Promise.resolve(this.stored);
  watched = () => Promise.resolve(this.contracts);

  apply(_chainId: number, transfers: TokenTransfer[], cursor: IndexerCursor) {
    if (this.failAfter !== undefined && this.failAfter-- === 0)
      return Promise.reject(new Error('crashed mid-range'));
    this.applied.push(...transfers);
    this.stored = cursor;
    return Promise.resolve();
  }

  rewind(_chainId: number, cursor: IndexerCursor, reason: RewindReason) {
    this.rewinds.push({ reason, to: cursorBlock(cursor).number });
    this.stored = cursor;
    return Promise.resolve();
  }
}

function indexerFor(sink: TransferSink, logRange = 2_000, ranges: bigint[][] = []) {
  const config = {
    id: 31337,
    name: 'test',
    rpcUrls: [chain.rpcUrl],
    confirmations: 2,
    logRange,
    timeoutMs: 5_000,
    contractKinds: {},
    collections: [],
    dev: true,
  };
  const client = createChainClient(config, {
    onRequestBody: (body) => {
      for (const call of [body].flat() as Array<{
        method: string;
        params: [{ fromBlock: string; toBlock: string }];
      }>)
        if (call.method === 'eth_getLogs')
          ranges.push([BigInt(call.params[0].fromBlock), BigInt(call.params[0].toBlock)]);
    },
  });
  return new TransferIndexer(config, client, sink);
}

/** Steps until `done` holds (the chain mines a block a second). */
async function stepUntil(indexer: TransferIndexer, done: () => boolean, limitMs = 30_000) {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('the indexer did not get there in time');
    const result = await indexer.step();
    if (!result.behind) await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const transferKey = (transfer: TokenTransfer) =>
  `${transfer.transactionHash}:${transfer.logIndex}:${transfer.tokenId}`;

async function moveTokens() {
  await chain.send(1, {
    address: chain.demo.collectibles,
    abi: contracts.DemoCollectibles.abi,
    functionName: 'transferFrom',
    args: [alice, bob, 1n],
  });
  await chain.send(1, {
    address: chain.demo.items,
    abi: contracts.DemoItems.abi,
    functionName: 'safeTransferFrom',
    args: [alice, bob, 1n, 2n, '0x'],
  });
  await chain.send(2, {
    address: chain.demo.items,
    abi: contracts.DemoItems.abi,
    functionName: 'safeBatchTransferFrom',
    args: [bob, alice, [1n], [1n], '0x'],
  });
  await chain.send(2, {
    address: chain.demo.collectibles,
    abi: contracts.DemoCollectibles.abi,
    functionName: 'transferFrom',
    args: [bob, alice, 1n],
  });
}

describe('transfer indexer', () => {
  it('applies confirmed transfers of watched contracts, in ranges within the limit', async () => {
    const sink = new MemorySink([chain.demo.collectibles, chain.demo.items]);
    const ranges: bigint[][] = [];
    const indexer = indexerFor(sink, 3, ranges);
    // The demo mints are confirmed before the indexer starts, from the chain as it is then.
    await createTestClient({ mode: 'anvil', transport: http(chain.rpcUrl) }).mine({ blocks: 3 });
    await indexer.step();
    const start = cursorBlock(sink.stored!).number;
    await moveTokens();
    const minedAt = await chain.reader.getBlockNumber();
    await stepUntil(indexer, () => cursorBlock(sink.stored!).number >= minedAt);

    expect(
      sink.applied.map(({ contract, tokenId, from, to, amount }) => ({
        contract,
        tokenId,
        from,
        to,
        amount,
      })),
    ).toEqual([
      { contract: chain.demo.collectibles, tokenId: 1n, from: alice, to: bob, amount: 1n },
      { contract: chain.demo.items, tokenId: 1n, from: alice, to: bob, amount: 2n },
      { contract: chain.demo.items, tokenId: 1n, from: bob, to: alice, amount: 1n },
      { contract: chain.demo.collectibles, tokenId: 1n, from: bob, to: alice, amount: 1n },
    ]);
    expect(sink.applied.every((transfer) => transfer.blockNumber > start)).toBe(true);
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges.every(([from, to]) => to! - from! + 1n <= 3n)).toBe(true);
    // Every range picks up where the last one ended.
    ranges.slice(1).forEach(([from], index) => expect(from).toBe(ranges[index]![1]! + 1n));
    // Only confirmed blocks: the cursor never passes head − confirmations.
    expect(cursorBlock(sink.stored!).number).toBeLessThanOrEqual((await chain.reader.getBlockNumber()) - 2n);
  });

  it('ignores contracts that are not watched', async () => {
    const sink = new MemorySink([chain.demo.items]);
    const indexer = indexerFor(sink);
    await indexer.step();
    await chain.send(2, {
      address: chain.demo.collectibles,
      abi: contracts.DemoCollectibles.abi,
      functionName: 'transferFrom',
      args: [bob, alice, 3n],
    });
    const minedAt = await chain.reader.getBlockNumber();
    await stepUntil(indexer, () => cursorBlock(sink.stored!).number >= minedAt);
    expect(sink.applied).toEqual([]);
  });

  it('resumes after a crash in the middle of a range with nothing lost or applied twice', async () => {
    const reference = new MemorySink([chain.demo.collectibles, chain.demo.items]);
    const crashing = new MemorySink([chain.demo.collectibles, chain.demo.items]);
    await indexerFor(reference, 2).step();
    crashing.stored = reference.stored;
    await moveTokens();
    const minedAt = await chain.reader.getBlockNumber();

    crashing.failAfter = 2;
    const first = indexerFor(crashing, 2);
    await expect(stepUntil(first, () => false)).rejects.toThrow('crashed mid-range');
    const second = indexerFor(crashing, 2); // a new process: all it has is the stored cursor
    await stepUntil(second, () => cursorBlock(crashing.stored!).number >= minedAt);
    await stepUntil(indexerFor(reference, 2), () => cursorBlock(reference.stored!).number >= minedAt);

    const keys = crashing.applied.map(transferKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(reference.applied.map(transferKey));
    expect(keys).toHaveLength(4);
  }, 90_000);

  it('goes back to the fork when a reorg undoes applied blocks', async () => {
    const control = createTestClient({ mode: 'anvil', transport: http(chain.rpcUrl) });
    const sink = new MemorySink([chain.demo.collectibles]);
    const indexer = indexerFor(sink);
    await indexer.step();
    const snapshot = await control.snapshot();
    const before = await chain.reader.getBlockNumber();
    await chain.send(1, {
      address: chain.demo.collectibles,
      abi: contracts.DemoCollectibles.abi,
      functionName: 'transferFrom',
      args: [alice, bob, 2n],
    });
    await stepUntil(indexer, () => sink.applied.length === 1);
    const appliedUpTo = cursorBlock(sink.stored!).number;

    await control.revert({ id: snapshot });
    await control.mine({ blocks: Number(appliedUpTo - before) + 4 });
    await stepUntil(indexer, () => sink.rewinds.length > 0);
    expect(sink.rewinds[0]!.reason).toBe('reorg');
    expect(sink.rewinds[0]!.to).toBeLessThanOrEqual(before);
    // The transfer is gone from the chain and is not applied again.
    const now = await chain.reader.getBlockNumber();
    await stepUntil(indexer, () => cursorBlock(sink.stored!).number >= now - 2n);
    expect(sink.applied).toHaveLength(1);
  }, 90_000);

  it('starts afresh when the chain was reset', async () => {
    const sink = new MemorySink([chain.demo.collectibles]);
    sink.stored = {
      genesisHash: `0x${'11'.repeat(32)}`,
      recent: [{ number: 1n, hash: `0x${'22'.repeat(32)}` }],
    };
    const result = await indexerFor(sink).step();
    expect(result.rewound).toBe('chain-reset');
    expect(sink.rewinds).toEqual([{ reason: 'chain-reset', to: cursorBlock(sink.stored).number }]);
    expect(sink.stored.genesisHash).toBe((await chain.reader.getBlock({ blockNumber: 0n })).hash);
  }, 30_000);
});
