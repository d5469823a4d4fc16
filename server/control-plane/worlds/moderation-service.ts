/**
 * Moderation of one world: bans (cannot join; removed from running instances) and mutes (cannot chat),
 * both by account, with a reason and an optional expiry, both audited. Owners cannot be sanctioned in
 * their own world, and nobody sanctions themselves. Running rooms are told at once.
 */
import type { Kysely } from 'kysely';
import type { Database, World } from '../../db/tables.js';
import { Problem } from '../api/problem.js';
import { recordWorldAudit } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { accountOf, existingAccount } from '../access/access-service.js';

export type SanctionKind = 'ban' | 'mute';

export interface SanctionView {
  accountId: string;
  displayName: string;
  reason: string;
  expiresAt: string | null;
  createdAt: string;
}

/** Running rooms learn of bans and mutes through this. */
export interface ModerationEvents {
  banned(worldId: string, accountId: string, reason: string): void;
  kicked(worldId: string, accountId: string, reason: string): void;
  muted(worldId: string, accountId: string, reason: string): void;
  unmuted(worldId: string, accountId: string): void;
}

const TABLE = { ban: 'world_bans', mute: 'world_mutes' } as const;
const VERB = { ban: 'banned from', mute: 'muted in' } as const;

export class ModerationService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: ModerationEvents,
  ) {}

  /** Sanctions in force (not expired), newest first. */
  async list(kind: SanctionKind, world: World): Promise<SanctionView[]> {
    const rows = await this.db
      .selectFrom(`${TABLE[kind]} as s`)
      .innerJoin('accounts as a', 'a.id', 's.account_id')
      .select(['s.account_id', 'a.display_name', 's.reason', 's.expires_at', 's.created_at'])
      .where('s.world_id', '=', world.id)
      .where((eb) => eb.or([eb('s.expires_at', 'is', null), eb('s.expires_at', '>', new Date())]))
      .orderBy('s.created_at', 'desc')
      .execute();
    return rows.map((row) => ({
      accountId: row.account_id,
      displayName: row.display_name,
      reason: row.reason,
      expiresAt: row.expires_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
    }));
  }

  async impose(
    kind: SanctionKind,
    world: World,
    actor: Principal,
    accountId: string,
    reason: string,
    expiresAt: Date | null,
  ): Promise<SanctionView> {
    const actorId = accountOf(actor) ?? null;
    if (actorId === accountId) throw Problem.badRequest(`you cannot ${kind} yourself`);
    const view = await this.db.transaction().execute(async (trx) => {
      const account = await sanctionable(trx, world, accountId, `${VERB[kind]} their world`);
      const stored = await trx
        .insertInto(TABLE[kind])
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
      await recordWorldAudit(trx, world, actorId, `${kind}.set`, { accountId, reason, expiresAt });
      return {
        accountId,
        displayName: account.display_name,
        reason,
        expiresAt: expiresAt?.toISOString() ?? null,
        createdAt: stored.created_at.toISOString(),
      };
    });
    if (kind === 'ban') this.events.banned(world.id, accountId, reason);
    else this.events.muted(world.id, accountId, reason);
    return view;
  }

  async lift(kind: SanctionKind, world: World, actor: Principal, accountId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom(TABLE[kind])
        .where('world_id', '=', world.id)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      if (removed.numDeletedRows === 0n)
        throw Problem.notFound(`account ${accountId} is not ${VERB[kind]} "${world.slug}"`);
      await recordWorldAudit(trx, world, accountOf(actor) ?? null, `${kind}.remove`, { accountId });
    });
    if (kind === 'mute') this.events.unmuted(world.id, accountId);
  }

  /**
   * Removes the account from the world's running instances (and so from their voice rooms) without barring
   * it: it may join again. Recorded in the audit log.
   */
  async kick(world: World, actor: Principal, accountId: string, reason: string): Promise<void> {
    const actorId = accountOf(actor) ?? null;
    if (actorId === accountId) throw Problem.badRequest('you cannot kick yourself');
    await this.db.transaction().execute(async (trx) => {
      await sanctionable(trx, world, accountId, 'kicked from their world');
      await recordWorldAudit(trx, world, actorId, 'visitor.kick', { accountId, reason });
    });
    this.events.kicked(world.id, accountId, reason);
  }

  /** The account's ban from the world now in force, if any (for voice, which outlives a room join). */
  activeBan(worldId: string, accountId: string): Promise<{ reason: string } | undefined> {
    return this.active('ban', worldId, accountId);
  }

  /** The account's mute in the world now in force, if any (for room admission). */
  activeMute(worldId: string, accountId: string): Promise<{ reason: string } | undefined> {
    return this.active('mute', worldId, accountId);
  }

  private active(kind: SanctionKind, worldId: string, accountId: string) {
    return this.db
      .selectFrom(TABLE[kind])
      .select('reason')
      .where('world_id', '=', worldId)
      .where('account_id', '=', accountId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
      .executeTakeFirst();
  }
}

/** The account a moderator acts on: it must exist and not own the world. */
async function sanctionable(trx: Kysely<Database>, world: World, accountId: string, what: string) {
  const account = await existingAccount(trx, accountId);
  const target = await trx
    .selectFrom('world_roles')
    .select('role')
    .where('world_id', '=', world.id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (target?.role === 'owner') throw Problem.forbidden(`owners cannot be ${what}; remove the role first`);
  return account;
}
