/**
 * Who may do what in one world: world roles and invitations (a secret link that grants a role once).
 * Every change is audited. Bans and mutes are in moderation-service.ts.
 */
import type { Kysely } from 'kysely';
import type { Database, World, WorldRole } from '../../db/tables.js';
import { Problem } from '../api/problem.js';
import { recordAudit, recordWorldAudit } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { hashSecret, newSecret } from '../auth/secret-tokens.js';
import { accountOf, existingAccount } from '../access/access-service.js';

export interface WorldRoleView {
  accountId: string;
  displayName: string;
  role: WorldRole;
}

export class WorldMembersService {
  constructor(private readonly db: Kysely<Database>) {}

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
      const account = await existingAccount(trx, accountId);
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

  /** Deletes the account's role in the world, audited; 404 when there is none. */
  private async removeAccountRow(
    table: 'world_roles',
    world: World,
    actor: Principal,
    accountId: string,
    action: 'role.remove',
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
