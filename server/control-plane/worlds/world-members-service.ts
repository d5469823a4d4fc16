/**
 * Who may do what in one world: world roles, invitations (a secret link that grants a role once) and
 * bans (by account, with reason and optional expiry). Every change is audited.
 */
import type { Kysely } from 'kysely';
import type { Database, World, WorldRole } from '../../db/tables.js';
import { Problem } from '../api/problem.js';
import { recordAudit, recordWorldAudit } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { hashSecret, newSecret } from '../auth/secret-tokens.js';
import { accountOf } from '../access/access-service.js';

export interface WorldRoleView {
  accountId: string;
  displayName: string;
  role: WorldRole;
}

export interface BanView {
  accountId: string;
  displayName: string;
  reason: string;
  expiresAt: string | null;
  createdAt: string;
}

/** Rooms are told when a ban lands so the banned visitor is removed from running instances. */
export interface BanEvents {
  banned(worldId: string, accountId: string, reason: string): void;
}

export class WorldMembersService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly banEvents: BanEvents,
  ) {}

  roles(world: World): Promise<WorldRoleView[]> {
    return this.db
      .selectFrom('world_roles as r')
      .innerJoin('accounts as a', 'a.id', 'r.account_id')
      .select(['r.account_id as accountId', 'a.display_name as displayName', 'r.role'])
      .where('r.world_id', '=', world.id)
      .orderBy('a.display_name')
      .execute();
  }

  async setRole(world: World, actor: Principal, accountId: string, role: WorldRole): Promise<WorldRoleView> {
    return this.db.transaction().execute(async (trx) => {
      const account = await trx
        .selectFrom('accounts')
        .select(['id', 'display_name'])
        .where('id', '=', accountId)
        .executeTakeFirst();
      if (!account) throw Problem.notFound(`account ${accountId} not found`);
      await trx
        .insertInto('world_roles')
        .values({ world_id: world.id, account_id: accountId, role })
        .onConflict((c) => c.columns(['world_id', 'account_id']).doUpdateSet({ role }))
        .execute();
      await recordWorldAudit(trx, world, accountOf(actor) ?? null, 'role.set', { accountId, role });
      return { accountId, displayName: account.display_name, role };
    });
  }

  removeRole(world: World, actor: Principal, accountId: string): Promise<void> {
    return this.removeAccountRow('world_roles', world, actor, accountId, 'role.remove', 'has no role in');
  }

  /** Creates an invitation; the token is returned once and stored hashed. */
  async invite(
    world: World,
    actor: Principal,
    role: Exclude<WorldRole, 'owner'>,
    expiresInHours: number,
  ): Promise<{ token: string; role: string; expiresAt: string }> {
    const token = newSecret('invitation');
    const expiresAt = new Date(Date.now() + expiresInHours * 3_600_000);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('world_invitations')
        .values({
          world_id: world.id,
          role,
          token_hash: hashSecret(token),
          created_by: accountOf(actor) ?? null,
          expires_at: expiresAt,
          accepted_by: null,
          accepted_at: null,
        })
        .execute();
      await recordWorldAudit(trx, world, accountOf(actor) ?? null, 'invitation.create', { role, expiresAt });
    });
    return { token, role, expiresAt: expiresAt.toISOString() };
  }

  /** Spends an invitation: the account gets its role in the world (never lowering a higher role it has). */
  async accept(accountId: string, token: string): Promise<{ world: string; role: WorldRole }> {
    return this.db.transaction().execute(async (trx) => {
      const invitation = await trx
        .selectFrom('world_invitations as i')
        .innerJoin('worlds as w', 'w.id', 'i.world_id')
        .select(['i.id', 'i.role', 'i.expires_at', 'i.accepted_at', 'w.id as world_id', 'w.slug', 'w.org_id'])
        .where('i.token_hash', '=', hashSecret(token))
        .forUpdate()
        .executeTakeFirst();
      if (!invitation || invitation.accepted_at || invitation.expires_at.getTime() <= Date.now())
        throw Problem.notFound('this invitation is unknown, already used or expired; ask for a new one');
      await trx
        .updateTable('world_invitations')
        .set({ accepted_by: accountId, accepted_at: new Date() })
        .where('id', '=', invitation.id)
        .execute();
      const current = await trx
        .selectFrom('world_roles')
        .select('role')
        .where('world_id', '=', invitation.world_id)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      const rank = { visitor: 1, moderator: 2, editor: 3, owner: 4 } as const;
      const role: WorldRole =
        current && rank[current.role] >= rank[invitation.role] ? current.role : invitation.role;
      await trx
        .insertInto('world_roles')
        .values({ world_id: invitation.world_id, account_id: accountId, role })
        .onConflict((c) => c.columns(['world_id', 'account_id']).doUpdateSet({ role }))
        .execute();
      await recordAudit(trx, {
        orgId: invitation.org_id,
        worldId: invitation.world_id,
        actorId: accountId,
        action: 'invitation.accept',
        detail: { role },
      });
      return { world: invitation.slug, role };
    });
  }

  bans(world: World): Promise<BanView[]> {
    return this.db
      .selectFrom('world_bans as b')
      .innerJoin('accounts as a', 'a.id', 'b.account_id')
      .select([
        'b.account_id as accountId',
        'a.display_name as displayName',
        'b.reason',
        'b.expires_at',
        'b.created_at',
      ])
      .where('b.world_id', '=', world.id)
      .where((eb) => eb.or([eb('b.expires_at', 'is', null), eb('b.expires_at', '>', new Date())]))
      .orderBy('b.created_at', 'desc')
      .execute()
      .then((rows) =>
        rows.map((row) => ({
          accountId: row.accountId,
          displayName: row.displayName,
          reason: row.reason,
          expiresAt: row.expires_at?.toISOString() ?? null,
          createdAt: row.created_at.toISOString(),
        })),
      );
  }

  async ban(
    world: World,
    actor: Principal,
    accountId: string,
    reason: string,
    expiresAt: Date | null,
  ): Promise<BanView> {
    const actorId = accountOf(actor) ?? null;
    if (actorId === accountId) throw Problem.badRequest('you cannot ban yourself');
    const view = await this.db.transaction().execute(async (trx) => {
      const account = await trx
        .selectFrom('accounts')
        .select(['id', 'display_name'])
        .where('id', '=', accountId)
        .executeTakeFirst();
      if (!account) throw Problem.notFound(`account ${accountId} not found`);
      const target = await trx
        .selectFrom('world_roles')
        .select('role')
        .where('world_id', '=', world.id)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      if (target?.role === 'owner')
        throw Problem.forbidden('owners cannot be banned from their world; remove the role first');
      const stored = await trx
        .insertInto('world_bans')
        .values({
          world_id: world.id,
          account_id: accountId,
          reason,
          expires_at: expiresAt,
          created_by: actorId,
        })
        .onConflict((c) =>
          c
            .columns(['world_id', 'account_id'])
            .doUpdateSet({ reason, expires_at: expiresAt, created_by: actorId }),
        )
        .returning(['created_at'])
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        orgId: world.org_id,
        worldId: world.id,
        actorId,
        action: 'ban.set',
        detail: { accountId, reason, expiresAt },
      });
      return {
        accountId,
        displayName: account.display_name,
        reason,
        expiresAt: expiresAt?.toISOString() ?? null,
        createdAt: stored.created_at.toISOString(),
      };
    });
    this.banEvents.banned(world.id, accountId, reason);
    return view;
  }

  unban(world: World, actor: Principal, accountId: string): Promise<void> {
    return this.removeAccountRow('world_bans', world, actor, accountId, 'ban.remove', 'is not banned from');
  }

  /** Deletes the account's role or ban row in the world, audited; 404 when there is none. */
  private async removeAccountRow(
    table: 'world_roles' | 'world_bans',
    world: World,
    actor: Principal,
    accountId: string,
    action: 'role.remove' | 'ban.remove',
    missing: string,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom(table)
        .where('world_id', '=', world.id)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      if (removed.numDeletedRows === 0n)
        throw Problem.notFound(`account ${accountId} ${missing} "${world.slug}"`);
      await recordWorldAudit(trx, world, accountOf(actor) ?? null, action, { accountId });
    });
  }
}
