/**
 * Loads what the policy needs (the world or organization, and what the caller is to it) and asks it.
 * Every service calls this first; a denial becomes the problem the policy chose (401, 403 or 404).
 */
import type { Kysely } from 'kysely';
import type { Database, Organization, OrgRole, World } from '../../db/tables.js';
import { Problem } from '../api/problem.js';
import type { AccountPrincipal, Principal } from '../auth/principal.js';
import {
  NO_RELATION,
  decideOrg,
  decideWorld,
  type Decision,
  type OrgAction,
  type WorldAction,
  type WorldRelation,
} from './policy.js';

export class AccessService {
  constructor(private readonly db: Kysely<Database>) {}

  /** The world `slug` if `principal` may take `action` on it; the policy's problem otherwise. */
  async world(principal: Principal, slug: string, action: WorldAction): Promise<World> {
    const world = await this.worldRow(slug);
    await this.checkWorld(principal, world, action);
    return world;
  }

  /** The world `slug`, unchecked (the caller checks it next); 404 when there is none. */
  async worldRow(slug: string): Promise<World> {
    const world = await this.db.selectFrom('worlds').selectAll().where('slug', '=', slug).executeTakeFirst();
    if (!world) throw Problem.notFound(`world "${slug}" not found`);
    return world;
  }

  async checkWorld(principal: Principal, world: World, action: WorldAction): Promise<void> {
    const decision = await this.decideWorld(principal, world, action);
    if (decision.allowed) return;
    // Deleted between reading the world and reading the caller's roles (its roles went with it): that is
    // a 404, not the 403 the missing role would give.
    if (decision.status !== 404 && !(await this.stillExists(world))) throw worldDeleted(world);
    throw this.problem(decision, `world "${world.slug}" not found`);
  }

  private async stillExists(world: World): Promise<boolean> {
    const row = await this.db.selectFrom('worlds').select('id').where('id', '=', world.id).executeTakeFirst();
    return row !== undefined;
  }

  async decideWorld(principal: Principal, world: World, action: WorldAction): Promise<Decision> {
    const relation = await this.relation(accountOf(principal), world);
    return decideWorld(
      principal,
      { id: world.id, orgId: world.org_id, visibility: world.visibility },
      relation,
      action,
    );
  }

  /** The organization `slug` if `principal` may take `action` on it; the policy's problem otherwise. */
  async org(principal: Principal, slug: string, action: OrgAction): Promise<Organization> {
    const org = await this.db
      .selectFrom('organizations')
      .selectAll()
      .where('slug', '=', slug)
      .executeTakeFirst();
    if (!org) throw Problem.notFound(`organization "${slug}" not found`);
    const role = await this.orgRole(accountOf(principal), org.id);
    const decision = decideOrg(principal, org.id, role, action);
    if (!decision.allowed) throw this.problem(decision, `organization "${slug}" not found`);
    return org;
  }

  async orgRole(accountId: string | undefined, orgId: string): Promise<OrgRole | undefined> {
    if (!accountId) return undefined;
    const row = await this.db
      .selectFrom('org_members')
      .select('role')
      .where('org_id', '=', orgId)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row?.role;
  }

  async relation(accountId: string | undefined, world: World): Promise<WorldRelation> {
    if (!accountId) return NO_RELATION;
    const [orgRole, worldRole, ban] = await Promise.all([
      this.orgRole(accountId, world.org_id),
      this.db
        .selectFrom('world_roles')
        .select('role')
        .where('world_id', '=', world.id)
        .where('account_id', '=', accountId)
        .executeTakeFirst(),
      this.db
        .selectFrom('world_bans')
        .select(['reason', 'expires_at'])
        .where('world_id', '=', world.id)
        .where('account_id', '=', accountId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
        .executeTakeFirst(),
    ]);
    return {
      orgRole,
      worldRole: worldRole?.role,
      ban: ban ? { reason: ban.reason, expiresAt: ban.expires_at } : undefined,
    };
  }

  async orgSlugOf(orgId: string): Promise<string> {
    const org = await this.db
      .selectFrom('organizations')
      .select('slug')
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
    return org.slug;
  }

  /** An organization's slug and concurrency quota (for admission to rooms). */
  orgQuotaOf(orgId: string): Promise<{ slug: string; quota_peak_ccu: number }> {
    return this.db
      .selectFrom('organizations')
      .select(['slug', 'quota_peak_ccu'])
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
  }

  /** The signed-in account behind a session (not a key); 401/403 otherwise. */
  requireSession(principal: Principal, what: string): AccountPrincipal {
    if (principal.kind === 'account') return principal;
    if (principal.kind === 'key')
      throw Problem.forbidden(`${what} needs a signed-in session, not an API key`);
    throw Problem.unauthenticated(`sign in to ${what}`);
  }

  /** Like requireSession, and the account must be registered (not a guest). */
  requireRegistered(principal: Principal, what: string): AccountPrincipal {
    const account = this.requireSession(principal, what);
    if (account.accountKind !== 'registered')
      throw Problem.forbidden(`guests cannot ${what}; register an account`);
    return account;
  }

  private problem(decision: Exclude<Decision, { allowed: true }>, notFound: string): Problem {
    if (decision.status === 404) return Problem.notFound(notFound);
    if (decision.status === 401) return Problem.unauthenticated(decision.reason);
    if (decision.reason.startsWith('banned')) return new Problem(403, 'banned', decision.reason);
    return Problem.forbidden(decision.reason);
  }
}

/** The account whose relations count for `principal` (account keys act as their account). */
export function accountOf(principal: Principal): string | undefined {
  if (principal.kind === 'account') return principal.accountId;
  if (principal.kind === 'key') return principal.accountId ?? undefined;
  return undefined;
}

/** The account with this id (its display name), or 404 naming the id. */
export async function existingAccount(
  db: Kysely<Database>,
  accountId: string,
): Promise<{ id: string; display_name: string }> {
  const account = await db
    .selectFrom('accounts')
    .select(['id', 'display_name'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!account) throw Problem.notFound(`account ${accountId} not found`);
  return account;
}

/** A world deleted while a request about it ran (the request read it a moment before). */
export function worldDeleted(world: Pick<World, 'slug'>): Problem {
  return Problem.notFound(`world "${world.slug}" no longer exists (it was deleted while this request ran)`);
}
