/**
 * What visitors do with the running scene, applied by the tick: using items (sit, trigger, pick up, put
 * down), teleporting (VR) and entering portals (teleport here, or hand-over to another world). The
 * decisions are in interactions.ts, movable-items.ts, protocol's teleport.ts and scene-runtime.ts; this
 * applies them to occupants and tells the right clients.
 */
import {
  MessageType,
  TICK_HZ,
  decideTeleport,
  type InteractionEvent,
  type InteractionRefusal,
  type ItemPose,
  type ItemSaved,
  type PortalEvent,
  type TeleportRefusal,
} from '../../protocol/index.js';
import { decideInteraction, seatBody } from './interactions.js';
import type { ItemDrop, MovableItems } from './movable-items.js';
import type { Occupant } from './occupant.js';
import type { SceneRuntime } from './scene-runtime.js';
import type { SocialRelay } from './social-relay.js';

/** Fewest ticks between two teleports of one visitor (a quarter second): a held button cannot spam them. */
const TELEPORT_EVERY_TICKS = Math.ceil(TICK_HZ / 4);

export class SceneActions {
  constructor(
    private readonly scene: SceneRuntime,
    private readonly occupants: ReadonlyMap<string, Occupant>,
    private readonly social: SocialRelay,
    private readonly items: MovableItems,
    private readonly worldSlug: string,
    /** Whether a visitor holds a key for a locked portal (no chains here: none opens). */
    private readonly opens: (occupant: Occupant, portal: string) => boolean = () => false,
  ) {}

  /** Applies the visitor's pending use of a scene item, or tells it why not. */
  interact(occupant: Occupant, tick: number): void {
    const pending = occupant.pendingInteraction;
    if (pending === null) return;
    occupant.pendingInteraction = null;
    const { entity, ref } = pending;
    if (occupant.carrying !== null && occupant.carrying !== entity) {
      this.refuse(
        occupant,
        entity,
        `you are carrying "${occupant.carrying}"; put it down first (use it again)`,
      );
      return;
    }
    if (this.items.has(entity)) {
      const use = this.items.use(occupant, entity, this.scene.world);
      if (use.kind === 'refused') {
        this.refuse(occupant, entity, use.reason);
        return;
      }
      this.announce(occupant, entity, use.kind, use.kind === 'drop' ? use.pose : undefined);
      if (use.kind === 'drop' && ref !== undefined) this.acknowledgeWhenSaved(occupant, entity, ref, use);
      return;
    }
    const taken = (seat: string): boolean => {
      for (const other of this.occupants.values())
        if (other !== occupant && other.avatar.seat === seat) return true;
      return false;
    };
    const outcome = decideInteraction(this.scene.world, occupant.body, entity, taken);
    if (outcome.kind === 'refused') {
      this.refuse(occupant, entity, outcome.reason);
      return;
    }
    if (outcome.kind === 'sit') {
      seatBody(occupant.body, outcome.item);
      occupant.avatar.seat = outcome.item.entity;
      occupant.movedAtTick = tick;
    }
    this.announce(occupant, entity, outcome.kind);
  }

  /**
   * Tells the visitor where the item rests once that is stored. A save that fails is retried by the world
   * state's writer and logged there; this put-down is then never acknowledged (the client must not
   * count it as kept), even though a later save may still hold it.
   */
  private acknowledgeWhenSaved(occupant: Occupant, entity: string, ref: number, drop: ItemDrop): void {
    drop.saved?.then(
      () => occupant.client.send(MessageType.itemSaved, { entity, ref, ...drop.pose } satisfies ItemSaved),
      () => undefined,
    );
  }

  /**
   * Applies the visitor's pending teleport (the latest request wins), or tells it why not. Returns whether
   * the avatar moved. A seated avatar stands up first; a carried item goes along; a portal at the arrival
   * point fires.
   */
  teleport(occupant: Occupant, tick: number): boolean {
    const target = occupant.pendingTeleport;
    if (target === null) return false;
    occupant.pendingTeleport = null;
    const refuse = (reason: string): false => {
      occupant.client.send(MessageType.teleportRefused, {
        reason: `teleport: ${reason}`,
      } satisfies TeleportRefusal);
      return false;
    };
    if (tick - occupant.teleportedAtTick < TELEPORT_EVERY_TICKS)
      return refuse('one teleport a quarter second; aim again in a moment');
    const outcome = decideTeleport(this.scene.world, occupant.body, target);
    if (outcome.kind === 'refused') return refuse(outcome.reason);
    if (occupant.avatar.seat !== '') this.standUp(occupant);
    Object.assign(occupant.body, outcome.to);
    occupant.teleportedAtTick = tick;
    this.checkPortal(occupant);
    return true;
  }

  /** Stands a seated avatar up (before it moves), telling those who see it. */
  standUp(occupant: Occupant): void {
    this.announce(occupant, occupant.avatar.seat, 'stand');
    occupant.avatar.seat = '';
  }

  /** Fires a portal the avatar just stepped into: a teleport here, or a hand-over to another world. */
  /** Fires the portal the avatar just stepped into; true when it moved the avatar (a same-world portal). */
  checkPortal(occupant: Occupant): boolean {
    if (this.scene.world.portals.length === 0) return false;
    const portal = this.scene.portalAt(occupant.body);
    const inside = portal?.entity ?? null;
    if (inside === occupant.portal) return false;
    occupant.portal = inside;
    if (!portal) return false;
    if (portal.locked && !this.opens(occupant, portal.entity)) {
      this.refuse(
        occupant,
        portal.entity,
        `portal "${portal.entity}" is locked: it opens for visitors who bound a key to it (POST /nft/bindings, use "key") and still hold that token`,
      );
      return false;
    }
    const outcome = this.scene.outcomeOf(portal, this.worldSlug);
    if (outcome.kind === 'teleport') {
      Object.assign(occupant.body, outcome.to);
      // Arriving inside another portal does not fire it until the avatar leaves and re-enters.
      occupant.portal = this.scene.portalAt(occupant.body)?.entity ?? null;
      return true;
    }
    if (outcome.kind === 'other-world')
      occupant.client.send(MessageType.portal, {
        world: outcome.world,
        spawn: outcome.spawn,
      } satisfies PortalEvent);
    return false;
  }

  private refuse(occupant: Occupant, entity: string, reason: string): void {
    occupant.client.send(MessageType.interactionRefused, {
      entity,
      reason: `interact: ${reason}`,
    } satisfies InteractionRefusal);
  }

  private announce(
    occupant: Occupant,
    entity: string,
    action: InteractionEvent['action'],
    pose?: Readonly<ItemPose>,
  ): void {
    const event: InteractionEvent = { by: occupant.client.sessionId, entity, action };
    if (pose) event.pose = pose;
    this.social.sendToWatchers(occupant.client, MessageType.interaction, event);
  }
}
