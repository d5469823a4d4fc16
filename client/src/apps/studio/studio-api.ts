/**
 * The studio's REST client: the generated client on this origin, carrying the signed-in account's access
 * token (renewed before it expires). Every call's failure becomes one sentence for the creator: the
 * server's problem detail (which names the fix), or why the server could not be reached.
 */
import { createClient, createConfig, type Client } from '../../shared/api/generated/client/index.js';
import { accountAccessToken } from '../../shared/net/guest-session.js';

export const ORIGIN = window.location.origin;

/** A client for the signed-in account, or null when the session ended (sign in again). */
export async function studioClient(): Promise<Client | null> {
  const token = await accountAccessToken(ORIGIN);
  if (!token) return null;
  return createClient(createConfig({ baseUrl: ORIGIN, headers: { authorization: `Bearer ${token}` } }));
}

/** What a failed call says to the creator. */
export function problemText(error: unknown, response: Response | undefined, doing: string): string {
  if (!response) return `Could not ${doing}: the server did not answer. Check your connection and try again.`;
  const problem = error as { detail?: string } | undefined;
  return problem?.detail
    ? `Could not ${doing}: ${problem.detail}`
    : `Could not ${doing} (HTTP ${response.status}).`;
}
