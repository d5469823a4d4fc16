/**
 * The visitor's session, kept for the tab in sessionStorage and refreshed before its access token expires:
 * either an account the visitor signed in with (email and password) or, by default, a guest account made
 * on first visit (display name only). Joining with it gives the visitor an identity the server can grant
 * voice (and, for a world's moderators, moderation) to. When the control plane cannot be reached the
 * player still joins, as an anonymous visitor (and voice says why it is off).
 */
import { createClient, createConfig } from '../api/generated/client/index.js';
import { authGuest, authLogin, authLogout, authRefresh, authRegister } from '../api/generated/sdk.gen.js';
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
  /** Signed in with an account (true) or a guest made for this tab (false/absent). */
  registered?: boolean;
}

function load(): StoredSession | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as StoredSession) : undefined;
  } catch {
    return undefined;
  }
}

function save(session: Session, registered: boolean): StoredSession {
  const stored: StoredSession = {
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
    expiresAt: Date.now() + session.expiresIn * 1000,
    displayName: session.account.displayName,
    registered,
  };
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
  } catch {
    // Storage may be off (private mode): the session then lasts for this page only.
  }
  return stored;
}

function forget(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

const apiClient = (endpoint: string) => createClient(createConfig({ baseUrl: endpoint }));

/** The signed-in account's display name, or null for a guest (or nobody yet). */
export function signedInAs(): string | null {
  const stored = load();
  return stored?.registered ? stored.displayName : null;
}

/**
 * Signs in with email and password; the next join is as that account. Resolves to null on success or to
 * what went wrong, in words.
 */
export async function signIn(endpoint: string, email: string, password: string): Promise<string | null> {
  const { data, error, response } = await authLogin({
    client: apiClient(endpoint),
    body: { email, password },
  }).catch(() => ({ data: undefined, error: undefined, response: undefined }));
  if (data) {
    save(data, true);
    return null;
  }
  if (!response) return 'The server could not be reached; try again.';
  const detail = (error as { detail?: string } | undefined)?.detail;
  if (response.status === 401) return 'That email and password do not match an account.';
  if (response.status === 429) return detail ?? 'Too many sign-in attempts; wait a minute and try again.';
  return detail ?? `Sign-in failed (HTTP ${response.status}).`;
}

/**
 * Makes an account (email, password, display name) and signs in with it. Resolves to null on success or to
 * what went wrong, in words (a taken email, a password too short: the server's detail names the fix).
 */
export async function signUp(
  endpoint: string,
  email: string,
  password: string,
  displayName: string,
): Promise<string | null> {
  const { data, error, response } = await authRegister({
    client: apiClient(endpoint),
    body: { email, password, displayName },
  }).catch(() => ({ data: undefined, error: undefined, response: undefined }));
  if (data) {
    save(data, true);
    return null;
  }
  if (!response) return 'The server could not be reached; try again.';
  const problem = error as { detail?: string; errors?: { path: string; message: string }[] } | undefined;
  const field = problem?.errors?.[0];
  if (field) return `${field.path.replace(/^body\./, '')}: ${field.message}`;
  return problem?.detail ?? `Sign-up failed (HTTP ${response.status}).`;
}

/** Keeps a session made by wallet sign-in (SIWE): the next join is as that account. */
export function rememberSignedIn(session: Session): void {
  save(session, true);
}

/** A current access token of the signed-in account (renewed as needed), or null when nobody is signed in. */
export async function accountAccessToken(endpoint: string): Promise<string | null> {
  const stored = load();
  if (!stored?.registered) return null;
  if (stored.expiresAt - RENEW_MARGIN_MS > Date.now()) return stored.accessToken;
  const refreshed = await authRefresh({
    client: apiClient(endpoint),
    body: { refreshToken: stored.refreshToken },
  }).catch(() => undefined);
  if (refreshed?.data) return save(refreshed.data, true).accessToken;
  forget();
  return null;
}

/** Ends the signed-in session (best effort on the server) and goes back to being a guest. */
export async function signOut(endpoint: string): Promise<void> {
  const stored = load();
  forget();
  if (stored?.registered)
    await authLogout({
      client: apiClient(endpoint),
      headers: { authorization: `Bearer ${stored.accessToken}` },
      body: { refreshToken: stored.refreshToken },
    }).catch(() => undefined);
}

/** A current access token for this tab's session (made or renewed as needed), or null. */
export async function guestAccessToken(endpoint: string, displayName: string): Promise<string | null> {
  const client = apiClient(endpoint);
  const stored = load();
  const ours = stored && (stored.registered || stored.displayName === displayName);
  if (ours && stored.expiresAt - RENEW_MARGIN_MS > Date.now()) return stored.accessToken;
  if (ours) {
    const refreshed = await authRefresh({ client, body: { refreshToken: stored.refreshToken } }).catch(
      () => undefined,
    );
    if (refreshed?.data) return save(refreshed.data, stored.registered === true).accessToken;
    // A signed-in session that can no longer be renewed ends here; the visitor continues as a guest.
    if (stored.registered) forget();
  }
  const made = await authGuest({ client, body: { displayName } }).catch(() => undefined);
  return made?.data ? save(made.data, false).accessToken : null;
}
