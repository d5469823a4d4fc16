/**
 * The authorization policy, in one place: HTTP routes and the room's onAuth both ask it. Pure: it is
 * given who is asking and what they are to the world or organization, and answers allow or deny with the
 * HTTP status and a reason that says what would be needed.
 *
 * Roles: an organization's owner and admins own every world of it; its members are visitors of every world
 * of it. A world role (owner, editor, moderator, visitor) adds to that. The operator may do anything.
 * Public and unlisted worlds can be read and joined by anyone, signed in or not; private ones only by
 * those with a role, and to everyone else they do not exist (404, so names do not leak). A ban refuses
 * joining the world, whatever the role (moderators ban and mute). API keys act within their scopes: a world key on its world only,
 * an account key as its account; no key can manage keys, roles or delete worlds.
 */
import type { ApiKeyScope, OrgRole, Visibility, WorldRole } from '../../db/tables.js';
import type { Principal } from '../auth/principal.js';

export type WorldAction =
  | 'world.read'
  | 'world.join'
  | 'scene.read-published'
  | 'scene.read-draft'
  | 'scene.write'
  | 'scene.publish'
  | 'world.update'
  | 'world.delete'
  | 'world.roles'
  | 'world.moderate'
  | 'world.invite'
  | 'world.keys'
  | 'world.audit'
  | 'world.export';

export type OrgAction =
  'org.read' | 'org.members' | 'org.worlds.create' | 'org.usage' | 'org.audit' | 'org.quotas';

/** What the asking account (a principal's account, for account keys) is to a world. */
export interface WorldRelation {
  orgRole: OrgRole | undefined;
  worldRole: WorldRole | undefined;
  /** An active ban of the account from this world, if any. */
  ban: { reason: string; expiresAt: Date | null } | undefined;
}

export interface WorldFacts {
  id: string;
  orgId: string;
  visibility: Visibility;
}

export type Decision = { allowed: true } | { allowed: false; status: 401 | 403 | 404; reason: string };

const ALLOW: Decision = { allowed: true };

const RANK: Record<WorldRole, number> = { visitor: 1, moderator: 2, editor: 3, owner: 4 };

/** The least world role each action needs. */
const WORLD_ACTION_ROLE: Record<WorldAction, WorldRole> = {
  'world.read': 'visitor',
  'world.join': 'visitor',
  'scene.read-published': 'visitor',
  'world.moderate': 'moderator',
  'scene.read-draft': 'editor',
  'scene.write': 'editor',
  'scene.publish': 'editor',
  'world.update': 'owner',
  'world.delete': 'owner',
  'world.roles': 'owner',
  'world.invite': 'owner',
  'world.keys': 'owner',
  'world.audit': 'owner',
  'world.export': 'owner',
};

/** Actions anyone may take on a public or unlisted world. */
const OPEN_ACTIONS = new Set<WorldAction>(['world.read', 'world.join', 'scene.read-published']);

/** Actions each key scope permits (intersected with what the key's account or world allows). */
const SCOPE_WORLD_ACTIONS: Record<ApiKeyScope, ReadonlySet<WorldAction>> = {
  read: new Set(['world.read', 'scene.read-published', 'scene.read-draft', 'world.audit']),
  embed: new Set(['world.read', 'world.join', 'scene.read-published']),
  manage: new Set([
    'world.read',
    'world.join',
    'scene.read-published',
    'scene.read-draft',
    'scene.write',
    'scene.publish',
    'world.update',
    'world.moderate',
    'world.audit',
    'world.export',
  ]),
};
const SCOPE_ORG_ACTIONS: Record<ApiKeyScope, ReadonlySet<OrgAction>> = {
  read: new Set(['org.read', 'org.usage', 'org.audit']),
  embed: new Set(['org.read']),
  manage: new Set(['org.read', 'org.usage', 'org.audit', 'org.worlds.create']),
};

/** The world role an account holds through its organization and world roles, if any. */
export function effectiveWorldRole(relation: WorldRelation, isOperator: boolean): WorldRole | undefined {
  if (isOperator) return 'owner';
  const viaOrg: WorldRole | undefined =
    relation.orgRole === 'owner' || relation.orgRole === 'admin'
      ? 'owner'
      : relation.orgRole === 'member'
        ? 'visitor'
        : undefined;
  const candidates = [viaOrg, relation.worldRole].filter((r): r is WorldRole => r !== undefined);
  return candidates.sort((a, b) => RANK[b] - RANK[a])[0];
}

