/**
 * The studio's REST client: the signed-in account's client on this origin (shared/api/account-client.ts).
 * Every call's failure becomes one sentence for the creator (problemText).
 */
import type { Client } from '../../shared/api/generated/client/index.js';
import { accountClient } from '../../shared/api/account-client.js';

export { problemText } from '../../shared/api/account-client.js';

export const ORIGIN = window.location.origin;

/** A client for the signed-in account, or null when the session ended (sign in again). */
export function studioClient(): Promise<Client | null> {
  return accountClient(ORIGIN);
}
