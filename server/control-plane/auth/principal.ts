/** Who is making a request (HTTP or room join), as established by authentication. */
import type { ApiKeyScope } from '../../db/tables.js';

export interface AnonymousPrincipal {
  kind: 'anonymous';
}

/** Someone signed in: a guest (display name only) or a registered account. */
export interface AccountPrincipal {
  kind: 'account';
  accountId: string;
  accountKind: 'guest' | 'registered';
  displayName: string;
  isOperator: boolean;
  sessionId: string;
}

/**
 * An API key: a world key acts on its world only; an account key acts as its account within one
 * organization; both are limited by the key's scopes.
 */
export interface KeyPrincipal {
  kind: 'key';
  keyId: string;
  /** The key's organization: a world key's world's, or the one an account key may act in. */
  orgId: string;
  worldId: string | null;
  accountId: string | null;
  scopes: readonly ApiKeyScope[];
  /**
   * Set for an embed (a public embed key or an embed token): the embedding page's origin, and whether it
   * may join a private world (only a token the world's backend minted). An embed gets no more than an
   * anonymous visitor would.
   */
  embed?: {
    origin: string;
    private: boolean;
    /** The name an embed visitor joined with (its guest account's), for voice; absent for spectators. */
    name?: string;
  };
}

export type Principal = AnonymousPrincipal | AccountPrincipal | KeyPrincipal;

export const ANONYMOUS: AnonymousPrincipal = { kind: 'anonymous' };
