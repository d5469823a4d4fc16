/** Organizations (tenants): creation, members and their roles, quotas set by the operator. */
import type { Kysely } from 'kysely';
import type { SceneLimits } from '../../../protocol/index.js';
import { planLimitsOf } from '../scenes/scene-limits.js';
import type { Database, Organization, OrgRole } from '../../db/tables.js';
import { Problem } from '../api/problem.js';
import { recordAudit } from '../audit/audit-log.js';
import type { AccountPrincipal, Principal } from '../auth/principal.js';
import { accountOf } from '../access/access-service.js';
import { storageBytesOf } from '../usage/usage-service.js';

export interface OrgView {
  slug: string;
  name: string;
  createdAt: string;
  /** The caller's role here; null for the operator looking at someone else's organization. */
  role: OrgRole | null;
  quotas: { worlds: number; storageBytes: number; peakCcu: number; uploadBytes: number };
  usage: { worlds: number; storageBytes: number };
  /** The plan's scene limits: the most any of its worlds may weigh. */
  sceneLimits: SceneLimits;
}

export interface MemberView {
  accountId: string;
  displayName: string;
  email: string | null;
  role: OrgRole;
}

export interface QuotaChange {
  worlds?: number | undefined;
  storageBytes?: number | undefined;
  peakCcu?: number | undefined;
  uploadBytes?: number | undefined;
  /** Plan scene limits to change (the others keep their value). */
  sceneLimits?: Partial<SceneLimits> | undefined;
}

export class OrgsService {
  constructor(private readonly db: Kysely<Database>) {}

  async create(creator: AccountPrincipal, slug: string, name: string): Promise<OrgView> {
    const org = await this.db.transaction().execute(async (trx) => {
      const created = await trx
        .insertInto('organizations')
        .values({ slug, name })
        .onConflict((c) => c.column('slug').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!created) throw Problem.conflict(`organization slug "${slug}" is taken; choose another`);
      await trx
        .insertInto('org_members')
        .values({ org_id: created.id, account_id: creator.accountId, role: 'owner' })
        .execute();
      return created;
    });
    return this.view(org, 'owner');
  }

  async list(principal: Principal): Promise<OrgView[]> {
    const accountId = accountOf(principal);
    if (principal.kind === 'account' && principal.isOperator) {
      const orgs = await this.db.selectFrom('organizations').selectAll().orderBy('slug').execute();
      const roles = await this.rolesOf(accountId);
      return Promise.all(orgs.map((org) => this.view(org, roles.get(org.id) ?? null)));
    }
    if (!accountId || (principal.kind === 'key' && principal.worldId !== null)) return [];
    let query = this.db
      .selectFrom('organizations as o')
      .innerJoin('org_members as m', 'm.org_id', 'o.id')
      .selectAll('o')
      .select('m.role')
      .where('m.account_id', '=', accountId);
    if (principal.kind === 'key') query = query.where('o.id', '=', principal.orgId);
    const rows = await query.orderBy('o.slug').execute();
    return Promise.all(rows.map((row) => this.view(row, row.role)));
  }

  async view(org: Organization, role: OrgRole | null): Promise<OrgView> {
    const { n } = await this.db
      .selectFrom('worlds')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('org_id', '=', org.id)
      .executeTakeFirstOrThrow();
    return {
      slug: org.slug,
      name: org.name,
      createdAt: org.created_at.toISOString(),
      role,
      quotas: {
        worlds: org.quota_worlds,
        storageBytes: Number(org.quota_storage_bytes),
        peakCcu: org.quota_peak_ccu,
        uploadBytes: Number(org.quota_upload_bytes),
      },
      usage: { worlds: Number(n), storageBytes: await storageBytesOf(this.db, org.id) },
      sceneLimits: planLimitsOf(org),
    };
  }

