/**
 * NFT bindings and token gates through the running server and its dev chain: only the holder binds, the
 * demo world's open frame shows the token to visitors, a confirmed transfer revokes (and a transfer back or
 * a reorg that undoes it restores), ERC-1155 amounts count, and a token-gated world admits holders only,
 * removes a visitor who sells the key while inside, and refuses entry when the chain cannot be read.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPublicClient, createTestClient, createWalletClient, http, type Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type LocalAccount } from 'viem/accounts';
import { contracts, devAccount } from '../../nft-bridge/index.js';
import {
  MessageType,
  type InteractionRefusal,
  type NftFrameView,
  type WorldStateView,
} from '../../protocol/index.js';
import type { RunningServer } from '../../server/index.js';
import { apiClient, createOrg, createWorld, ok, registerAccount, replaceDraft, sdk } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { tempDir } from '../helpers/server-process.js';
import { signedSiwe } from '../helpers/siwe.js';
import { joinWorld, walkTowards, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

let server: RunningServer;
let dataDir: string;
let collectibles: Address;
let items: Address;
const tokens = new Map<number, string>();
const visitors: Visitor[] = [];

/** Signs in with dev wallet `index` (or any wallet) and returns the session's access token. */
async function signIn(wallet: LocalAccount): Promise<string> {
  const session = await ok(
    sdk.walletsSignIn({ client: apiClient(server.url), body: await signedSiwe(server.url, wallet) }),
  );
  return session.accessToken;
}

/**
 * The premise of the outage case, checked before relying on it: anvil `pid` is stopped (state T) and its RPC
 * endpoint no longer answers (a blockNumber read times out after 1 s). If it still answers, the failure says
 * so instead of blaming the gate.
 */
