/**
 * Sign-In with Ethereum (EIP-4361) checked in full. viem's `verifySiweMessage` verifies the signature —
 * EOAs, deployed ERC-1271 wallets and undeployed ERC-6492 wallets alike — but checks the domain and nonce
 * only when given them, and never the uri, chain or age: those are checked here, and the nonce is spent
 * here (single use) only once the signature holds.
 */
import type { Address, PublicClient } from 'viem';
import { isHex } from 'viem';
import { parseSiweMessage } from 'viem/siwe';

/** Single-use nonces the server issued. */
export interface NonceStore {
  issue(): Promise<{ nonce: string; expiresAt: Date }>;
  /** Spends `nonce`: false when it is unknown, expired or already spent. Atomic across processes. */
  consume(nonce: string): Promise<boolean>;
}

export interface SignInExpectations {
  /**
   * Where users sign in, e.g. https://worlds.example.com: a message's `domain` must be the host of one of
   * these and its `uri` must be on that same origin. Never taken from the request (its Host is the caller's
   * to choose).
   */
  origins: readonly string[];
  /** Readers of the chains a message may name. */
  chains: ReadonlyMap<number, PublicClient>;
  /** A message issued longer ago than this is refused, in seconds. */
  maxAgeSeconds: number;
  now?: Date;
}

export type SignInProblem =
  | 'SIWE_MALFORMED'
  | 'SIWE_WRONG_DOMAIN'
  | 'SIWE_WRONG_URI'
  | 'SIWE_UNKNOWN_CHAIN'
  | 'SIWE_EXPIRED'
  | 'SIWE_NOT_YET_VALID'
  | 'SIWE_BAD_SIGNATURE'
  | 'SIWE_NONCE_SPENT'
  | 'CHAIN_UNREADABLE';

export class WalletSignInError extends Error {
  constructor(
    readonly problem: SignInProblem,
    message: string,
  ) {
    super(message);
    this.name = 'WalletSignInError';
  }
}

/** Longest message accepted, in characters (EIP-4361 messages are a few hundred). */
export const MAX_SIWE_MESSAGE_CHARS = 4_096;
/** Clocks disagree: a message issued up to this far in the future is accepted, in seconds. */
const CLOCK_SKEW_SECONDS = 60;

export async function verifyWalletSignIn(
  message: string,
  signature: string,
  expect: SignInExpectations,
  nonces: NonceStore,
): Promise<{ address: Address; chainId: number }> {
  const fail = (problem: SignInProblem, text: string) => new WalletSignInError(problem, text);
  if (message.length > MAX_SIWE_MESSAGE_CHARS)
    throw fail('SIWE_MALFORMED', `the message is over ${MAX_SIWE_MESSAGE_CHARS} characters`);
  if (!isHex(signature) || signature.length < 132)
    throw fail('SIWE_MALFORMED', 'the signature must be 0x-prefixed hex of at least 65 bytes');
  const fields = parseSiweMessage(message);
  const { address, chainId, domain, nonce, uri, issuedAt } = fields;
  if (!address || !chainId || !domain || !nonce || !uri || !issuedAt || fields.version !== '1')
    throw fail(
      'SIWE_MALFORMED',
      'the message is not an EIP-4361 message with address, URI, version 1, chain ID, nonce and issued-at; create it with a SIWE library from a nonce of POST /auth/siwe/nonce',
    );
  const site = expect.origins.find((origin) => new URL(origin).host === domain);
  if (!site)
    throw fail('SIWE_WRONG_DOMAIN', `the message was made for ${domain}; sign in at ${expect.origins[0]}`);
  let origin: string | undefined;
  try {
    origin = new URL(uri).origin;
  } catch {
    origin = undefined;
  }
  if (origin !== new URL(site).origin)
    throw fail('SIWE_WRONG_URI', `the message's URI ${uri} is not on ${site}; sign in from there`);
  const client = expect.chains.get(chainId);
  if (!client)
    throw fail(
      'SIWE_UNKNOWN_CHAIN',
      `chain ${chainId} is not one this server reads; sign in on chain ${[...expect.chains.keys()].join(' or ')}`,
    );
  const now = (expect.now ?? new Date()).getTime();
  if (issuedAt.getTime() > now + CLOCK_SKEW_SECONDS * 1000)
    throw fail('SIWE_NOT_YET_VALID', 'the message is issued in the future; check the device clock');
  if (issuedAt.getTime() < now - expect.maxAgeSeconds * 1000)
    throw fail('SIWE_EXPIRED', `the message is older than ${expect.maxAgeSeconds} s; sign a new one`);
  if (fields.expirationTime && fields.expirationTime.getTime() <= now)
    throw fail('SIWE_EXPIRED', 'the message has expired; sign a new one');
  if (fields.notBefore && fields.notBefore.getTime() > now)
    throw fail('SIWE_NOT_YET_VALID', 'the message is not valid yet (not-before is in the future)');

  let valid: boolean;
  try {
    valid = await client.verifySiweMessage({ message, signature, address, domain });
  } catch (error) {
    throw fail(
      'CHAIN_UNREADABLE',
      `chain ${chainId} could not be read to check a smart-wallet signature (${(error as Error).message.split('\n')[0]}); try again`,
    );
  }
  if (!valid) throw fail('SIWE_BAD_SIGNATURE', `the signature is not ${address}'s signature of this message`);
  if (!(await nonces.consume(nonce)))
    throw fail(
      'SIWE_NONCE_SPENT',
      'the nonce is unknown, expired or already used; request a new one and sign again',
    );
  return { address, chainId };
}
