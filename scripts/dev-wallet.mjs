#!/usr/bin/env node
/**
 * Plays a dev chain wallet (anvil's public test keys — never use them for anything real) against a running
 * server, the way a browser wallet would:
 *   node scripts/dev-wallet.mjs [sign-in] [account 0–19, default 1]
 *       SIWE sign-in (nonce, EIP-4361 message, signature); prints the account, its wallets, an access token
 *   node scripts/dev-wallet.mjs frame <account> <token id>
 *       signs in and shows that Demo Collectible on the demo world's gallery frame
 *   node scripts/dev-wallet.mjs transfer <from account> <to account> <token id>
 *       sends a Demo Collectible to another dev account on the dev chain, and waits until it is mined
 * The server is MIB_URL (default http://localhost:2567); the chain is the one it runs (GET /nft/dev-chain).
 */
import { createPublicClient, createWalletClient, http, parseAbi } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';

const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
const server = new URL(process.env.MIB_URL ?? 'http://localhost:2567');
const USAGE =
  'usage: node scripts/dev-wallet.mjs [sign-in] [account] | frame <account> <token id> | transfer <from> <to> <token id>';

function fail(message) {
  console.error(`dev-wallet: ${message}`);
  process.exit(2);
}

function accountIndex(text, what) {
  const index = Number(text);
  if (text === undefined || !Number.isInteger(index) || index < 0 || index > 19)
    fail(`${what} must be a dev account number 0–19 (got ${text ?? 'nothing'}); ${USAGE}`);
  return index;
}

function tokenId(text) {
  if (!/^\d{1,6}$/.test(text ?? ''))
    fail(`the token id must be a whole number (got ${text ?? 'nothing'}); ${USAGE}`);
  return text;
}

const wallet = (index) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });

async function call(path, init = {}) {
  const response = await fetch(new URL(path, server), {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  const body = response.status === 204 ? undefined : await response.json();
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${body?.detail ?? ''}`);
  return body;
}

async function signIn(index) {
  const signer = wallet(index);
  const { nonce, chainIds } = await call('/auth/siwe/nonce', { method: 'POST' });
  const message = createSiweMessage({
    domain: server.host,
    uri: server.origin,
    address: signer.address,
    version: '1',
    chainId: chainIds[0],
    nonce,
    statement: 'Sign in to metaverse-in-a-box with a dev wallet',
  });
  const signature = await signer.signMessage({ message });
  return call('/auth/siwe', { method: 'POST', body: JSON.stringify({ message, signature }) });
}

const commands = {
  async 'sign-in'(index = '1') {
    const session = await signIn(accountIndex(index, 'the account'));
    const wallets = await call('/auth/wallets', {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    return { account: session.account, wallets, accessToken: session.accessToken };
  },
  async frame(index, id) {
    const chain = await call('/nft/dev-chain');
    const session = await signIn(accountIndex(index, 'the account'));
    const binding = await call('/nft/bindings', {
      method: 'POST',
      headers: { authorization: `Bearer ${session.accessToken}` },
      body: JSON.stringify({
        chainId: chain.chainId,
        contract: chain.collectibles,
        tokenId: tokenId(id),
        use: 'frame',
        world: 'demo',
        frame: 'gallery-frame',
      }),
    });
    return {
      framed: binding.display?.name,
      binding: binding.id,
      status: binding.status,
      world: `${server.origin}/`,
    };
  },
  async transfer(from, to, id) {
    const chain = await call('/nft/dev-chain');
    const sender = wallet(accountIndex(from, 'the sender'));
    const receiver = wallet(accountIndex(to, 'the receiver'));
    const transport = http(chain.rpcUrl);
    const owner = await createPublicClient({ transport })
      .readContract({
        address: chain.collectibles,
        abi: parseAbi(['function ownerOf(uint256 tokenId) view returns (address)']),
        functionName: 'ownerOf',
        args: [BigInt(tokenId(id))],
      })
      .catch(() => undefined);
    if (owner?.toLowerCase() !== sender.address.toLowerCase())
      throw new Error(
        `dev account ${from} does not hold Demo Collectible #${id} (${owner ? `${owner} does` : 'no such token'}); GET /nft/dev-chain lists the starting holdings`,
      );
    const hash = await createWalletClient({ account: sender, transport }).writeContract({
      chain: null,
      address: chain.collectibles,
      abi: parseAbi(['function transferFrom(address from, address to, uint256 tokenId)']),
      functionName: 'transferFrom',
      args: [sender.address, receiver.address, BigInt(tokenId(id))],
    });
    const receipt = await createPublicClient({ transport }).waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`the transfer ${hash} reverted`);
    return {
      transferred: `Demo Collectible #${id}`,
      from: sender.address,
      to: receiver.address,
      block: String(receipt.blockNumber),
    };
  },
};

const [first, ...rest] = process.argv.slice(2);
const [name, args] = first === undefined || /^\d+$/.test(first) ? ['sign-in', [first ?? '1']] : [first, rest];
if (!commands[name]) fail(`unknown command "${name}"; ${USAGE}`);
try {
  console.log(JSON.stringify(await commands[name](...args), null, 2));
} catch (error) {
  console.error(`dev-wallet: ${error.message.split('\n')[0]}`);
  process.exit(1);
}
