/**
 * bench:nft — ownership of 1,000 tokens (500 ERC-721, 500 ERC-1155 across 10 holders) on a fresh anvil
 * chain: ours (kinds by ERC-165, then one multicall) against one unbatched eth_call per token, same run.
 * A request is one JSON-RPC method call (each element of a batch counts). Both must give the same answers.
 * Then revocation (revocation.ts): blocks and ms from a transfer's block to its frame emptying in a room.
 * Last line: one JSON object with the figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPublicClient, createWalletClient, http, type Address, type Hex } from 'viem';
import { measureRevocation } from './revocation.js';
import {
  ContractKinds,
  MulticallReader,
  OwnershipReader,
  contracts,
  createChainClient,
  devAccount,
  ensureDemoCollection,
  erc1155Abi,
  erc721Abi,
  rpcCallCount,
  startAnvil,
  type HoldingQuery,
} from '../../nft-bridge/index.js';

const HOLDERS = 10;
const TOKENS_721 = 500;
const IDS_1155 = 50; // per holder: 10 × 50 = 500 balances
const FIRST_ID = 1_000n;

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mib-bench-nft-'));
  const anvil = await startAnvil({ stateFile: path.join(dir, 'state.json'), blockTimeSeconds: 1 });
  try {
    const demo = await ensureDemoCollection(
      anvil.rpcUrl,
      path.join(dir, 'demo.json'),
      'http://127.0.0.1:1/nft',
    );
    const holders = Array.from({ length: HOLDERS }, (_, index) => devAccount(index + 1).address);
    await mintTokens(anvil.rpcUrl, demo.collectibles, demo.items, holders);

    // Half the questions are about the real holder, half about someone else: both answers occur.
    const queries: HoldingQuery[] = [];
    for (let index = 0; index < TOKENS_721; index += 1)
      queries.push({
        contract: demo.collectibles,
        tokenId: FIRST_ID + BigInt(index),
        holder: holders[(index + (index % 2)) % HOLDERS]!,
      });
    for (let index = 0; index < HOLDERS * IDS_1155; index += 1)
      queries.push({
        contract: demo.items,
        tokenId: FIRST_ID + BigInt(index % IDS_1155),
        holder: holders[Math.floor(index / IDS_1155)]!,
      });

    let rpcRequests = 0;
    const client = createChainClient(
      {
        id: 31337,
        name: 'bench',
        rpcUrls: [anvil.rpcUrl],
        confirmations: 2,
        logRange: 2000,
        timeoutMs: 30_000,
        contractKinds: {},
        collections: [],
        dev: true,
      },
      { onRequestBody: (body) => (rpcRequests += rpcCallCount(body)) },
    );
    const multicall = new MulticallReader(client);
    const ownership = new OwnershipReader(multicall, new ContractKinds(multicall));
    let started = performance.now();
    const ours = await ownership.holdings(queries);
    const ms = Math.round(performance.now() - started);

    let naiveRpcRequests = 0;
    const naive = createPublicClient({
      transport: http(anvil.rpcUrl, {
        onFetchRequest: async (request) => {
          naiveRpcRequests += rpcCallCount(await request.clone().json());
        },
      }),
    });
    started = performance.now();
    const naiveBalances: bigint[] = [];
    for (const query of queries) {
      if (query.contract === demo.collectibles) {
        const owner = await naive.readContract({
          address: query.contract,
          abi: erc721Abi,
          functionName: 'ownerOf',
          args: [query.tokenId],
        });
        naiveBalances.push(owner === query.holder ? 1n : 0n);
      } else {
        naiveBalances.push(
          await naive.readContract({
            address: query.contract,
            abi: erc1155Abi,
            functionName: 'balanceOf',
            args: [query.holder, query.tokenId],
          }),
        );
      }
    }
    const naiveMs = Math.round(performance.now() - started);

    // The transfer indexer and the room: how soon a sold token leaves the world.
    const revocation = await measureRevocation(anvil.rpcUrl, demo);

    const mismatches = ours.filter((holding, index) => holding.balance !== naiveBalances[index]).length;
    if (mismatches > 0) throw new Error(`bench:nft: ${mismatches} answers differ from the naive reads`);
    console.log(
      JSON.stringify({
        tokens: queries.length,
        rpcRequests,
        naiveRpcRequests,
        requestRatio: Math.round((rpcRequests / naiveRpcRequests) * 10_000) / 10_000,
        ms,
        naiveMs,
        held: ours.filter((holding) => holding.balance > 0n).length,
        ...revocation,
        revocationTargetBlocks: revocation.confirmations + 1,
      }),
    );
  } finally {
    await anvil.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** 500 ERC-721 tokens spread over the holders, and 50 ERC-1155 ids to each holder (amounts 1–50). */
async function mintTokens(
  rpcUrl: string,
  collectibles: Address,
  items: Address,
  holders: Address[],
): Promise<void> {
  const reader = createPublicClient({ transport: http(rpcUrl), pollingInterval: 100 });
  const wallet = createWalletClient({ account: devAccount(0), transport: http(rpcUrl) });
  const sent: Hex[] = [];
  for (let start = 0; start < TOKENS_721; start += 100) {
    const ids = Array.from({ length: 100 }, (_, offset) => FIRST_ID + BigInt(start + offset));
    sent.push(
      await wallet.writeContract({
        chain: null,
        address: collectibles,
        abi: contracts.DemoCollectibles.abi,
        functionName: 'mintBatch',
        args: [ids.map((_, offset) => holders[(start + offset) % HOLDERS]!), ids],
      }),
    );
  }
  for (const holder of holders) {
    const ids = Array.from({ length: IDS_1155 }, (_, offset) => FIRST_ID + BigInt(offset));
    sent.push(
      await wallet.writeContract({
        chain: null,
        address: items,
        abi: contracts.DemoItems.abi,
        functionName: 'mintBatch',
        args: [holder, ids, ids.map((_, offset) => BigInt(offset + 1))],
      }),
    );
  }
  for (const hash of sent) {
    const receipt = await reader.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`bench:nft: mint ${hash} reverted`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