async function expectChainSilent(pid: number): Promise<void> {
  await waitFor(
    async () => (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.charAt(0),
    (state) => state === 'T',
    { what: `anvil (pid ${pid}) stopped by SIGSTOP`, timeoutMs: 5_000 },
  );
  const probe = createPublicClient({
    transport: http(server.devChain!.rpcUrl, { timeout: 1_000, retryCount: 0 }),
  });
  const answer = await probe.getBlockNumber({ cacheTime: 0 }).then(
    (block) => `block ${block}`,
    () => null,
  );
  if (answer !== null)
    throw new Error(
      `the dev chain at ${server.devChain!.rpcUrl} still answers (${answer}) after SIGSTOP of pid ${pid}: the pid file does not name the anvil the server reads`,
    );
}

async function bind(from: number, body: Record<string, unknown>) {
  return fetch(`${server.url}/nft/bindings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.get(from)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ chainId: 31337, contract: collectibles, ...body }),
  });
}

async function bindingStatus(from: number, id: string): Promise<string | undefined> {
  const list = await ok(sdk.nftList({ client: apiClient(server.url, tokens.get(from)) }));
  return list.find((binding) => binding.id === id)?.status;
}

async function transfer(from: number, to: number, contract: Address, id: bigint, amount?: bigint) {
  const wallet = createWalletClient({ account: devAccount(from), transport: http(server.devChain!.rpcUrl) });
  const [sender, receiver] = [devAccount(from).address, devAccount(to).address];
  const hash =
    amount === undefined
      ? await wallet.writeContract({
          chain: null,
          address: contract,
          abi: contracts.DemoCollectibles.abi,
          functionName: 'transferFrom',
          args: [sender, receiver, id],
        })
      : await wallet.writeContract({
          chain: null,
          address: contract,
          abi: contracts.DemoItems.abi,
          functionName: 'safeTransferFrom',
          args: [sender, receiver, id, amount, '0x'],
        });
  const reader = createPublicClient({ transport: http(server.devChain!.rpcUrl) });
  await waitFor(() => reader.getTransactionReceipt({ hash }).catch(() => undefined), Boolean, {
    what: 'transfer mined',
  });
}

function frames(visitor: Visitor): Map<string, NftFrameView> {
  return (visitor.room.state as WorldStateView).frames ?? new Map<string, NftFrameView>();
}

beforeAll(async () => {
  dataDir = await tempDir();
  server = await startInProcessServer({
    DEV_CHAIN: 'on',
    DATA_DIR: dataDir,
    RATE_LIMIT_AUTH_PER_MINUTE: '10000',
    RATE_LIMIT_WRITES_PER_MINUTE: '10000',
  });
  ({ collectibles, items } = server.devChain!.demo);
  for (const index of [1, 2]) tokens.set(index, await signIn(devAccount(index)));
}, 120_000);

afterAll(async () => {
  for (const visitor of visitors) await visitor.leave().catch(() => undefined);
  await server?.close();
});

describe('NFT bindings', () => {
  it('binds only what a linked wallet holds, and says what is wrong with a bad request', async () => {
    const notHeld = await bind(1, { tokenId: '3', use: 'collectible' });
    expect(notHeld.status).toBe(403);
    expect(((await notHeld.json()) as { detail: string }).detail).toContain(
      `none of your linked wallets (${devAccount(1).address.toLowerCase()}) holds token 3`,
    );
    const noFrame = await bind(1, { tokenId: '1', use: 'frame' });
    expect(noFrame.status).toBe(400);
    const notAToken = await bind(1, { contract: devAccount(5).address, tokenId: '1', use: 'collectible' });
    expect(notAToken.status).toBe(400);
    const otherChain = await bind(1, { chainId: 1, tokenId: '1', use: 'collectible' });
    expect(((await otherChain.json()) as { detail: string }).detail).toContain(
      'chain 1 is not one this server reads',
    );
    const wrongFrame = await bind(1, { tokenId: '1', use: 'frame', world: 'demo', frame: 'bench' });
    expect(((await wrongFrame.json()) as { detail: string }).detail).toContain('its frames: gallery-frame');
    const tooMany = await bind(1, { contract: items, tokenId: '1', amount: '6', use: 'collectible' });
    expect(tooMany.status).toBe(403);
  });

  it('shows a framed token to visitors, empties the frame after a transfer and fills it when the token is back', async () => {
    const created = await bind(1, { tokenId: '1', use: 'frame', world: 'demo', frame: 'gallery-frame' });
    expect(created.status).toBe(201);
    const binding = (await created.json()) as {
      id: string;
      display: { name: string; image: string; modelJob?: string };
    };
    expect(binding.display.name).toBe('Demo Collectible #1');
    // Its metadata's animation_url is a GLB: fetched by the server and queued through the asset pipeline.
    expect(binding.display.modelJob).toMatch(/^[0-9a-f-]{36}$/);
    const image = await fetch(`${server.url}/assets/files/${binding.display.image}`);
    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/webp']);

    const visitor = await joinWorld(server.url);
    visitors.push(visitor);
    await waitFor(
      () => frames(visitor).get('gallery-frame')?.name,
      (name) => name === 'Demo Collectible #1',
      {
        what: 'the frame showing token 1',
      },
    );
    expect(frames(visitor).get('gallery-frame')?.image).toBe(binding.display.image);
    // Once its job succeeds, the frame shows the token's model too: an optimised asset of this server.
    const model = await waitFor(
      () => frames(visitor).get('gallery-frame')?.model,
      (hash) => /^[0-9a-f]{64}$/.test(hash ?? ''),
      { what: 'the frame showing the token’s model', timeoutMs: 60_000 },
    );
    const asset = (await (await fetch(`${server.url}/assets/${model}`)).json()) as { profile: string };
    expect(asset.profile).toBe('prop');

    await transfer(1, 2, collectibles, 1n);
    await waitFor(
      () => bindingStatus(1, binding.id),
      (status) => status === 'revoked',
      { what: 'revoked' },
    );
    await waitFor(
      () => frames(visitor).has('gallery-frame'),
      (shown) => !shown,
      { what: 'the frame emptied' },
    );

    await transfer(2, 1, collectibles, 1n);
    await waitFor(
      () => bindingStatus(1, binding.id),
      (status) => status === 'active',
      { what: 'restored' },
    );
    await waitFor(() => frames(visitor).has('gallery-frame'), Boolean, { what: 'the frame filled again' });
  }, 90_000);

  it('restores a binding when a reorg undoes the transfer that revoked it', async () => {
    const created = (await (await bind(1, { tokenId: '2', use: 'collectible' })).json()) as { id: string };
    const control = createTestClient({ mode: 'anvil', transport: http(server.devChain!.rpcUrl) });
    const snapshot = await control.snapshot();
    await transfer(1, 2, collectibles, 2n);
    await waitFor(
      () => bindingStatus(1, created.id),
      (status) => status === 'revoked',
      { what: 'revoked' },
    );
    await control.revert({ id: snapshot });
    await control.mine({ blocks: 8 });
    await waitFor(
      () => bindingStatus(1, created.id),
      (status) => status === 'active',
      {
        what: 'restored after the reorg',
        timeoutMs: 20_000,
      },
    );
  }, 90_000);

  it('shows the newest binding on a frame, and drops a wallet’s bindings when it is unlinked', async () => {
    const visitor = visitors[0]!;
    const framed = await bind(2, { tokenId: '3', use: 'frame', world: 'demo', frame: 'gallery-frame' });
    expect(framed.status).toBe(201);
    await waitFor(
      () => frames(visitor).get('gallery-frame')?.name,
      (name) => name === 'Demo Collectible #3',
      {
        what: 'the newest binding on the frame',
      },
    );
    // Account 2 keeps a way to sign in (another wallet), then unlinks the one that holds token 3.
    const api = apiClient(server.url, tokens.get(2));
    await ok(
      sdk.walletsLink({
        client: api,
        body: await signedSiwe(server.url, privateKeyToAccount(generatePrivateKey())),
      }),
      201,
    );
    const unlinked = await fetch(`${server.url}/auth/wallets/${devAccount(2).address}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokens.get(2)}` },
    });
    expect(unlinked.status).toBe(204);
    expect(await ok(sdk.nftList({ client: api }))).toEqual([]);
    await waitFor(
      () => frames(visitor).get('gallery-frame')?.name,
      (name) => name === 'Demo Collectible #1',
      {
        what: 'the frame back to the older binding',
      },
    );
  });

  it('wears an ERC-1155 binding of 5 while the wallet holds 5, and takes it off at 4', async () => {
    const observer = visitors[0]!;
    const wearer = await joinWorld(server.url, {}, tokens.get(1));
    visitors.push(wearer);
    const created = await bind(1, { contract: items, tokenId: '1', amount: '5', use: 'wearable' });
    expect(created.status).toBe(201);
    const { id, standard, display } = (await created.json()) as {
      id: string;
      standard: string;
      display: { name: string; image: string };
    };
    expect([standard, display.name]).toEqual(['erc1155', 'Demo Item #1']);
    const worn = () => observer.avatars().get(wearer.sessionId)?.wearing;
    await waitFor(worn, (image) => image === display.image, { what: 'the wearable seen by another visitor' });
    await transfer(1, 2, items, 1n, 1n);
    await waitFor(
      () => bindingStatus(1, id),
      (status) => status === 'revoked',
      { what: 'revoked' },
    );
    await waitFor(worn, (image) => image === '', { what: 'the wearable taken off' });
    const removed = await fetch(`${server.url}/nft/bindings/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokens.get(1)}` },
    });
    expect(removed.status).toBe(204);
    expect(await bindingStatus(1, id)).toBeUndefined();
  });
});

describe('keys', () => {
  it('opens a locked portal only for a visitor who bound a key to it and still holds the token', async () => {
    const owner = await registerAccount(server.url, 'Keeper');
    await createOrg(owner.api, 'keys-org');
    await createWorld(owner.api, 'keys-org', { slug: 'keep', name: 'Keep' });
    const key = { chainId: 31337, contract: collectibles };
    await replaceDraft(owner.api, 'keep', {
      schema: 1,
      entities: [
        {
          id: 'start',
          transform: { position: [0, 0, 0] },
          components: [{ type: 'spawn-point', name: 'main', default: true }],
        },
        {
          id: 'inside',
          transform: { position: [15, 0, 15] },
          components: [{ type: 'spawn-point', name: 'inside' }],
        },
        {
          id: 'door',
          transform: { position: [0, 0, 5] },
          components: [{ type: 'portal', spawn: 'inside', radius: 1, key }],
        },
      ],
    });
    await ok(
      sdk.scenesPublish({ client: owner.api, path: { slug: 'keep' }, body: { message: 'locked door' } }),
      201,
    );

    const visitor = await joinWorld(server.url, { world: 'keep', spawn: 'main' }, tokens.get(1));
    visitors.push(visitor);
    const refusals: InteractionRefusal[] = [];
    visitor.room.onMessage(MessageType.interactionRefused, (refusal: InteractionRefusal) =>
      refusals.push(refusal),
    );
    let seq = 0;
    const walk = (target: { x: number; z: number }, done: () => boolean) =>
      walkTowards(visitor, target, done, () => ++seq);

    await walk({ x: 0, z: 5 }, () => refusals.length > 0);
    expect(refusals[0]).toMatchObject({
      entity: 'door',
      reason: expect.stringContaining('portal "door" is locked'),
    });
    expect(visitor.self()!.x).toBeLessThan(5);

    const wrongPortal = await bind(1, { tokenId: '1', use: 'key', world: 'keep', portal: 'start' });
    expect(((await wrongPortal.json()) as { detail: string }).detail).toContain('its locked portals: door');
    const notTheKey = await bind(1, {
      contract: items,
      tokenId: '1',
      use: 'key',
      world: 'keep',
      portal: 'door',
    });
    expect(notTheKey.status).toBe(400);
    const bound = await bind(1, { tokenId: '1', use: 'key', world: 'keep', portal: 'door' });
    expect(bound.status).toBe(201);

    await walk({ x: 0, z: 1 }, () => visitor.self()!.z < 2);
    await walk({ x: 0, z: 5 }, () => visitor.self()!.x > 10);
    expect(visitor.self()!.z).toBeGreaterThan(10);

    // Sold: the key binding is revoked and the door is locked to this visitor again.
    const { id } = (await bound.json()) as { id: string };
    await transfer(1, 2, collectibles, 1n);
    await waitFor(
      () => bindingStatus(1, id),
      (status) => status === 'revoked',
      { what: 'key revoked' },
    );
    const before = refusals.length;
    await walk({ x: 0, z: 5 }, () => refusals.length > before);
    expect(visitor.self()!.z).toBeLessThan(10);
    await transfer(2, 1, collectibles, 1n);
  }, 90_000);
});

describe('token gates', () => {
  it('admits holders only, removes a visitor who sells the key, and fails closed when the chain is down', async () => {
    // Wallet 2 signs in afresh (an earlier test unlinked it from its first account).
    const buyer = await signIn(devAccount(2));
    const owner = await registerAccount(server.url, 'Gatekeeper');
    await createOrg(owner.api, 'gated-org');
    await createWorld(owner.api, 'gated-org', { slug: 'vault', name: 'Vault' });
    await ok(
      sdk.nftSetGate({
        client: owner.api,
        path: { slug: 'vault' },
        body: { chainId: 31337, contract: collectibles, tokenId: '2', label: 'the vault key (Demo #2)' },
      }),
    );
    await expect(joinWorld(server.url, { world: 'vault' })).rejects.toThrow(
      /token-gated: it needs the vault key/,
    );
    await expect(joinWorld(server.url, { world: 'vault' }, buyer)).rejects.toThrow(/do not hold/);

    const holder = await joinWorld(server.url, { world: 'vault' }, tokens.get(1));
    visitors.push(holder);
    await transfer(1, 2, collectibles, 2n);
    await waitFor(
      () => holder.leftWith(),
      (code) => code === 4412,
      { what: 'the seller removed', timeoutMs: 20_000 },
    );
    expect(holder.removed).toEqual([
      { code: 4412, reason: expect.stringContaining('it needs the vault key (Demo #2)') },
    ]);
    visitors.push(await joinWorld(server.url, { world: 'vault' }, buyer));

    // A chain that does not answer: the gate cannot be checked, so entry is refused and says why.
    const stranger = await signIn(privateKeyToAccount(generatePrivateKey()));
    const pid = Number(await readFile(path.join(dataDir, 'chain', 'state.json.anvil.pid'), 'utf8'));
    process.kill(pid, 'SIGSTOP');
    try {
      await expectChainSilent(pid);
      await expect(joinWorld(server.url, { world: 'vault' }, stranger)).rejects.toThrow(
        /cannot be checked and is refused/,
      );
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  }, 120_000);
});
