/**
 * What rooms need of the NFT part, as interfaces. nft/ sits on the floor above rooms (it sends rooms its
 * events), so rooms never import it: nft/'s TokenGates and NftBindingsRepository implement these, and
 * start-server hands them in.
 */
import type { Selectable } from 'kysely';
import type { NftBindingsTable, TokenDisplay } from '../db/tables.js';

/** May an account (null: anonymous) be in a world now; a refusal carries its HTTP status and the reason. */
export type EntryDecision = { allowed: true } | { allowed: false; status: 401 | 403 | 503; reason: string };

/** A world's token gate, checked at join and again when tokens move; fails closed. */
export interface EntryGates {
  /**
   * `world`: its id, and its `token_gate` column when the caller has just read the world's row (a join
   * does) — it is then not read again.
   */
  decide(
    world: string | { id: string; token_gate: unknown },
    accountId: string | null,
  ): Promise<EntryDecision>;
}

/** A stored binding of a token to a frame, a wearable or a key. */
export type BindingRow = Selectable<NftBindingsTable>;

/** The bindings a running instance shows. */
export interface InstanceBindings {
  /** The world's active frame bindings, newest first. */
  activeFrames(worldId: string): Promise<BindingRow[]>;
  /** What each account wears (its newest active wearable's display), by account id. */
  wearing(accountIds: readonly string[]): Promise<Map<string, TokenDisplay>>;
  /** The world's locked portals each account holds a key for, by account id. */
  keys(worldId: string, accountIds: readonly string[]): Promise<Map<string, Set<string>>>;
}
