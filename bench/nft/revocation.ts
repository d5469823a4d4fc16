/**
 * Transfer mined → binding revoked in a running room: the server (its own process) reads our anvil with
 * confirmations = 2; dev wallet 1 frames its token on the demo world's gallery frame; a visitor watches the
 * room state while the token is sent away, and the blocks and milliseconds from the block that holds the
 * transfer to the frame emptying are counted. The token comes back between rounds (which restores the
 * binding), so every round starts from a filled frame.
 */
import { Client, type Room } from '@colyseus/sdk';
import { createPublicClient, createWalletClient, http, type Address, type PublicClient } from 'viem';
import { contracts, devAccount, type DemoCollection } from '../../nft-bridge/index.js';
import { MessageType, RoomName, ServerMessage, type WorldStateView } from '../../protocol/index.js';
import { startBenchServer } from '../shared/server-process.js';
import { signedSiwe } from '../shared/siwe.js';
import { percentile } from '../shared/stats.js';

export const CONFIRMATIONS = 2;
const ROUNDS = 5;
/** How often the visitor's state and the chain head are looked at, in ms. */
const POLL_MS = 10;

export interface RevocationFigures {
  confirmations: number;
  revocationBlocks: number;
  revocationBlocksMax: number;
  revocationMs: number;
  revocationMsMax: number;
  rounds: number;
}

async function until<T>(read: () => T | Promise<T>, accept: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`bench:nft: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function signIn(url: string, index: number): Promise<string> {
  const response = await fetch(`${url}/auth/siwe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(await signedSiwe(url, devAccount(index))),
  });
  if (!response.ok) throw new Error(`bench:nft: SIWE sign-in answered ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

async function send(rpcUrl: string, reader: PublicClient, from: number, to: number, contract: Address) {
  const wallet = createWalletClient({ account: devAccount(from), transport: http(rpcUrl) });
  const hash = await wallet.writeContract({
    chain: null,
    address: contract,
    abi: contracts.DemoCollectibles.abi,
    functionName: 'transferFrom',
    args: [devAccount(from).address, devAccount(to).address, 1n],
  });
  return reader.waitForTransactionReceipt({ hash, pollingInterval: POLL_MS });
}

export async function measureRevocation(rpcUrl: string, demo: DemoCollection): Promise<RevocationFigures> {
  const chains = [{ id: 31337, name: 'bench', rpcUrls: [rpcUrl], confirmations: CONFIRMATIONS, dev: true }];
  const server = await startBenchServer({
    NFT_CHAINS: JSON.stringify(chains),
    RATE_LIMIT_AUTH_PER_MINUTE: '1000',
  });
  let room: Room | undefined;
  try {
    const token = await signIn(server.url, 1);
    const created = await fetch(`${server.url}/nft/bindings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        chainId: 31337,
        contract: demo.collectibles,
        tokenId: '1',
        use: 'frame',
        world: 'demo',
        frame: 'gallery-frame',
      }),
    });
    if (created.status !== 201) throw new Error(`bench:nft: binding answered ${created.status}`);
    room = await new Client(server.url).joinOrCreate(RoomName.world, {
      world: 'demo',
      name: 'watcher',
      color: '#ff8800',
    });
    room.onMessage(ServerMessage.movement, () => undefined); // positions: not looked at here
    room.onMessage(MessageType.voice, () => undefined);
    const framed = () => (room!.state as WorldStateView).frames?.has('gallery-frame') ?? false;
    const reader = createPublicClient({ transport: http(rpcUrl) });
    const blocks: number[] = [];
    const ms: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await until(framed, Boolean, 'the frame to show the token');
      const receipt = await send(rpcUrl, reader, 1, 2, demo.collectibles);
      const minedAt = performance.now();
      await until(framed, (shown) => !shown, 'the frame to empty');
      ms.push(performance.now() - minedAt);
      blocks.push(Number((await reader.getBlockNumber({ cacheTime: 0 })) - receipt.blockNumber));
      await send(rpcUrl, reader, 2, 1, demo.collectibles);
    }
    return {
      confirmations: CONFIRMATIONS,
      revocationBlocks: percentile(blocks, 50),
      revocationBlocksMax: Math.max(...blocks),
      revocationMs: Math.round(percentile(ms, 50)),
      revocationMsMax: Math.round(Math.max(...ms)),
      rounds: ROUNDS,
    };
  } finally {
    await room?.leave().catch(() => undefined);
    await server.stop();
  }
}