  async setQuotas(org: Organization, actorId: string | null, change: QuotaChange): Promise<Organization> {
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('organizations')
        .set({
          ...(change.worlds !== undefined && { quota_worlds: change.worlds }),
          ...(change.storageBytes !== undefined && { quota_storage_bytes: change.storageBytes }),
          ...(change.peakCcu !== undefined && { quota_peak_ccu: change.peakCcu }),
          ...(change.uploadBytes !== undefined && { quota_upload_bytes: change.uploadBytes }),
          ...(change.sceneLimits !== undefined && {
            scene_limits: JSON.stringify({ ...planLimitsOf(org), ...change.sceneLimits }),
          }),
        })
        .where('id', '=', org.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, { orgId: org.id, actorId, action: 'quota.set', detail: { ...change } });
      return updated;
    });
  }

  members(org: Organization): Promise<MemberView[]> {
    return this.db
      .selectFrom('org_members as m')
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      .select(['a.id as accountId', 'a.display_name as displayName', 'a.email', 'm.role'])
      .where('m.org_id', '=', org.id)
      .orderBy('a.display_name')
      .execute();
  }

  /** Adds a registered account (by email) or changes its role. Only owners grant or take away ownership. */
  async setMember(org: Organization, actor: Principal, email: string, role: OrgRole): Promise<MemberView> {
    const actorId = accountOf(actor) ?? null;
    return this.db.transaction().execute(async (trx) => {
      const account = await trx
        .selectFrom('accounts')
        .selectAll()
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst();
      // 422, not 404: the organization exists; what the body names does not (schemathesis read the
      // 404 as the organization gone).
      if (!account) {
        const message = `no registered account has email ${email.toLowerCase()}; they must register first`;
        throw new Problem(422, 'validation-failed', `body.email: ${message}`, {
          errors: [{ path: 'body.email', message }],
        });
      }
      const current = await trx
        .selectFrom('org_members')
        .select('role')
        .where('org_id', '=', org.id)
        .where('account_id', '=', account.id)
        .forUpdate()
        .executeTakeFirst();
      await this.requireOwnerFor(trx, org, actor, role === 'owner' || current?.role === 'owner');
      if (current?.role === 'owner' && role !== 'owner') await this.keepAnOwner(trx, org, account.id);
      await trx
        .insertInto('org_members')
        .values({ org_id: org.id, account_id: account.id, role })
        .onConflict((c) => c.columns(['org_id', 'account_id']).doUpdateSet({ role }))
        .execute();
      await recordAudit(trx, {
        orgId: org.id,
        actorId,
        action: 'member.set',
        detail: { accountId: account.id, role },
      });
      return { accountId: account.id, displayName: account.display_name, email: account.email, role };
    });
  }

  async removeMember(org: Organization, actor: Principal, accountId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('org_members')
        .select('role')
        .where('org_id', '=', org.id)
        .where('account_id', '=', accountId)
        .forUpdate()
        .executeTakeFirst();
      if (!current) throw Problem.notFound(`account ${accountId} is not a member of "${org.slug}"`);
      await this.requireOwnerFor(trx, org, actor, current.role === 'owner');
      if (current.role === 'owner') await this.keepAnOwner(trx, org, accountId);
      await trx
        .deleteFrom('org_members')
        .where('org_id', '=', org.id)
        .where('account_id', '=', accountId)
        .execute();
      await recordAudit(trx, {
        orgId: org.id,
        actorId: accountOf(actor) ?? null,
        action: 'member.remove',
        detail: { accountId },
      });
    });
  }

  private async requireOwnerFor(
    trx: Kysely<Database>,
    org: Organization,
    actor: Principal,
    touchesOwner: boolean,
  ): Promise<void> {
    if (!touchesOwner || (actor.kind === 'account' && actor.isOperator)) return;
    const actorId = accountOf(actor);
    const role = actorId
      ? (
          await trx
            .selectFrom('org_members')
            .select('role')
            .where('org_id', '=', org.id)
            .where('account_id', '=', actorId)
            .executeTakeFirst()
        )?.role
      : undefined;
    if (role !== 'owner')
      throw Problem.forbidden('only an owner can grant or change ownership of an organization');
  }

  private async keepAnOwner(trx: Kysely<Database>, org: Organization, leaving: string): Promise<void> {
    const others = await trx
      .selectFrom('org_members')
      .select('account_id')
      .where('org_id', '=', org.id)
      .where('role', '=', 'owner')
      .where('account_id', '!=', leaving)
      .executeTakeFirst();
    if (!others)
      throw Problem.conflict(`"${org.slug}" must keep at least one owner; make someone else owner first`);
  }

  private async rolesOf(accountId: string | undefined): Promise<Map<string, OrgRole>> {
    if (!accountId) return new Map();
    const rows = await this.db
      .selectFrom('org_members')
      .select(['org_id', 'role'])
      .where('account_id', '=', accountId)
      .execute();
    return new Map(rows.map((row) => [row.org_id, row.role]));
  }
}
