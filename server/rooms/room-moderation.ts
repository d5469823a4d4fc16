/**
 * Moderation from inside a world instance: a moderator's player names someone by session id (the only id
 * it has for them) and the room does the rest. For a signed-in target the room acts on the account, the
 * same as the REST API (`/worlds/{slug}/mutes|bans|kicks/{accountId}`): checked again against the world's
 * policy now (a role may have been taken away since joining), recorded in the audit log, and applied to
 * every running instance through the usual events. An anonymous target has no account to sanction: it can
 * be kicked or muted in this instance, not banned.
 */
import type { Client } from '@colyseus/core';
import {
  MessageType,
  type ModerateRequest,
  type ModerationAction,
  type ModerationOutcome,
} from '../../protocol/index.js';
import type { AccessService, ModerationService, Principal } from '../control-plane/index.js';
import { Problem } from '../control-plane/index.js';
import type { World } from '../db/tables.js';
import { KICKED_CLOSE_CODE, sendAway } from './close-codes.js';
import type { Admitted } from './join-admission.js';
import type { Occupant } from './occupant.js';
import type { SocialRelay } from './social-relay.js';

/** The account-level half: policy check, then the moderation service. */
export class ModerationDesk {
  constructor(
    private readonly access: AccessService,
    private readonly moderation: ModerationService,
  ) {}

  /** Acts on `accountId` in `world` as `actor`; throws a Problem (with its reason) when refused. */
  async act(
    actor: Principal,
    world: World,
    accountId: string,
    action: ModerationAction,
    reason: string,
  ): Promise<void> {
    const decision = await this.access.decideWorld(actor, world, 'world.moderate');
    if (!decision.allowed) throw Problem.forbidden(`you may not moderate "${world.slug}" (any more)`);
    if (action === 'kick') await this.moderation.kick(world, actor, accountId, reason);
    else if (action === 'unmute') await this.moderation.lift('mute', world, actor, accountId);
    else await this.moderation.impose(action, world, actor, accountId, reason, null);
  }
}

const DONE: Record<ModerationAction, string> = {
  mute: 'is muted (chat and voice)',
  unmute: 'may talk again',
  kick: 'was removed from the world',
  ban: 'is banned from the world',
};

/** Handles one `moderate` message; answers the sender with `moderated` or `moderationRefused`. */
export async function moderateFromRoom(
  room: {
    desk: ModerationDesk;
    world: World;
    occupants: ReadonlyMap<string, Occupant>;
    social: SocialRelay;
  },
  client: Client,
  request: ModerateRequest,
): Promise<void> {
  const { target: targetId, action, reason } = request;
  const refuse = (why: string): void =>
    client.send(MessageType.moderationRefused, {
      target: targetId,
      action,
      message: why,
    } satisfies ModerationOutcome);
  const sender = room.occupants.get(client.sessionId);
  // What onAuth admitted this connection as (JoinAdmission).
  const actor = (client.auth as Admitted | undefined)?.principal;
  if (!sender?.canModerate || !actor)
    return refuse('only the world’s owners and moderators can do that; sign in with such an account');
  const target = room.occupants.get(targetId);
  if (!target) return refuse('that visitor is no longer in this instance');
  if (target === sender) return refuse(`you cannot ${action} yourself`);
  const name = target.avatar.name;
  try {
    if (target.accountId) {
      await room.desk.act(actor, room.world, target.accountId, action, reason);
    } else if (action === 'ban') {
      return refuse(`${name} is not signed in, so there is no account to ban; kick them instead`);
    } else if (action === 'kick') {
      sendAway(target.client, KICKED_CLOSE_CODE, reason);
    } else {
      room.social.setMuted(target.client.sessionId, action === 'mute' ? reason : null);
    }
  } catch (error) {
    if (error instanceof Problem) return refuse(error.message);
    throw error;
  }
  client.send(MessageType.moderated, {
    target: targetId,
    action,
    message: `${name} ${DONE[action]}`,
  } satisfies ModerationOutcome);
}
