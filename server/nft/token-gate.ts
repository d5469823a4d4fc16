/**
 * Token gates: who may enter a world, by what their linked wallets hold. A rule is any token of an ERC-721
 * collection, a specific token, or a minimum balance of an ERC-1155 id, on one chain; rules combine with
 * `all` (AND) and `any` (OR). Balances add up over all of an account's wallets. A gate that cannot be read
 * from the chain denies (fails closed) — the caller says so.
 */
import { getAddress } from 'viem';
import { z } from 'zod';
import { ChainUnreadableError, type OwnershipReader } from '../../nft-bridge/index.js';

/** A whole number as a decimal string (up to uint256's 78 digits). */
export const uint = z.string().regex(/^\d{1,78}$/, 'must be a whole number as a decimal string, e.g. "1"');
/**
 * Above zero. The regex check does not stop zod's later checks, so BigInt() only sees digits (a 500
 * before, found by schemathesis).
 */
export const positiveUint = uint.refine(
  (value) => /^\d{1,78}$/.test(value) && BigInt(value) > 0n,
  'must be at least "1"',
);

export const gateRuleSchema = z.strictObject({
  chainId: z.number().int().positive(),
  contract: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a contract address: 0x and 40 hex digits'),
  /** A specific ERC-721 token or ERC-1155 id; absent = any token of an ERC-721 collection. */
  tokenId: uint.optional(),
  /** At least this many (of the id, or of the collection). */
  minBalance: positiveUint.default('1'),
  /** What visitors are told they need, e.g. "a Demo Collectibles key". */
  label: z.string().min(1).max(80).optional(),
});
export type GateRule = z.output<typeof gateRuleSchema>;

export type TokenGate = GateRule | { all: TokenGate[] } | { any: TokenGate[] };

export const tokenGateSchema: z.ZodType<TokenGate> = z.lazy(() =>
  z.union(
    [
      gateRuleSchema,
      z.strictObject({ all: z.array(tokenGateSchema).min(1).max(8) }),
      z.strictObject({ any: z.array(tokenGateSchema).min(1).max(8) }),
    ],
    {
      error:
        'a gate is a rule {chainId, contract, tokenId?, minBalance?, label?}, or {all: [1 to 8 gates]}, or {any: [1 to 8 gates]}',
    },
  ),
);

/** Most rules in one gate: each is read from a chain at every join. */
export const MAX_GATE_RULES = 16;

export function gateRules(gate: TokenGate): GateRule[] {
  if ('all' in gate) return gate.all.flatMap(gateRules);
  if ('any' in gate) return gate.any.flatMap(gateRules);
  return [gate];
}

export function describeRule(rule: GateRule): string {
  if (rule.label) return rule.label;
  const where = `${rule.contract} on chain ${rule.chainId}`;
  if (rule.tokenId === undefined)
    return rule.minBalance === '1' ? `a token of ${where}` : `${rule.minBalance} tokens of ${where}`;
  return rule.minBalance === '1'
    ? `token ${rule.tokenId} of ${where}`
    : `${rule.minBalance} of token ${rule.tokenId} of ${where}`;
}

export function describeGate(gate: TokenGate): string {
  if ('all' in gate) return gate.all.map(describeGate).join(' and ');
  if ('any' in gate) return `one of: ${gate.any.map(describeGate).join('; ')}`;
  return describeRule(gate);
}

export type GateDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether `wallets` together meet `gate`. Throws ChainUnreadableError (callers deny and say so) when a chain
 * cannot be read, and an Error when the gate names a chain this server does not read.
 */
export async function checkGate(
  gate: TokenGate,
  wallets: readonly string[],
  ownership: ReadonlyMap<number, OwnershipReader>,
): Promise<GateDecision> {
  const holders = wallets.map((wallet) => getAddress(wallet));
  const balances = new Map<GateRule, bigint>();
  for (const rule of gateRules(gate)) {
    const reader = ownership.get(rule.chainId);
    if (!reader)
      throw new ChainUnreadableError(rule.chainId, new Error('this server does not read that chain'));
    const contract = getAddress(rule.contract);
    if (holders.length === 0) balances.set(rule, 0n);
    else if (rule.tokenId === undefined) {
      const counts = await reader.collectionBalances(holders.map((holder) => ({ contract, holder })));
      balances.set(
        rule,
        counts.reduce<bigint>((sum, count) => sum + (count ?? 0n), 0n),
      );
    } else {
      const tokenId = BigInt(rule.tokenId);
      const held = await reader.holdings(holders.map((holder) => ({ contract, tokenId, holder })));
      balances.set(
        rule,
        held.reduce((sum, holding) => sum + holding.balance, 0n),
      );
    }
  }
  const meets = (node: TokenGate): boolean =>
    'all' in node
      ? node.all.every(meets)
      : 'any' in node
        ? node.any.some(meets)
        : balances.get(node)! >= BigInt(node.minBalance);
  if (meets(gate)) return { allowed: true };
  return {
    allowed: false,
    reason:
      holders.length === 0
        ? `this world is token-gated: it needs ${describeGate(gate)}; sign in with the wallet that holds it`
        : `this world is token-gated: it needs ${describeGate(gate)}, which your linked wallets (${wallets.join(', ')}) do not hold; link the wallet that does (POST /auth/wallets)`,
  };
}
