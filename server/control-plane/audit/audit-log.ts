/**
 * The audit log of privileged actions (publish, rollback, role changes, bans, key creation and revocation,
 * world deletion, quota changes, imports). Written in the same transaction as the action, so an entry
 * exists exactly when the action happened. Never holds secrets: details name things, not tokens.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';

export type AuditAction =
  | 'world.create'
  | 'world.update'
  | 'world.scene-limits'
  | 'world.delete'
  | 'world.import'
  | 'scene.publish'
  | 'scene.rollback'
  /** A live-edited draft saved: `detail.editors` names the accounts whose changes it holds. */
  | 'scene.draft-save'
  | 'role.set'
  | 'role.remove'
  | 'invitation.create'
  | 'invitation.accept'
  | 'ban.set'
  | 'ban.remove'
  | 'mute.set'
  | 'mute.remove'
  | 'visitor.kick'
  | 'key.create'
  | 'key.revoke'
  | 'member.set'
  | 'member.remove'
  | 'quota.set';

export interface AuditEntry {
  orgId: string | null;
  worldId?: string | null;
  actorId: string | null;
  action: AuditAction;
  detail?: Record<string, unknown>;
}

/** Records an action on a world by `actorId` (null when no account acted, e.g. a world key). */
export function recordWorldAudit(
  db: Kysely<Database>,
  world: { id: string; org_id: string },
  actorId: string | null,
  action: AuditAction,
  detail: Record<string, unknown> = {},
): Promise<void> {
  return recordAudit(db, { orgId: world.org_id, worldId: world.id, actorId, action, detail });
}

export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      org_id: entry.orgId,
      world_id: entry.worldId ?? null,
      actor_id: entry.actorId,
      action: entry.action,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
}

export interface AuditView {
  id: string;
  at: string;
  action: string;
  actorId: string | null;
  worldId: string | null;
  detail: Record<string, unknown>;
}

/** Newest first; `before` is the id of the last entry of the previous page. */
export async function readAudit(
  db: Kysely<Database>,
  filter: { orgId: string } | { worldId: string },
  page: { before: string | undefined; limit: number },
): Promise<{ items: AuditView[]; nextBefore: string | null }> {
  let query = db.selectFrom('audit_log').selectAll();
  query =
    'orgId' in filter
      ? query.where('org_id', '=', filter.orgId)
      : query.where('world_id', '=', filter.worldId);
  if (page.before) query = query.where('id', '<', page.before);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const items = rows.slice(0, page.limit).map((row) => ({
    id: String(row.id),
    at: row.at.toISOString(),
    action: row.action,
    actorId: row.actor_id,
    worldId: row.world_id,
    detail: row.detail,
  }));
  return { items, nextBefore: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}
