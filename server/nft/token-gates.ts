/**
 * World token gates: set and cleared by those who may update the world, readable by anyone who may see it
 * (visitors learn what they need), checked when a visitor joins and again when their tokens move. A gate
 * that cannot be checked — a chain that does not answer — denies, and says that is why.
 */
import type { Kysely } from 'kysely';
import { getAddress } from 'viem';
import { ChainUnreadableError } from '../../nft-bridge/index.js';
import { Problem, type AccessService, type Principal } from '../control-plane/index.js';
import type { Database } from '../db/tables.js';
import type { EntryDecision, EntryGates } from '../rooms/nft-ports.js';
import type { NftEvents } from '../rooms/room-events.js';
import type { ChainRuntime } from '../wallets/index.js';
import { readOr503 } from './read-or-503.js';
import { MAX_GATE_RULES, checkGate, describeGate, gateRules, type TokenGate } from './token-gate.js';

export type { EntryDecision };

export interface GateView {
  gate: TokenGate | null;
  /** What a visitor needs, in words. */
  needs: string | null;
}

export class TokenGates implements EntryGates {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly chains: ChainRuntime,
    private readonly access: AccessService,
    private readonly events: NftEvents,
  ) {}

  async get(principal: Principal, slug: string): Promise<GateView> {
    const world = await this.access.world(principal, slug, 'world.read');
    return view(world.token_gate as TokenGate | null);
  }

  async set(principal: Principal, slug: string, gate: TokenGate): Promise<GateView> {
    const world = await this.access.world(principal, slug, 'world.update');
    const rules = gateRules(gate);
    if (rules.length > MAX_GATE_RULES)
      throw Problem.badRequest(`a gate has at most ${MAX_GATE_RULES} rules; this one has ${rules.length}`);
    for (const rule of rules) {
      const reader = this.chains.ownership.get(rule.chainId);
      if (!reader)
        throw Problem.badRequest(
          `chain ${rule.chainId} is not one this server reads; it reads ${[...this.chains.ownership.keys()].join(', ') || 'none'}`,
        );
      const kind = (await readOr503(() => reader.kindsOf([getAddress(rule.contract)]))).get(
        getAddress(rule.contract),
      )!;
      if (kind.kind === 'unknown')
        throw Problem.badRequest(`contract ${rule.contract}: ${kind.reason}; gate on an ERC-721 or ERC-1155`);
      if (kind.kind === 'erc1155' && rule.tokenId === undefined)
        throw Problem.badRequest(
          `contract ${rule.contract} is an ERC-1155, which has no collection-wide balance; give the tokenId`,
        );
    }
    await this.db
      .updateTable('worlds')
      .set({ token_gate: JSON.stringify(gate), updated_at: new Date() })
      .where('id', '=', world.id)
      .execute();
    this.events.holdingsChanged([], [world.id]);
    return view(gate);
  }

  async clear(principal: Principal, slug: string): Promise<void> {
    const world = await this.access.world(principal, slug, 'world.update');
    await this.db
      .updateTable('worlds')
      .set({ token_gate: null, updated_at: new Date() })
      .where('id', '=', world.id)
      .execute();
    this.events.holdingsChanged([], [world.id]);
  }

  /** Contracts on `chainId` that some world's gate names (their transfers are followed). */
  async contracts(chainId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('worlds')
      .select('token_gate')
      .where('token_gate', 'is not', null)
      .execute();
    return rows.flatMap((row) =>
      gateRules(row.token_gate as TokenGate)
        .filter((rule) => rule.chainId === chainId)
        .map((rule) => rule.contract.toLowerCase()),
    );
  }

  /** Whether `accountId` (null: an anonymous visitor) may be in world `worldId` now; fails closed. */
  async decide(
    world: string | { id: string; token_gate: unknown },
    accountId: string | null,
  ): Promise<EntryDecision> {
    const row =
      typeof world === 'string'
        ? await this.db.selectFrom('worlds').select('token_gate').where('id', '=', world).executeTakeFirst()
        : world;
    const gate = (row?.token_gate ?? null) as TokenGate | null;
    if (!gate) return { allowed: true };
    if (!accountId)
      return {
        allowed: false,
        status: 401,
        reason: `this world is token-gated: it needs ${describeGate(gate)}; sign in with the wallet that holds it`,
      };
    const wallets = await this.db
      .selectFrom('wallets')
      .select('address')
      .where('account_id', '=', accountId)
      .execute();
    try {
      const decision = await checkGate(
        gate,
        wallets.map((wallet) => wallet.address),
        this.chains.ownership,
      );
      return decision.allowed ? decision : { ...decision, status: 403 };
    } catch (error) {
      if (!(error instanceof ChainUnreadableError)) throw error;
      return {
        allowed: false,
        status: 503,
        reason: `this world is token-gated and ${error.message}, so entry cannot be checked and is refused; try again shortly`,
      };
    }
  }
}

function view(gate: TokenGate | null): GateView {
  return { gate, needs: gate ? describeGate(gate) : null };
}
