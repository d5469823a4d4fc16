/** A visitor inside a world instance, as the room's systems see it. */
import type { MoveInput, TeleportRequest, VoiceEvent } from '../../protocol/index.js';
import { MessageType } from '../../protocol/index.js';
import type { VoiceListener } from '../voice/index.js';
import { VisibleSet } from './interest/visible-set.js';
import type { Mover } from './movement-broadcaster.js';

export interface Occupant extends Mover {
  inputs: MoveInput[];
  /** The signed-in account, if any (bans and mutes apply to it). */
  accountId: string | null;
  /** When the visitor joined (Date.now()), for usage metering. */
  joinedAt: number;
  /** The portal entity the avatar stands in, so a portal fires once on entering, not every tick. */
  portal: string | null;
  /**
   * The scene item the visitor asked to use, applied by the next tick (the latest request wins), and the
   * request's `ref` when it asked for a put-down to be acknowledged.
   */
  pendingInteraction: { entity: string; ref: number | undefined } | null;
  /** Where the visitor asked to teleport, applied by the next tick (the latest request wins). */
  pendingTeleport: TeleportRequest | null;
  /** The tick of its last teleport (teleports are spaced; see SceneActions.teleport). */
  teleportedAtTick: number;
  /** The movable item (entity id) the visitor carries, if any. */
  carrying: string | null;
  /** May moderate the world (talks on stages and in announcements). */
  canModerate: boolean;
}

/** What a joining visitor brings; everything else starts empty. */
export type OccupantInit = Pick<
  Occupant,
  'body' | 'netId' | 'client' | 'avatar' | 'view' | 'phase' | 'accountId' | 'canModerate'
> & { tick: number };

export function newOccupant({ tick, ...init }: OccupantInit): Occupant {
  return {
    ...init,
    inputs: [],
    ackSeq: 0,
    ackSent: 0,
    movedAtTick: tick,
    selfSentTick: -1,
    visible: new VisibleSet(),
    visibleItems: new Set(),
    mark: 0,
    joinedAt: Date.now(),
    portal: null,
    pendingInteraction: null,
    pendingTeleport: null,
    teleportedAtTick: Number.NEGATIVE_INFINITY,
    carrying: null,
  };
}

/** The occupant as voice sees it; messages go to its current connection (it changes on reconnect). */
export function voiceListenerOf(occupant: Occupant, mutedFor: string | null): VoiceListener {
  return {
    sessionId: occupant.client.sessionId,
    accountId: occupant.accountId,
    canModerate: occupant.canModerate,
    mutedFor,
    body: occupant.body,
    send: (event: VoiceEvent) => occupant.client.send(MessageType.voice, event),
  };
}