/**
 * May `principal` take `action` on `world`? `relation` is what the principal's account is to the world
 * (for anonymous callers and world keys, pass NO_RELATION).
 */
export function decideWorld(
  principal: Principal,
  world: WorldFacts,
  relation: WorldRelation,
  action: WorldAction,
): Decision {
  const open = world.visibility !== 'private';
  if (principal.kind === 'key') {
    // An embed is public: it sees a private world only through a token the world's backend minted.
    if (principal.embed && !open && !principal.embed.private) return deny(404, 'world not found');
    const scoped = principal.scopes.some((scope) => SCOPE_WORLD_ACTIONS[scope].has(action));
    if (principal.worldId !== null) {
      if (principal.worldId !== world.id)
        return open && OPEN_ACTIONS.has(action) && action !== 'world.join'
          ? ALLOW
          : deny(404, 'world not found');
      return scoped
        ? ALLOW
        : deny(403, `this API key's scopes (${principal.scopes.join(', ')}) do not allow ${action}`);
    }
    // An account key acts as its account only in its organization's worlds; elsewhere it has no role.
    const inOrg = world.orgId === principal.orgId ? relation : NO_RELATION;
    const asAccount = roleDecision(effectiveWorldRole(inOrg, false), open, inOrg, action, false);
    if (!asAccount.allowed) return asAccount;
    return scoped
      ? ALLOW
      : deny(403, `this API key's scopes (${principal.scopes.join(', ')}) do not allow ${action}`);
  }
  const isOperator = principal.kind === 'account' && principal.isOperator;
  const role = principal.kind === 'account' ? effectiveWorldRole(relation, isOperator) : undefined;
  return roleDecision(role, open, relation, action, principal.kind === 'anonymous');
}

function roleDecision(
  role: WorldRole | undefined,
  open: boolean,
  relation: WorldRelation,
  action: WorldAction,
  anonymous: boolean,
): Decision {
  if (action === 'world.join' && relation.ban)
    return deny(
      403,
      `banned from this world${relation.ban.expiresAt ? ` until ${relation.ban.expiresAt.toISOString()}` : ''}: ${relation.ban.reason}`,
    );
  const needed = WORLD_ACTION_ROLE[action];
  if (role && RANK[role] >= RANK[needed]) return ALLOW;
  if (open && OPEN_ACTIONS.has(action)) return ALLOW;
  if (!role && !open) return deny(404, 'world not found');
  if (anonymous) return deny(401, `sign in: ${action} needs the world role ${needed} or higher`);
  return deny(403, `${action} needs the world role ${needed} or higher${role ? `; you are ${role}` : ''}`);
}

/** May `principal` take `action` on the organization? `orgRole` is the principal's account's role there. */
export function decideOrg(
  principal: Principal,
  orgId: string,
  orgRole: OrgRole | undefined,
  action: OrgAction,
): Decision {
  if (principal.kind === 'anonymous') return deny(401, 'sign in to see organizations');
  if (principal.kind === 'account' && principal.isOperator) return ALLOW;
  if (action === 'org.quotas')
    return orgRole ? deny(403, 'only the operator sets quotas') : deny(404, 'organization not found');
  if (principal.kind === 'key') {
    if (principal.worldId !== null || principal.orgId !== orgId || !orgRole)
      return deny(404, 'organization not found');
    if (!principal.scopes.some((scope) => SCOPE_ORG_ACTIONS[scope].has(action)))
      return deny(403, `this API key's scopes (${principal.scopes.join(', ')}) do not allow ${action}`);
  }
  if (!orgRole) return deny(404, 'organization not found');
  const needsAdmin = action === 'org.members' || action === 'org.usage' || action === 'org.audit';
  if (needsAdmin && orgRole === 'member')
    return deny(403, `${action} needs the organization role admin or owner`);
  if (action === 'org.worlds.create' && principal.kind === 'account' && principal.accountKind === 'guest')
    return deny(403, 'guests cannot create worlds; register an account');
  return ALLOW;
}

export const NO_RELATION: WorldRelation = { orgRole: undefined, worldRole: undefined, ban: undefined };

function deny(status: 401 | 403 | 404, reason: string): Decision {
  return { allowed: false, status, reason };
}
