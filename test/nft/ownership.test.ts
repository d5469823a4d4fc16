/**
 * Ownership read from real contracts on anvil: kinds by ERC-165 (a lying and a reverting contract are not
 * believed), ERC-721 and ERC-1155 holdings in one multicall, answers kept until a transfer invalidates
 * them, a dead RPC skipped for the next one, and an unreadable chain reported as such.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Address } from 'viem';
import {
  ChainUnreadableError,
  ContractKinds,
  MulticallReader,
  OwnershipReader,
  contracts,
  createChainClient,
  devAccount,
  rpcCallCount,
  type ChainConfig,
} from '../../nft-bridge/index.js';
import { startTestChain, type TestChain } from '../helpers/dev-chain.js';

let chain: TestChain;
let lying: Address;
let reverting: Address;
/** A TCP server that accepts connections and never answers: an RPC that hangs. */
let blackHole: net.Server;
let blackHoleUrl: string;

const holder1 = devAccount(1).address;
const holder2 = devAccount(2).address;

beforeAll(async () => {
  chain = await startTestChain();
  lying = await chain.deploy(contracts.LyingToken);
  reverting = await chain.deploy(contracts.RevertingToken);
  blackHole = net.createServer(() => undefined);
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  blackHoleUrl = `http://127.0.0.1:${(blackHole.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  await chain?.stop();
  blackHole?.close();
});

function readerFor(
  rpcUrls: string[],
  timeoutMs = 10_000,
  overrides = new Map<string, 'erc721' | 'erc1155'>(),
) {
  let requests = 0;
  const config: ChainConfig = {
    id: 31337,
    name: 'test',
    rpcUrls,
    confirmations: 2,
    logRange: 2000,
    timeoutMs,
    contractKinds: {},
    collections: [],
    dev: true,
  };
  const client = createChainClient(config, { onRequestBody: (body) => (requests += rpcCallCount(body)) });
  const multicall = new MulticallReader(client);
  const kinds = new ContractKinds(multicall, overrides);
  return { ownership: new OwnershipReader(multicall, kinds), kinds, requests: () => requests };
}

describe('contract kinds (ERC-165)', () => {
  it('tells ERC-721 from ERC-1155, and believes neither a lying nor a reverting contract', async () => {
    const { kinds } = readerFor([chain.rpcUrl]);
    const found = await kinds.of([chain.demo.collectibles, chain.demo.items, lying, reverting]);
    expect(found.get(chain.demo.collectibles)).toEqual({ kind: 'erc721' });
    expect(found.get(chain.demo.items)).toEqual({ kind: 'erc1155' });
    expect(found.get(lying)).toEqual({
      kind: 'unknown',
      reason: expect.stringMatching(/claims every interface/),
    });
    expect(found.get(reverting)).toEqual({
      kind: 'unknown',
      reason: expect.stringMatching(/does not answer supportsInterface/),
    });
  });

  it("takes the operator's override over what the contract says", async () => {
    const { kinds, ownership } = readerFor([chain.rpcUrl], 10_000, new Map([[reverting, 'erc721']]));
    expect((await kinds.of([reverting])).get(reverting)).toEqual({ kind: 'erc721' });
    const [holding] = await ownership.holdings([{ contract: reverting, tokenId: 1n, holder: holder1 }]);
    expect(holding).toMatchObject({
      kind: 'erc721',
      balance: 0n,
      problem: expect.stringMatching(/reverted/),
    });
  });
});

describe('holdings', () => {
  it('reads ERC-721 owners and ERC-1155 balances of several holders in one batch', async () => {
    const { ownership, requests } = readerFor([chain.rpcUrl]);
    const { collectibles, items } = chain.demo;
    const holdings = await ownership.holdings([
      { contract: collectibles, tokenId: 1n, holder: holder1 },
      { contract: collectibles, tokenId: 3n, holder: holder1 },
      { contract: collectibles, tokenId: 3n, holder: holder2 },
      { contract: collectibles, tokenId: 999n, holder: holder1 },
      { contract: items, tokenId: 1n, holder: holder1 },
      { contract: items, tokenId: 1n, holder: holder2 },
      { contract: items, tokenId: 2n, holder: holder2 },
      { contract: lying, tokenId: 1n, holder: holder1 },
    ]);
    expect(holdings.map((holding) => holding.balance)).toEqual([1n, 0n, 1n, 0n, 5n, 2n, 0n, 0n]);
    expect(holdings[3]!.problem).toMatch(/no such token/);
    expect(holdings[7]).toMatchObject({ kind: 'unknown', problem: expect.stringMatching(/claims every/) });
    // Multicall3 lookup, the kinds, the holdings: three calls, however many tokens.
    expect(requests()).toBe(3);
  });

  it('keeps an answer until the token is invalidated, then reads the transfer', async () => {
    const { ownership } = readerFor([chain.rpcUrl]);
    const { collectibles } = chain.demo;
    const query = { contract: collectibles, tokenId: 2n, holder: holder1 };
    expect((await ownership.holdings([query]))[0]!.balance).toBe(1n);
    await chain.send(1, {
      address: collectibles,
      abi: contracts.DemoCollectibles.abi,
      functionName: 'transferFrom',
      args: [holder1, holder2, 2n],
    });
    // The cache is not expired by time: only the indexer's invalidation makes it read again.
    expect((await ownership.holdings([query]))[0]!.balance).toBe(1n);
    ownership.invalidate(collectibles, 2n);
    expect((await ownership.holdings([query]))[0]!.balance).toBe(0n);
    expect((await ownership.holdings([{ ...query, holder: holder2 }]))[0]!.balance).toBe(1n);
  });

  it('falls back to the next RPC URL when one hangs', async () => {
    const { ownership } = readerFor([blackHoleUrl, chain.rpcUrl], 300);
    const [holding] = await ownership.holdings([
      { contract: chain.demo.items, tokenId: 1n, holder: holder1 },
    ]);
    expect(holding!.balance).toBe(5n);
  }, 30_000);

  it('takes an eth_call the RPC refuses as an unreadable chain, not as tokens that do not exist', async () => {
    // A proxy to anvil that refuses every eth_call, as an overloaded provider does.
    const proxy = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const calls = JSON.parse(body) as { id: number; method: string }[] | { id: number; method: string };
        const list = Array.isArray(calls) ? calls : [calls];
        if (list.some((call) => call.method === 'eth_call')) {
          const refusals = list.map((call) => ({
            jsonrpc: '2.0',
            id: call.id,
            error: { code: -32000, message: 'execution aborted (timeout = 5s)' },
          }));
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify(Array.isArray(calls) ? refusals : refusals[0]));
          return;
        }
        void fetch(chain.rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }).then(async (upstream) => response.end(await upstream.text()));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const { ownership } = readerFor(
        [`http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`],
        2_000,
      );
      await expect(
        ownership.holdings([{ contract: chain.demo.collectibles, tokenId: 1n, holder: holder1 }]),
      ).rejects.toThrow(/chain 31337 could not be read/);
    } finally {
      proxy.close();
    }
  }, 30_000);

  it('says the chain is unreadable when no RPC answers', async () => {
    const { ownership } = readerFor([blackHoleUrl], 300);
    await expect(
      ownership.holdings([{ contract: chain.demo.items, tokenId: 1n, holder: holder1 }]),
    ).rejects.toThrow(ChainUnreadableError);
  }, 30_000);
});
