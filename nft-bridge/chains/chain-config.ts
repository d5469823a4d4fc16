/**
 * The chains the bridge reads, validated at boot. `NFT_CHAINS` is a JSON array of these; unset, the server
 * runs the embedded dev chain (anvil) instead.
 */
import { z } from 'zod';

const rpcUrl = z.string().refine((value) => {
  try {
    return ['http:', 'https:', 'ws:', 'wss:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'must be an http(s):// or ws(s):// RPC URL, e.g. https://eth.example.com/v2/KEY');

export const chainConfigSchema = z.strictObject({
  id: z.number({ message: 'must be the chain id, e.g. 1 for Ethereum' }).int().positive(),
  name: z.string().min(1, 'must name the chain, e.g. Ethereum').max(60),
  /** Tried in order; the next one is used when one fails or times out (viem `fallback`). */
  rpcUrls: z.array(rpcUrl).min(1, 'must list at least one RPC URL').max(8),
  /** Blocks after a transfer before the bridge acts on it. */
  confirmations: z.number().int().min(0).max(128).default(2),
  /** Largest block range of one eth_getLogs call (providers cap it; 2,000 is widely accepted). */
  logRange: z.number().int().min(1).max(2_000).default(2_000),
  /** A request slower than this fails over to the next RPC URL, in milliseconds. */
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  /** Contracts whose standard the operator states (for tokens without ERC-165), by address. */
  contractKinds: z
    .record(
      z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a contract address: 0x followed by 40 hex digits'),
      z.enum(['erc721', 'erc1155'], { message: 'must be erc721 or erc1155' }),
    )
    .default({}),
  /**
   * The collections whose tokens a visitor's Items panel lists (found from transfer logs from `fromBlock`,
   * the block the collection was deployed in). Tokens of other collections can still be bound by id.
   */
  collections: z
    .array(
      z.strictObject({
        address: z
          .string()
          .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a contract address: 0x followed by 40 hex digits'),
        fromBlock: z
          .number({ message: 'must be the block the collection was deployed in, e.g. 17000000' })
          .int()
          .min(0)
          .default(0),
      }),
    )
    .max(64, 'lists more than 64 collections; list those your worlds use')
    .default([]),
  /** The embedded dev chain: its local addresses may be fetched for metadata (never for other chains). */
  dev: z.boolean().default(false),
});

export type ChainConfig = z.output<typeof chainConfigSchema>;

export const chainsSchema = z
  .array(chainConfigSchema)
  .min(1, 'must list at least one chain')
  .refine((chains) => new Set(chains.map((chain) => chain.id)).size === chains.length, {
    message: 'lists a chain id twice; give each chain once, with all its RPC URLs',
  });

/** Parses the `NFT_CHAINS` JSON text; throws with every problem and where it is. */
export function parseChains(json: string): ChainConfig[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(
      `is not JSON (${(error as Error).message}); give an array like [{"id":1,"name":"Ethereum","rpcUrls":["https://…"]}]`,
      { cause: error },
    );
  }
  const parsed = chainsSchema.safeParse(value);
  if (!parsed.success)
    throw new Error(
      parsed.error.issues
        .map((issue) => `${issue.path.length ? `[${issue.path.join('.')}] ` : ''}${issue.message}`)
        .join('; '),
    );
  return parsed.data;
}
