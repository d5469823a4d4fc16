/**
 * A visitor's items (GET /nft/items) through the running server and its dev chain: what each linked
 * wallet holds of the listed demo collections, with names, pictures and bindings; a transfer moves the item
 * from one list to the other; no wallet lists nothing; and the log scan behind it reads only new blocks
 * the second time, and says what to do when the chain cannot be read or the history is too long.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPublicClient, createWalletClient, http, type Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type LocalAccount } from 'viem/accounts';
import {
  ChainUnreadableError,
  ScanTooLongError,
  WalletTokenScanner,
  contracts,
  createChainClient,
  devAccount,
  rpcCallCount,
} from '../../nft-bridge/index.js';
import type { RunningServer } from '../../server/index.js';
import { apiClient, ok, registerAccount, sdk } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { tempDir } from '../helpers/server-process.js';
import { signedSiwe } from '../helpers/siwe.js';
import { waitFor } from '../helpers/wait.js';

let server: RunningServer;
let collectibles: Address;
let items: Address;
const tokens = new Map<number, string>();

async function signIn(wallet: LocalAccount): Promise<string> {
  const session = await ok(
    sdk.walletsSignIn({ client: apiClient(server.url), body: await signedSiwe(server.url, wallet) }),
  );
  return session.accessToken;
}

async function listItems(token: string) {
  return ok(sdk.nftListItems({ client: apiClient(server.url, token) }));
}

/** "contract:tokenId×balance" of each listed item, in the order listed. */
async function held(token: string): Promise<string[]> {
  const list = await listItems(token);
  return list.items.map(
    (item) => `${item.contract === collectibles ? 'collectible' : 'item'}:${item.tokenId}×${item.balance}`,
  );
}

beforeAll(async () => {
  server = await startInProcessServer({
    DEV_CHAIN: 'on',
    DATA_DIR: await tempDir(),
    RATE_LIMIT_AUTH_PER_MINUTE: '10000',
    RATE_LIMIT_WRITES_PER_MINUTE: '10000',
  });
  ({ collectibles, items } = server.devChain!.demo);
  for (const index of [1, 2]) tokens.set(index, await signIn(devAccount(index)));
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe('a wallet’s items', () => {
  it('lists what each linked wallet holds of the demo collections, named and pictured', async () => {
    const list = await listItems(tokens.get(1)!);
    expect(list.wallets).toEqual([devAccount(1).address]);
    expect(list.problems).toEqual([]);
    expect(await held(tokens.get(1)!)).toEqual([
      'collectible:1×1',
      'collectible:2×1',
      'item:1×5',
      'item:2×1',
    ]);
    const first = list.items.find((item) => item.contract === collectibles && item.tokenId === '1')!;
    expect(first).toMatchObject({
      chainId: 31337,
      chainName: 'Dev chain (anvil)',
      standard: 'erc721',
      wallet: devAccount(1).address,
      bindings: [],
    });
    expect(first.display.name).toBe('Demo Collectible #1');
    expect(first.display.image).toMatch(/^[0-9a-f]{64}$/);
    const picture = await fetch(`${server.url}/assets/files/${first.display.image}`);
    expect(picture.headers.get('content-type')).toBe('image/webp');
    expect(list.items.find((item) => item.contract === items)?.standard).toBe('erc1155');
    expect(await held(tokens.get(2)!)).toEqual(['collectible:3×1', 'item:1×2']);
  });

  it('shows the bindings of an item', async () => {
    const created = await fetch(`${server.url}/nft/bindings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.get(1)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ chainId: 31337, contract: items, tokenId: '2', use: 'wearable' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const list = await listItems(tokens.get(1)!);
    const worn = list.items.find((item) => item.contract === items && item.tokenId === '2')!;
    expect(worn.bindings).toEqual([
      { id, use: 'wearable', worldId: null, world: null, frame: null, status: 'active' },
    ]);
    const framed = await fetch(`${server.url}/nft/bindings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.get(1)}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        chainId: 31337,
        contract: collectibles,
        tokenId: '1',
        use: 'frame',
        world: 'demo',
        frame: 'gallery-frame',
      }),
    });
    expect(framed.status).toBe(201);
    const first = (await listItems(tokens.get(1)!)).items.find(
      (item) => item.contract === collectibles && item.tokenId === '1',
    )!;
    expect(first.bindings).toMatchObject([
      { use: 'frame', world: 'demo', frame: 'gallery-frame', status: 'active' },
    ]);
  });

  it('moves an item from the sender’s list to the receiver’s once a transfer is confirmed', async () => {
    const sender = devAccount(1);
    const wallet = createWalletClient({ account: sender, transport: http(server.devChain!.rpcUrl) });
    const hash = await wallet.writeContract({
      chain: null,
      address: collectibles,
      abi: contracts.DemoCollectibles.abi,
      functionName: 'transferFrom',
      args: [sender.address, devAccount(2).address, 2n],
    });
    await createPublicClient({ transport: http(server.devChain!.rpcUrl) }).waitForTransactionReceipt({
      hash,
    });
    // The receiver's scan finds the new log at once; the sender's cached holding is dropped when the
    // transfer indexer confirms the transfer (2 blocks).
    expect(await held(tokens.get(2)!)).toContain('collectible:2×1');
    await waitFor(
      () => held(tokens.get(1)!),
      (list) => !list.includes('collectible:2×1'),
      { what: 'the sent collectible gone from the sender’s items', timeoutMs: 30_000 },
    );
    expect(await held(tokens.get(1)!)).toEqual(['collectible:1×1', 'item:1×5', 'item:2×1']);
  });

  it('lists no items for an account without wallets, or a wallet holding none', async () => {
    const fresh = await signIn(privateKeyToAccount(generatePrivateKey()));
    expect((await listItems(fresh)).items).toEqual([]);
    const withPassword = await registerAccount(server.url);
    expect(await listItems(withPassword.token)).toEqual({ wallets: [], items: [], problems: [], more: 0 });
    const anonymous = await fetch(`${server.url}/nft/items`);
    expect(anonymous.status).toBe(401);
  });
});

