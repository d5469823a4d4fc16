#!/usr/bin/env node
/**
 * Signs in to a running server with one of the dev chain's wallets (anvil's public test keys — never use
 * them for anything real), the way a browser wallet would: nonce, EIP-4361 message, signature, session.
 *   node scripts/dev-wallet.mjs [account index, default 1] [server URL, default http://localhost:2567]
 * Prints the account, its linked wallets and an access token for further requests.
 */
import { mnemonicToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';

const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
const index = Number(process.argv[2] ?? '1');
const server = new URL(process.argv[3] ?? 'http://localhost:2567');
if (!Number.isInteger(index) || index < 0 || index > 19) {
  console.error('usage: node scripts/dev-wallet.mjs [account index 0–19] [server URL]');
  process.exit(2);
}
const wallet = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });

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

try {
  const { nonce, chainIds } = await call('/auth/siwe/nonce', { method: 'POST' });
  const message = createSiweMessage({
    domain: server.host,
    uri: server.origin,
    address: wallet.address,
    version: '1',
    chainId: chainIds[0],
    nonce,
    statement: 'Sign in to metaverse-in-a-box with a dev wallet',
  });
  const signature = await wallet.signMessage({ message });
  const session = await call('/auth/siwe', { method: 'POST', body: JSON.stringify({ message, signature }) });
  const wallets = await call('/auth/wallets', {
    headers: { authorization: `Bearer ${session.accessToken}` },
  });
  console.log(
    JSON.stringify({ account: session.account, wallets, accessToken: session.accessToken }, null, 2),
  );
} catch (error) {
  console.error(`dev-wallet: ${error.message}`);
  process.exit(1);
}
