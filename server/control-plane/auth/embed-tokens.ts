/**
 * Embed tokens: what an embed page joins a world with. Short-lived JWTs (HS256, the server's signing key),
 * prefixed `mibet_` so they are recognisable. Each names the world, the host origin it was issued for, and
 * the key behind it — the public embed key the page was opened with, or the secret key a site's backend
 * minted it with (private worlds) — so revoking that key ends the token's use (checked on every use and by
 * running rooms).
 */
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { Problem } from '../api/problem.js';

export const EMBED_TOKEN_PREFIX = 'mibet_';
/** The key id of a principal from a token an owner's session minted: there is no key to revoke. */
export const MINTED_BY_SESSION = 'minted-by-session';
const ISSUER = 'metaverse-in-a-box';
const AUDIENCE = 'embed';

export interface EmbedGrant {
  worldId: string;
  orgId: string;
  /** The key behind the token (an embed key, or the secret key that minted it); null when minted by a session. */
  keyId: string | null;
  /** The embedding page's origin (scheme://host[:port]). */
  origin: string;
  /** May join a private world (minted by the world's backend), not only public and unlisted ones. */
  private: boolean;
  /**
   * A visitor who joins (not only watches): the guest account made for it, so voice knows who talks.
   * Absent for a spectator's token and for minted tokens.
   */
  visitor?: { accountId: string; name: string } | undefined;
}

/** A verified grant, with when its token expires (epoch ms). */
export type VerifiedEmbedGrant = EmbedGrant & { expiresAt: number };

export class EmbedTokens {
  constructor(private readonly key: Uint8Array) {}

  async issue(grant: EmbedGrant, ttlSeconds: number): Promise<string> {
    const jwt = await new SignJWT({
      org: grant.orgId,
      kid: grant.keyId,
      ori: grant.origin,
      prv: grant.private,
      ...(grant.visitor && { acc: grant.visitor.accountId, nam: grant.visitor.name }),
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(grant.worldId)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.key);
    return `${EMBED_TOKEN_PREFIX}${jwt}`;
  }

  /** The grant a token carries; 401 with the fix when it is malformed, forged or expired. */
  async verify(token: string): Promise<VerifiedEmbedGrant> {
    try {
      const { payload } = await jwtVerify(token.slice(EMBED_TOKEN_PREFIX.length), this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      const { sub, org, kid, ori, prv, exp, acc, nam } = payload;
      if (
        typeof sub !== 'string' ||
        typeof org !== 'string' ||
        (kid !== null && typeof kid !== 'string') ||
        typeof ori !== 'string' ||
        typeof prv !== 'boolean' ||
        typeof exp !== 'number' ||
        (acc !== undefined && (typeof acc !== 'string' || typeof nam !== 'string'))
      )
        throw new Error('claims');
      const visitor = typeof acc === 'string' ? { accountId: acc, name: nam as string } : undefined;
      return {
        worldId: sub,
        orgId: org,
        keyId: kid,
        origin: ori,
        private: prv,
        visitor,
        expiresAt: exp * 1000,
      };
    } catch (error) {
      throw Problem.unauthenticated(
        error instanceof joseErrors.JWTExpired
          ? 'the embed token has expired; reload the embedding page for a new one'
          : 'the embed token is not valid; embed the world again with its embed key or a freshly minted token',
      );
    }
  }
}

export function isEmbedToken(value: string): boolean {
  return value.startsWith(EMBED_TOKEN_PREFIX);
}
