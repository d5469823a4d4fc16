/**
 * The REST client of the signed-in account — the generated client on this origin carrying its access token
 * (renewed before it expires) — and what a failed call says to the person: the server's problem detail
 * (which names the fix), or why the server could not be reached. Shared by the studio and the player.
 */
import { createClient, createConfig, type Client } from './generated/client/index.js';
import { accountAccessToken } from '../net/guest-session.js';

/** A client for the signed-in account at `endpoint`, or null when the session ended (sign in again). */
export async function accountClient(endpoint: string): Promise<Client | null> {
  const token = await accountAccessToken(endpoint);
  if (!token) return null;
  return createClient(createConfig({ baseUrl: endpoint, headers: { authorization: `Bearer ${token}` } }));
}

/** What a failed call says, in one sentence; `doing` is what was tried ("list your items"). */
export function problemText(error: unknown, response: Response | undefined, doing: string): string {
  if (!response) return `Could not ${doing}: the server did not answer. Check your connection and try again.`;
  const problem = error as { detail?: string } | undefined;
  return problem?.detail
    ? `Could not ${doing}: ${problem.detail}`
    : `Could not ${doing} (HTTP ${response.status}).`;
}
