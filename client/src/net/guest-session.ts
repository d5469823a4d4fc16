/**
 * The visitor's session: a guest account made on first visit (display name only) and kept for the tab in
 * sessionStorage, refreshed before its access token expires. Joining with it gives the visitor an identity
 * the server can grant voice to. When the control plane cannot be reached the player still joins, as an
 * anonymous visitor (and voice says why it is off).
 */
import { createClient, createConfig } from '../api/generated/client/index.js';
import { authGuest, authRefresh } from '../api/generated/sdk.gen.js';
import type { Session } from '../api/generated/types.gen.js';

const STORAGE_KEY = 'mib.session';
/** Renew an access token this long before it expires, in ms. */
const RENEW_MARGIN_MS = 60_000;

interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  displayName: string;
}

function load(): StoredSession | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as StoredSession) : undefined;
  } catch {
    return undefined;
  }
}

function save(session: Session): StoredSession {
  const stored: StoredSession = {
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
    expiresAt: Date.now() + session.expiresIn * 1000,
    displayName: session.account.displayName,
  };
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
  } catch {
    // Storage may be off (private mode): the session then lasts for this page only.
  }
  return stored;
}

/** A current access token for this tab's guest session (made or renewed as needed), or null. */
export async function guestAccessToken(endpoint: string, displayName: string): Promise<string | null> {
  const client = createClient(createConfig({ baseUrl: endpoint }));
  const stored = load();
  if (stored && stored.displayName === displayName && stored.expiresAt - RENEW_MARGIN_MS > Date.now())
    return stored.accessToken;
  if (stored && stored.displayName === displayName) {
    const refreshed = await authRefresh({ client, body: { refreshToken: stored.refreshToken } }).catch(
      () => undefined,
    );
    if (refreshed?.data) return save(refreshed.data).accessToken;
  }
  const made = await authGuest({ client, body: { displayName } }).catch(() => undefined);
  return made?.data ? save(made.data).accessToken : null;
}
