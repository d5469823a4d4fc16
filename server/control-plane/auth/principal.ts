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
 * An API key: a world key acts on its world only; an account key acts as its account, both limited by
 * the key's scopes.
 */
export interface KeyPrincipal {
  kind: 'key';
  keyId: string;
  /** The world key's organization; null for account keys. */
  orgId: string | null;
  worldId: string | null;
  accountId: string | null;
  scopes: readonly ApiKeyScope[];
}

export type Principal = AnonymousPrincipal | AccountPrincipal | KeyPrincipal;

export const ANONYMOUS: AnonymousPrincipal = { kind: 'anonymous' };
