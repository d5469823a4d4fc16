/** Request and response shapes of the wallet routes (validated with zod, documented in OpenAPI). */
import { z } from 'zod';
import { MAX_SIWE_MESSAGE_CHARS } from '../../nft-bridge/index.js';
import { named } from '../control-plane/index.js';

export const signedMessage = z.strictObject({
  message: z
    .string()
    .min(1, 'must be the EIP-4361 message the wallet signed')
    .max(MAX_SIWE_MESSAGE_CHARS, `must be at most ${MAX_SIWE_MESSAGE_CHARS} characters`),
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]+$/, 'must be the 0x-prefixed hex signature the wallet returned')
    .max(20_000),
});

export const nonceResponse = named(
  'SiweNonce',
  z.object({
    nonce: z.string().describe('Put it in the message as its Nonce; single use.'),
    expiresAt: z.string().describe('Sign and send the message before this time.'),
    domains: z.array(z.string()).describe("Accepted values of the message's domain (its URI must be on it)."),
    chainIds: z.array(z.number().int()).describe('Chains a message may name.'),
  }),
);

export const walletSchema = named(
  'Wallet',
  z.object({ address: z.string(), chainId: z.number().int(), linkedAt: z.string() }),
);

export const addressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be 0x followed by 40 hex digits');
