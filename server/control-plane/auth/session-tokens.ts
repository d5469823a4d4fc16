/**
 * Sessions and their tokens. A sign-in creates a session; the client gets a short-lived access token (a
 * JWT naming the session) and a refresh token (opaque, stored hashed). Refreshing rotates: the old refresh
 * token is spent, and presenting a spent one again revokes the whole session (it was copied). Logout
 * revokes the session, which ends its access tokens at once (every request checks the session).
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';
import { Problem } from '../api/problem.js';
import { hashSecret, newSecret } from './secret-tokens.js';
import type { AccountPrincipal } from './principal.js';

/** How long a session lives without sign-in, in days. */
const SESSION_DAYS = { guest: 7, registered: 30 } as const;
const ISSUER = 'metaverse-in-a-box';

export interface IssuedTokens {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string;
  tokenType: 'Bearer';
}

/** Reads the configured signing key, or the one generated on first boot and shared through the database. */
export async function loadSigningKey(
  db: Kysely<Database>,
  configured: string | undefined,
): Promise<Uint8Array> {
  if (configured) return new TextEncoder().encode(configured);
  await db
    .insertInto('server_secrets')
    .values({ name: 'token-signing-key', value: randomBytes(48).toString('base64url') })
    .onConflict((c) => c.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('server_secrets')
    .select('value')
    .where('name', '=', 'token-signing-key')
    .executeTakeFirstOrThrow();
  return new TextEncoder().encode(row.value);
}

export class SessionTokens {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly key: Uint8Array,
    private readonly accessTtlSeconds: number,
  ) {}

  /** Starts a session for an account and returns its first tokens. */
  async startSession(accountId: string, kind: 'guest' | 'registered'): Promise<IssuedTokens> {
    const expires = new Date(Date.now() + SESSION_DAYS[kind] * 86_400_000);
    return this.db.transaction().execute(async (trx) => {
      const session = await trx
        .insertInto('sessions')
        .values({ account_id: accountId, expires_at: expires, revoked_at: null, revoked_reason: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      return this.issue(trx, accountId, session.id);
    });
  }

  /** Spends a refresh token for new tokens. A spent token presented again revokes its session. */
  async refresh(refreshToken: string): Promise<IssuedTokens> {
    const hash = hashSecret(refreshToken);
    type Outcome = { tokens: IssuedTokens } | { error: 'unknown' | 'ended' | 'reused' };
    const outcome = await this.db.transaction().execute(async (trx): Promise<Outcome> => {
      const row = await trx
        .selectFrom('refresh_tokens as t')
        .innerJoin('sessions as s', 's.id', 't.session_id')
        .select(['t.used_at', 's.id as session_id', 's.account_id', 's.revoked_at', 's.expires_at'])
        .where('t.token_hash', '=', hash)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return { error: 'unknown' };
      if (row.revoked_at || row.expires_at.getTime() <= Date.now()) return { error: 'ended' };
      if (row.used_at) {
        await this.revokeSession(trx, row.session_id, 'refresh token reused');
        return { error: 'reused' };
      }
      await trx
        .updateTable('refresh_tokens')
        .set({ used_at: new Date() })
        .where('token_hash', '=', hash)
        .execute();
      return { tokens: await this.issue(trx, row.account_id, row.session_id) };
    });
    if ('tokens' in outcome) return outcome.tokens;
    throw Problem.unauthenticated(
      outcome.error === 'reused'
        ? 'this refresh token was already used, so the session has been ended for safety; sign in again'
        : 'the refresh token is unknown, expired or signed out; sign in again',
    );
  }

  /** Ends the session the refresh token belongs to. Unknown tokens are ignored (logout is idempotent). */
  async logout(refreshToken: string): Promise<void> {
    const row = await this.db
      .selectFrom('refresh_tokens')
      .select('session_id')
      .where('token_hash', '=', hashSecret(refreshToken))
      .executeTakeFirst();
    if (row) await this.revokeSession(this.db, row.session_id, 'signed out');
  }

  async revokeSession(db: Kysely<Database>, sessionId: string, reason: string): Promise<void> {
    await db
      .updateTable('sessions')
      .set({ revoked_at: new Date(), revoked_reason: reason })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Verifies an access token and that its session is still live; 401 with the reason otherwise. */
  async verifyAccess(token: string): Promise<AccountPrincipal> {
    let subject: string;
    let sessionId: string;
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new Error('claims');
      subject = payload.sub;
      sessionId = payload.sid;
    } catch (error) {
      throw Problem.unauthenticated(
        error instanceof joseErrors.JWTExpired
          ? 'the access token has expired; get a new one from POST /auth/refresh'
          : 'the access token is not valid; sign in again',
      );
    }
    const row = await this.db
      .selectFrom('sessions as s')
      .innerJoin('accounts as a', 'a.id', 's.account_id')
      .select(['a.id', 'a.kind', 'a.display_name', 'a.is_operator', 's.revoked_at', 's.expires_at'])
      .where('s.id', '=', sessionId)
      .where('s.account_id', '=', subject)
      .executeTakeFirst();
    if (!row || row.revoked_at || row.expires_at.getTime() <= Date.now())
      throw Problem.unauthenticated('this session has ended (signed out or revoked); sign in again');
    return {
      kind: 'account',
      accountId: row.id,
      accountKind: row.kind,
      displayName: row.display_name,
      isOperator: row.is_operator,
      sessionId,
    };
  }

  private async issue(db: Kysely<Database>, accountId: string, sessionId: string): Promise<IssuedTokens> {
    const accessToken = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(accountId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.accessTtlSeconds}s`)
      .sign(this.key);
    const refreshToken = newSecret('refresh');
    await db
      .insertInto('refresh_tokens')
      .values({ token_hash: hashSecret(refreshToken), session_id: sessionId, used_at: null })
      .execute();
    // Keep the table small: spent tokens of this session older than a day are no longer useful.
    await sql`delete from refresh_tokens where session_id = ${sessionId} and used_at < now() - interval '1 day'`.execute(
      db,
    );
    return { accessToken, expiresIn: this.accessTtlSeconds, refreshToken, tokenType: 'Bearer' };
  }
}
