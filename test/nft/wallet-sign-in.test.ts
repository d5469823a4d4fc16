/**
 * Sign-In with Ethereum on the server's own dev chain (anvil, started by the server as `npm start` does):
 * an EOA, a deployed ERC-1271 wallet and an undeployed ERC-6492 wallet sign in; replayed, foreign, stale
 * and forged messages are refused with the reason; wallets link to and unlink from accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  http,
  keccak256,
  serializeErc6492Signature,
  toHex,
  type Address,
  type Hex,
} from 'viem';
import { privateKeyToAccount, generatePrivateKey, type LocalAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import { contracts, devAccount } from '../../nft-bridge/index.js';
import type { RunningServer } from '../../server/index.js';
import { registerAccount } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';

let server: RunningServer;
let rpcUrl: string;
let factory: Address;

interface Problem {
  status: number;
  detail: string;
}

beforeAll(async () => {
  server = await startInProcessServer({ DEV_CHAIN: 'on', RATE_LIMIT_AUTH_PER_MINUTE: '1000' });
  rpcUrl = server.devChain!.rpcUrl;
  // A wallet factory, deployed the way a smart-wallet provider would (by dev account 0, the deployer).
  const deployer = createWalletClient({ account: devAccount(0), transport: http(rpcUrl) });
  const reader = createPublicClient({ transport: http(rpcUrl), pollingInterval: 100 });
  const hash = await deployer.deployContract({
    chain: null,
    abi: contracts.OwnedWalletFactory.abi,
    bytecode: contracts.OwnedWalletFactory.bytecode,
  });
  factory = (await reader.waitForTransactionReceipt({ hash })).contractAddress!;
});

afterAll(async () => {
  await server?.close();
});

async function nonce(): Promise<string> {
  const response = await fetch(`${server.url}/auth/siwe/nonce`, { method: 'POST' });
  expect(response.status).toBe(201);
  return ((await response.json()) as { nonce: string }).nonce;
}

async function message(address: Address, overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {}) {
  const url = new URL(server.url);
  return createSiweMessage({
    domain: url.host,
    uri: server.url,
    address,
    version: '1',
    chainId: 31337,
    nonce: await nonce(),
    issuedAt: new Date(),
    statement: 'Sign in to metaverse-in-a-box',
    ...overrides,
  });
}

function signIn(text: string, signature: Hex) {
  return fetch(`${server.url}/auth/siwe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: text, signature }),
  });
}

async function signedInAs(account: LocalAccount, address = account.address) {
  const text = await message(address);
  const response = await signIn(text, await account.signMessage({ message: text }));
  return {
    response,
    body: (await response.clone().json()) as { accessToken: string; account: { id: string } },
  };
}

async function refused(response: Response, status: number, detail: RegExp): Promise<void> {
  expect(response.status).toBe(status);
  expect(((await response.json()) as Problem).detail).toMatch(detail);
}

describe('wallet sign-in (SIWE)', () => {
  it('signs in an EOA, creating its account once, and lists the wallet', async () => {
    const holder = devAccount(1);
    const first = await signedInAs(holder);
    expect(first.response.status).toBe(200);
    const again = await signedInAs(holder);
    expect(again.body.account.id).toBe(first.body.account.id);
    const wallets = await fetch(`${server.url}/auth/wallets`, {
      headers: { authorization: `Bearer ${first.body.accessToken}` },
    });
    expect(await wallets.json()).toEqual([
      expect.objectContaining({ address: holder.address.toLowerCase(), chainId: 31337 }),
    ]);
  });

  it('signs in a deployed ERC-1271 smart wallet with its owner key', async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    const salt = keccak256(toHex('deployed'));
    const deployer = createWalletClient({ account: devAccount(0), transport: http(rpcUrl) });
    const reader = createPublicClient({ transport: http(rpcUrl), pollingInterval: 100 });
    const wallet = await reader.readContract({
      address: factory,
      abi: contracts.OwnedWalletFactory.abi,
      functionName: 'addressOf',
      args: [owner.address, salt],
    });
    await reader.waitForTransactionReceipt({
      hash: await deployer.writeContract({
        chain: null,
        address: factory,
        abi: contracts.OwnedWalletFactory.abi,
        functionName: 'deploy',
        args: [owner.address, salt],
      }),
    });
    expect(await reader.getCode({ address: wallet })).toBeTruthy();
    const { response } = await signedInAs(owner, wallet);
    expect(response.status).toBe(200);
    // Someone else's key does not speak for the wallet.
    const { response: forged } = await signedInAs(privateKeyToAccount(generatePrivateKey()), wallet);
    await refused(forged, 401, /is not 0x[0-9a-fA-F]{40}'s signature/);
  });

  it('signs in an undeployed ERC-6492 wallet from its factory data, without deploying it', async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    const salt = keccak256(toHex('counterfactual'));
    const reader = createPublicClient({ transport: http(rpcUrl) });
    const wallet = await reader.readContract({
      address: factory,
      abi: contracts.OwnedWalletFactory.abi,
      functionName: 'addressOf',
      args: [owner.address, salt],
    });
    const text = await message(wallet);
    const signature = serializeErc6492Signature({
      address: factory,
      data: encodeFunctionData({
        abi: contracts.OwnedWalletFactory.abi,
        functionName: 'deploy',
        args: [owner.address, salt],
      }),
      signature: await owner.signMessage({ message: text }),
    });
    expect((await signIn(text, signature)).status).toBe(200);
    expect(await reader.getCode({ address: wallet })).toBeUndefined();
  });

  it('refuses a replayed message: its nonce is spent', async () => {
    const holder = devAccount(2);
    const text = await message(holder.address);
    const signature = await holder.signMessage({ message: text });
    expect((await signIn(text, signature)).status).toBe(200);
    await refused(await signIn(text, signature), 401, /nonce is unknown, expired or already used/);
  });

  it('refuses a nonce the server never issued', async () => {
    const holder = devAccount(2);
    const text = await message(holder.address, { nonce: 'madeUpNonce12345' });
    await refused(
      await signIn(text, await holder.signMessage({ message: text })),
      401,
      /nonce is unknown, expired or already used/,
    );
  });

  it('refuses messages made for another site, another chain, or with the wrong URI', async () => {
    const holder = devAccount(2);
    const cases: Array<[Partial<Parameters<typeof createSiweMessage>[0]>, RegExp]> = [
      [{ domain: 'evil.example' }, /made for evil\.example; sign in at http:\/\//],
      [{ uri: 'https://evil.example/login' }, /URI https:\/\/evil\.example\/login is not on/],
      [{ chainId: 1 }, /chain 1 is not one this server reads; sign in on chain 31337/],
    ];
    for (const [overrides, detail] of cases) {
      const text = await message(holder.address, overrides);
      await refused(await signIn(text, await holder.signMessage({ message: text })), 400, detail);
    }
  });

  it('refuses expired and stale messages', async () => {
    const holder = devAccount(2);
    const expired = await message(holder.address, { expirationTime: new Date(Date.now() - 1_000) });
    await refused(await signIn(expired, await holder.signMessage({ message: expired })), 401, /has expired/);
    const stale = await message(holder.address, { issuedAt: new Date(Date.now() - 3_600_000) });
    await refused(await signIn(stale, await holder.signMessage({ message: stale })), 401, /older than 600 s/);
  });

  it("refuses a signature made by another address than the message's", async () => {
    const text = await message(devAccount(1).address);
    await refused(
      await signIn(text, await devAccount(2).signMessage({ message: text })),
      401,
      /is not 0x[0-9a-fA-F]{40}'s signature of this message/,
    );
  });

  it('answers malformed input with what is wrong', async () => {
    await refused(await signIn('hello', `0x${'ab'.repeat(65)}`), 400, /not an EIP-4361 message/);
    const response = await fetch(`${server.url}/auth/siwe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'x', signature: 'not hex' }),
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toMatch(/0x-prefixed hex signature/);
  });

  it('links wallets to an account, refuses one another account holds, and keeps a way to sign in', async () => {
    const person = await registerAccount(server.url);
    const wallet = privateKeyToAccount(generatePrivateKey());
    const auth = { authorization: `Bearer ${person.token}`, 'content-type': 'application/json' };
    const link = async (account: LocalAccount, token = auth) => {
      const text = await message(account.address);
      return fetch(`${server.url}/auth/wallets`, {
        method: 'POST',
        headers: token,
        body: JSON.stringify({ message: text, signature: await account.signMessage({ message: text }) }),
      });
    };
    expect((await link(wallet)).status).toBe(201);
    await refused(await link(devAccount(1)), 409, /linked to another account; sign in with it and unlink/);
    const unlinked = await fetch(`${server.url}/auth/wallets/${wallet.address}`, {
      method: 'DELETE',
      headers: auth,
    });
    expect(unlinked.status).toBe(204);

    // A wallet-only account cannot drop its only wallet: it would have no way to sign in.
    const walletOnly = privateKeyToAccount(generatePrivateKey());
    const { body } = await signedInAs(walletOnly);
    await refused(
      await fetch(`${server.url}/auth/wallets/${walletOnly.address}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${body.accessToken}` },
      }),
      409,
      /only way to sign in/,
    );
  });
});
