/** Request and response shapes of the NFT routes (validated with zod, documented in OpenAPI). */
import { z } from 'zod';
import { WEARABLE_SLOTS } from '../../protocol/index.js';
import { named } from '../control-plane/index.js';
import type { BindingRow } from './nft-bindings-repository.js';
import type { WalletItems } from './wallet-items.js';
import { gateRuleSchema, positiveUint, tokenGateSchema, uint } from './token-gate.js';

const entityId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a scene entity id');

export const createBindingSchema = z
  .strictObject({
    chainId: z.number({ message: 'must be the chain id, e.g. 31337 for the dev chain' }).int().positive(),
    contract: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a contract address: 0x and 40 hex digits'),
    tokenId: uint.describe('The ERC-721 token id or ERC-1155 id, in decimal.'),
    amount: positiveUint
      .default('1')
      .describe('ERC-1155: how many of the id (your wallet must hold at least this many).'),
    use: z.enum(['wearable', 'frame', 'key', 'collectible'], {
      message: 'must be wearable, frame, key or collectible',
    }),
    world: z.string().min(1).max(64).optional().describe('frame and key: the slug of the world'),
    frame: entityId.optional().describe("frame: the nft-frame entity's id in the world's scene"),
    portal: entityId.optional().describe("key: the locked portal's entity id in the world's scene"),
  })
  .refine((body) => (body.use === 'frame') === (body.world !== undefined && body.frame !== undefined), {
    message: 'a frame binding needs world and frame (and only a frame binding has a frame)',
    path: ['frame'],
  })
  .refine((body) => (body.use === 'key') === (body.world !== undefined && body.portal !== undefined), {
    message: 'a key binding needs world and portal (and only a key binding has a portal)',
    path: ['portal'],
  });

export const tokenDisplaySchema = z.object({
  name: z.string(),
  slot: z
    .enum(WEARABLE_SLOTS)
    .optional()
    .describe('Where it is worn, from its metadata\'s "slot" attribute (absent: on the head)'),
  image: z.string().optional().describe('GET /assets/files/{image}: the token image, re-encoded as WebP'),
  problem: z.string().optional(),
  modelJob: z
    .string()
    .optional()
    .describe("The asset job importing the metadata's animation_url GLB (GET /assets/jobs/{modelJob})"),
  model: z.string().optional().describe('GET /assets/{model}: the imported model, once recorded'),
  modelProblem: z.string().optional().describe('Why the animation_url could not be used, if so'),
});

export const bindingSchema = named(
  'NftBinding',
  z.object({
    id: z.string(),
    chainId: z.number().int(),
    contract: z.string(),
    tokenId: z.string(),
    amount: z.string(),
    standard: z.enum(['erc721', 'erc1155']),
    use: z.enum(['wearable', 'frame', 'key', 'collectible']),
    wallet: z.string(),
    worldId: z.string().nullable(),
    frame: z.string().nullable(),
    status: z.enum(['active', 'revoked']),
    revokedReason: z.string().nullable(),
    display: tokenDisplaySchema.nullable(),
    createdAt: z.string(),
  }),
);

export const bindingIdSchema = z.uuid('must be a binding id (a UUID)');

export function bindingView(row: BindingRow): z.output<typeof bindingSchema> {
  return {
    id: row.id,
    chainId: row.chain_id,
    contract: row.contract,
    tokenId: row.token_id,
    amount: row.amount,
    standard: row.standard,
    use: row.use,
    wallet: row.wallet,
    worldId: row.world_id,
    frame: row.target,
    status: row.status,
    revokedReason: row.revoked_reason,
    display: row.metadata,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export const gateBodySchema = tokenGateSchema;
/** `all`/`any` of `gate`, 1 to `most` of them. */
const gateGroups = (gate: z.ZodType, most: number) => [
  z.strictObject({ all: z.array(gate).min(1).max(most).describe('Gates that must all be met') }),
  z.strictObject({ any: z.array(gate).min(1).max(most).describe('Gates of which one must be met') }),
];
/**
 * The gate as documented, two levels deep (the schema generator cannot name a schema that contains
 * itself), sized so a documented gate stays within MAX_GATE_RULES (8 × 2); the server takes deeper ones.
 */
export const gateBodyDocumented = named(
  'TokenGateRules',
  z.union([gateRuleSchema, ...gateGroups(z.union([gateRuleSchema, ...gateGroups(gateRuleSchema, 2)]), 8)]),
);

export const gateViewSchema = named(
  'TokenGate',
  z.object({
    gate: z
      .unknown()
      .nullable()
      .describe('The rules: {chainId, contract, tokenId?, minBalance?, label?}, {all: […]}, {any: […]}'),
    needs: z.string().nullable().describe('What a visitor needs, in words.'),
  }),
);

export const walletItemsSchema = named(
  'NftItems',
  z.object({
    wallets: z.array(z.string()).describe('Your linked wallets; none means there is nothing to list yet'),
    items: z.array(
      z.object({
        chainId: z.number().int(),
        chainName: z.string(),
        contract: z.string(),
        tokenId: z.string(),
        standard: z.enum(['erc721', 'erc1155']),
        balance: z.string().describe('Units the wallet holds (1 for an ERC-721)'),
        wallet: z.string().describe('Which of your wallets holds it'),
        display: tokenDisplaySchema,
        bindings: z
          .array(
            z.object({
              id: z.string(),
              use: z.enum(['wearable', 'frame', 'key', 'collectible']),
              worldId: z.string().nullable(),
              world: z.string().nullable().describe("The world's slug (frame and key bindings)"),
              frame: z.string().nullable(),
              status: z.enum(['active', 'revoked']),
            }),
          )
          .describe('Your bindings of this token'),
      }),
    ),
    problems: z.array(z.string()).describe('Chains whose items could not be listed, and why'),
    more: z.number().int().describe('Items held beyond the 200 listed'),
  }),
);

export function walletItemsView(items: WalletItems): z.output<typeof walletItemsSchema> {
  return {
    wallets: items.wallets,
    items: items.items.map((item) => ({
      chainId: item.chainId,
      chainName: item.chainName,
      contract: item.contract,
      tokenId: item.tokenId.toString(),
      standard: item.standard,
      balance: item.balance.toString(),
      wallet: item.wallet,
      display: item.display,
      bindings: item.bindings.map((row) => ({
        id: row.id,
        use: row.use,
        worldId: row.world_id,
        world: row.worldSlug,
        frame: row.target,
        status: row.status,
      })),
    })),
    problems: items.problems,
    more: items.more,
  };
}
