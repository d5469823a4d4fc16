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
import { MINTED_BY_SESSION, isEmbedToken, type EmbedTokens } from './embed-tokens.js';
import { liveKeyIds } from '../keys/api-keys-service.js';

export class Authenticator {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly tokens: SessionTokens,
    /** Verifies embed tokens (embed pages join with them); without it they are refused. */
    private readonly embedTokens?: EmbedTokens,
  ) {}

  /** Principal for an Authorization header value (or a bare token, as room joins pass it). */
  async authenticate(authorization: string | undefined, origin: string | undefined): Promise<Principal> {
    if (!authorization) return ANONYMOUS;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const credential = match ? match[1]! : authorization.trim();
    if (!match && /\s/.test(credential))
      throw Problem.unauthenticated('the Authorization header must be "Bearer <access token or API key>"');
    if (isEmbedToken(credential)) return this.embedToken(credential);
    const kind = secretKindOf(credential);
    if (kind === 'apiKey') return this.apiKey(credential, origin);
    if (kind === 'embedKey') return this.embedKey(credential, origin);
    if (kind)
      throw Problem.unauthenticated(`a ${kind} token cannot authorize requests; send an access token`);
    return this.tokens.verifyAccess(credential);
  }

  /** An embed token, as long as the key behind it is live. */
  private async embedToken(token: string): Promise<Principal> {
    if (!this.embedTokens) throw Problem.unauthenticated('this server does not accept embed tokens');
    const grant = await this.embedTokens.verify(token);
    if (grant.keyId && !(await liveKeyIds(this.db, [grant.keyId])).has(grant.keyId))
      throw Problem.unauthenticated('the key behind this embed was revoked; ask the site for a new embed');
    return {
      kind: 'key',
      keyId: grant.keyId ?? MINTED_BY_SESSION,
      orgId: grant.orgId,
      worldId: grant.worldId,
      // An embed visitor acts as the guest account made for it (voice needs one); a spectator as nobody.
      accountId: grant.visitor?.accountId ?? null,
      scopes: ['embed'],
      embed: {
        origin: grant.origin,
        private: grant.private,
        ...(grant.visitor && { name: grant.visitor.name }),
      },
    };
  }

  /**
   * A public embed key presented directly: only from a browser on one of its origins (a request with no
   * Origin is refused — the key is public, so it proves nothing on its own).
   */
  private async embedKey(key: string, origin: string | undefined): Promise<Principal> {
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'org_id', 'world_id', 'scopes', 'origins', 'revoked_at'])
      .where('key_hash', '=', hashSecret(key))
      .executeTakeFirst();
    if (!row || row.revoked_at)
      throw Problem.unauthenticated('this embed key is unknown or has been revoked');
    return this.asEmbed(row, origin);
  }

  /**
   * An embed-only key (a public mibe_ key, or an older mibk_ key made with the embed scope alone): only
   * from a page on one of its origins; an empty list allows none.
   */
  private asEmbed(
    row: { id: string; org_id: string; world_id: string | null; origins: string[] },
    origin: string | undefined,
  ): Principal {
    if (!origin || !row.origins.includes(origin))
      throw Problem.forbidden(
        origin
          ? `this embed key is not allowed on ${origin}; add that site to the key's origins in the studio's Share panel`
          : 'an embed key works only from a web page on one of its origins (the request had no Origin header)',
      );
    return {
      kind: 'key',
      keyId: row.id,
      orgId: row.org_id,
      worldId: row.world_id,
      accountId: null,
      scopes: ['embed'],
      embed: { origin, private: false },
    };
  }

  private async apiKey(key: string, origin: string | undefined): Promise<Principal> {
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'org_id', 'world_id', 'account_id', 'scopes', 'origins', 'revoked_at'])
      .where('key_hash', '=', hashSecret(key))
      .executeTakeFirst();
    if (!row || row.revoked_at) throw Problem.unauthenticated('this API key is unknown or has been revoked');
    if (row.scopes.length === 1 && row.scopes[0] === 'embed') return this.asEmbed(row, origin);
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
