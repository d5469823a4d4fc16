/**
 * Accounts: guests (a display name, usable at once), registered accounts (email + password), and the
 * operator admin created from config on first boot. Wallet sign-in (SIWE, from the NFT bridge) will add
 * accounts through `findOrCreateExternal`-style methods here; nothing else needs to change for it.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Account, Database } from '../../db/tables.js';
import { Problem } from '../api/problem.js';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './passwords.js';

export interface AccountView {
  id: string;
  kind: 'guest' | 'registered';
  displayName: string;
  email: string | null;
  isOperator: boolean;
  createdAt: string;
}

export function accountView(account: Account): AccountView {
  return {
    id: account.id,
    kind: account.kind,
    displayName: account.display_name,
    email: account.email,
    isOperator: account.is_operator,
    createdAt: account.created_at.toISOString(),
  };
}

export class AccountsService {
  constructor(private readonly db: Kysely<Database>) {}

  createGuest(displayName: string): Promise<Account> {
    return this.db
      .insertInto('accounts')
      .values({ kind: 'guest', display_name: displayName, email: null, password_hash: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async register(email: string, password: string, displayName: string): Promise<Account> {
    const passwordHash = await hashPassword(password);
    const created = await this.db
      .insertInto('accounts')
      .values({
        kind: 'registered',
        email: email.toLowerCase(),
        display_name: displayName,
        password_hash: passwordHash,
      })
      .onConflict((c) => c.column('email').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!created)
      throw Problem.conflict(`an account with email ${email.toLowerCase()} exists; sign in instead`);
    return created;
  }

  /** The account whose email and password match; 401 (without saying which was wrong) otherwise. */
  async authenticate(email: string, password: string): Promise<Account> {
    const account = await this.db
      .selectFrom('accounts')
      .selectAll()
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    const ok = await verifyPassword(password, account?.password_hash ?? DUMMY_PASSWORD_HASH);
    if (!account || !ok) throw Problem.unauthenticated('email or password is wrong');
    return account;
  }

  find(id: string): Promise<Account | undefined> {
    return this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  organizationsOf(
    accountId: string,
  ): Promise<{ slug: string; name: string; role: 'owner' | 'admin' | 'member' }[]> {
    return this.db
      .selectFrom('org_members as m')
      .innerJoin('organizations as o', 'o.id', 'm.org_id')
      .select(['o.slug', 'o.name', 'm.role'])
      .where('m.account_id', '=', accountId)
      .orderBy('o.slug')
      .execute();
  }

  findByEmail(email: string): Promise<Account | undefined> {
    return this.db
      .selectFrom('accounts')
      .selectAll()
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
  }

  /**
   * Creates the operator admin from config if no account has that email yet, and makes sure the account
   * with that email is an operator. An existing password is never overwritten from config.
   */
  async ensureOperator(
    operator: { email: string; password: string } | undefined,
    logger: Logger,
  ): Promise<void> {
    if (!operator) {
      logger.warn(
        'no operator account configured: set OPERATOR_EMAIL and OPERATOR_PASSWORD to administer quotas',
      );
      return;
    }
    const existing = await this.findByEmail(operator.email);
    if (existing) {
      if (!existing.is_operator)
        await this.db
          .updateTable('accounts')
          .set({ is_operator: true })
          .where('id', '=', existing.id)
          .execute();
      return;
    }
    await this.db
      .insertInto('accounts')
      .values({
        kind: 'registered',
        email: operator.email,
        display_name: 'Operator',
        password_hash: await hashPassword(operator.password),
        is_operator: true,
      })
      .onConflict((c) => c.column('email').doNothing())
      .execute();
    logger.info({ email: operator.email }, 'operator account created');
  }
}
