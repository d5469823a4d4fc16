/**
 * Sign-In with Ethereum as a wallet does it: a server nonce, an EIP-4361 message, a signature. Used by the
 * benchmarks and (through test/helpers/siwe.ts) the tests.
 */
import type { LocalAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';

/** A message for the server at `url` (dev chain 31337), signed by `wallet`, with a fresh nonce. */
export async function signedSiwe(
  url: string,
  wallet: LocalAccount,
): Promise<{ message: string; signature: string }> {
  const response = await fetch(`${url}/auth/siwe/nonce`, { method: 'POST' });
  if (response.status !== 201) throw new Error(`POST /auth/siwe/nonce answered ${response.status}`);
  const { nonce } = (await response.json()) as { nonce: string };
  const message = createSiweMessage({
    domain: new URL(url).host,
    uri: url,
    address: wallet.address,
    version: '1',
    chainId: 31337,
    nonce,
  });
  return { message, signature: await wallet.signMessage({ message }) };
}
