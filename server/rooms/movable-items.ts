/**
 * Movable items of the running scene (interactables with action "grab"), decided by the server: a visitor
 * within reach of an item nobody carries picks it up; it then rides in front of them each tick until they
 * use it again (put down in front of them, on the ground or a surface no higher than their hands) or leave
 * (put down where they are). Where an item is put is part of the world's saved state, so it stays there
 * across restarts; a newly published scene keeps moved items where visitors left them, adds new ones where
 * the scene places them and removes those it no longer has.
 */
import type { MapSchema } from '@colyseus/schema';
import {
  Item,
  carriedPose,
  restingPose,
  writeItemPose,
  type ItemPose,
  type StaticWorld,
} from '../../protocol/index.js';
import type { ViewedItem } from './interest/interest-manager.js';
import type { Occupant } from './occupant.js';
import type { PersistentWorldState } from './persistent-world-state.js';

export interface LiveItem extends ViewedItem {
  entity: string;
  /** How close (horizontally, from the avatar's centre) a visitor must be to pick it up, in metres. */
  reach: number;
  holder: Occupant | null;
}

/** An item put down: where it rests, and (in a world that keeps its state) when that is stored. */
export interface ItemDrop {
  kind: 'drop';
  pose: Readonly<ItemPose>;
  saved: Promise<void> | undefined;
}

export type ItemUse = { kind: 'grab' } | ItemDrop | { kind: 'refused'; reason: string };

export class MovableItems {
  /** Every item, for interest scans (no allocation per scan). */
  readonly all: LiveItem[] = [];
  private readonly byEntity = new Map<string, LiveItem>();

  constructor(
    private readonly state: MapSchema<Item>,
    private readonly persisted: () => PersistentWorldState | undefined,
  ) {}

  has(entity: string): boolean {
    return this.byEntity.has(entity);
  }

  /**
   * Brings the items in line with `world` (a newly applied scene version). Returns the items removed, so
   * the caller can take them out of every client's interest.
   */
  sync(world: StaticWorld): LiveItem[] {
    const grabbable = new Map([...world.interactables].filter(([, item]) => item.action === 'grab'));
    const removed = this.all.filter((item) => !grabbable.has(item.entity));
    for (const item of removed) {
      if (item.holder) item.holder.carrying = null;
      this.byEntity.delete(item.entity);
      this.state.delete(item.entity);
    }
    for (const [entity, placed] of grabbable) {
      const existing = this.byEntity.get(entity);
      if (existing) {
        existing.reach = placed.reach;
        continue;
      }
      const saved = this.persisted()?.itemPose(entity);
      const pose: ItemPose = saved
        ? { ...saved }
        : { x: placed.x, y: placed.y, z: placed.z, yaw: placed.yaw };
      const live: LiveItem = {
        entity,
        reach: placed.reach,
        holder: null,
        pose,
        state: new Item(),
        mark: 0,
        score: 0,
      };
      writeItemPose(live.state, pose);
      this.byEntity.set(entity, live);
      this.state.set(entity, live.state);
    }
    this.all.length = 0;
    this.all.push(...this.byEntity.values());
    this.persisted()?.forgetItemsExcept(new Set(grabbable.keys()));
    return removed;
  }

  /** Picks the item up, or puts it down when `occupant` carries it. */
  use(occupant: Occupant, entity: string, world: StaticWorld): ItemUse {
    const item = this.byEntity.get(entity);
    if (!item)
      return { kind: 'refused', reason: `"${entity}" is not something you can pick up in this scene` };
    if (item.holder === occupant) {
      const pose = restingPose(occupant.body, world);
      return { kind: 'drop', pose, saved: this.putDown(item, pose) };
    }
    if (item.holder) return { kind: 'refused', reason: `someone is already carrying "${entity}"` };
    const distance = Math.hypot(occupant.body.x - item.pose.x, occupant.body.z - item.pose.z);
    if (distance > item.reach)
      return {
        kind: 'refused',
        reason: `"${entity}" is ${distance.toFixed(1)} m away; come within ${item.reach} m`,
      };
    item.holder = occupant;
    item.state.heldBy = occupant.client.sessionId;
    occupant.carrying = entity;
    this.carry(item);
    return { kind: 'grab' };
  }

  /** Moves carried items with holders that moved this tick. */
  follow(tick: number): void {
    for (const item of this.all) if (item.holder && item.holder.movedAtTick === tick) this.carry(item);
  }

  /** The visitor is leaving: what it carries is put down where it stands. */
  release(occupant: Occupant): void {
    const item = occupant.carrying === null ? undefined : this.byEntity.get(occupant.carrying);
    if (!item || item.holder !== occupant) return;
    const { x, y, z, yaw } = occupant.body;
    // Nobody is left to tell when it is stored (a failed save is retried and logged by the writer).
    void this.putDown(item, { x, y, z, yaw });
  }

  private carry(item: LiveItem): void {
    writeItemPose(item.state, carriedPose(item.holder!.body, item.pose));
  }

  /** Returns when the new pose is stored (undefined for a world that keeps no state). */
  private putDown(item: LiveItem, pose: ItemPose): Promise<void> | undefined {
    if (item.holder) item.holder.carrying = null;
    item.holder = null;
    item.state.heldBy = '';
    Object.assign(item.pose, pose);
    writeItemPose(item.state, pose);
    return this.persisted()?.itemMoved(item.entity, pose);
  }
}
