/**
 * Turns what a caller presents (an `Authorization: Bearer …` value: an access token or an API key, plus
 * the request's Origin) into a Principal. Shared by HTTP routes and room joins, so both authenticate alike.
 * Nothing presented → anonymous; something presented but invalid → 401 (never silently anonymous).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';
import { Problem } from '../api/problem.js';
import { ANONYMOUS, type Principal } from './principal.js';
import { hashSecret, secretKindOf } from './secret-tokens.js';
import type { SessionTokens } from './session-tokens.js';

export class Authenticator {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly tokens: SessionTokens,
  ) {}

  /** Principal for an Authorization header value (or a bare token, as room joins pass it). */
  async authenticate(authorization: string | undefined, origin: string | undefined): Promise<Principal> {
    if (!authorization) return ANONYMOUS;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const credential = match ? match[1]! : authorization.trim();
    if (!match && /\s/.test(credential))
      throw Problem.unauthenticated('the Authorization header must be "Bearer <access token or API key>"');
    const kind = secretKindOf(credential);
    if (kind === 'apiKey') return this.apiKey(credential, origin);
    if (kind)
      throw Problem.unauthenticated(`a ${kind} token cannot authorize requests; send an access token`);
    return this.tokens.verifyAccess(credential);
  }

  private async apiKey(key: string, origin: string | undefined): Promise<Principal> {
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'org_id', 'world_id', 'account_id', 'scopes', 'origins', 'revoked_at'])
      .where('key_hash', '=', hashSecret(key))
      .executeTakeFirst();
    if (!row || row.revoked_at) throw Problem.unauthenticated('this API key is unknown or has been revoked');
    // Browsers always send Origin on cross-site requests; a key with an allowlist refuses other sites.
    if (origin && row.origins.length > 0 && !row.origins.includes(origin))
      throw Problem.forbidden(
        `this API key is not allowed from origin ${origin}; add it to the key's origins`,
      );
    await this.db
      .updateTable('api_keys')
      .set({ last_used_at: new Date() })
      .where('id', '=', row.id)
      .execute();
    return {
      kind: 'key',
      keyId: row.id,
      orgId: row.org_id,
      worldId: row.world_id,
      accountId: row.account_id,
      scopes: row.scopes,
    };
  }
}