describe('the wallet token scan', () => {
  const collection = () => [{ address: collectibles, fromBlock: 0n }];

  it('reads only the blocks since its last scan of a wallet', async () => {
    let calls = 0;
    const client = createChainClient(
      {
        id: 31337,
        name: 'dev',
        rpcUrls: [server.devChain!.rpcUrl],
        confirmations: 2,
        logRange: 2,
        timeoutMs: 5_000,
        contractKinds: {},
        collections: [],
        dev: true,
      },
      { onRequestBody: (body) => (calls += rpcCallCount(body)) },
    );
    const scanner = new WalletTokenScanner(client, 31337, collection(), { logRange: 2 });
    const first = await scanner.received(devAccount(2).address);
    expect(first.map((token) => token.tokenId)).toEqual([3n, 2n]);
    const firstCalls = calls;
    calls = 0;
    await scanner.received(devAccount(2).address);
    // A block a second: the second scan reads a few new blocks, not the whole history again.
    expect(calls).toBeLessThan(firstCalls / 2);
  });

  it('fails with the fix when the history is too long, and as unreadable when the chain does not answer', async () => {
    const client = createChainClient({
      id: 31337,
      name: 'dev',
      rpcUrls: [server.devChain!.rpcUrl],
      confirmations: 2,
      logRange: 2_000,
      timeoutMs: 5_000,
      contractKinds: {},
      collections: [],
      dev: true,
    });
    const long = new WalletTokenScanner(client, 31337, collection(), {
      logRange: 2_000,
      maxBlocksPerScan: 1,
    });
    await expect(long.received(devAccount(1).address)).rejects.toThrow(ScanTooLongError);
    await expect(long.received(devAccount(1).address)).rejects.toThrow(
      "set each listed collection's fromBlock to the block it was deployed in",
    );
    const dead = createChainClient({
      id: 31337,
      name: 'dead',
      rpcUrls: ['http://127.0.0.1:9'],
      confirmations: 2,
      logRange: 2_000,
      timeoutMs: 1_000,
      contractKinds: {},
      collections: [],
      dev: false,
    });
    const unreadable = new WalletTokenScanner(dead, 31337, collection(), { logRange: 2_000 });
    await expect(unreadable.received(devAccount(1).address)).rejects.toThrow(ChainUnreadableError);
  });
});
