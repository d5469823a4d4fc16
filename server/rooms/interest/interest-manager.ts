/**
 * Keeps each client's area of interest: which other avatars its StateView holds (names, colours) and so
 * which avatars its movement frames may carry. Runs inside the room's tick: the grid is rebuilt once per
 * tick, and each viewer's interest is recomputed every `refreshTicks` ticks, staggered so the work spreads
 * evenly (a new viewer, and one that teleported, is computed on its next tick). A client always sees its
 * own avatar.
 */
import { StateView } from '@colyseus/schema';
import type { Client } from '@colyseus/core';
import type { Avatar, Item, ItemPose } from '../../../protocol/index.js';
import { InterestGrid, type InterestParams, type Placed } from './interest-grid.js';
import type { VisibleSet } from './visible-set.js';

/**
 * Interest is recomputed for each viewer every this many ticks unless configured (16 × 50 ms = 800 ms:
 * in a crowd of 1,000, 400 ms spent a fifth of the server on refreshes and view changes).
 */
export const INTEREST_EVERY_TICKS = 16;

export interface InterestSettings extends InterestParams {
  /** Ticks between two recomputations of one viewer's interest. */
  refreshTicks?: number;
}

/** A movable item as interest management sees it. */
export interface ViewedItem {
  state: Item;
  pose: ItemPose;
  /** Scratch: the query epoch that last selected this item, and its rank score then. */
  mark: number;
  score: number;
}

export interface Viewer extends Placed {
  /** Short id of its avatar within the room (movement frames and send bookkeeping use it). */
  netId: number;
  avatar: Avatar;
  /** The client's view; null when interest management is off (the client then sees everything). */
  view: StateView | null;
  /** Avatars (other viewers) in this viewer's interest, each with the tick its position was last sent. */
  visible: VisibleSet<Viewer>;
  /** Movable items in this viewer's interest (the K nearest within the radius, with the same hysteresis). */
  visibleItems: Set<ViewedItem>;
  /** Phase of this viewer's recomputation within refreshTicks; negative = compute on the next tick. */
  phase: number;
  /** Scratch: the query epoch that last selected this entity. */
  mark: number;
}

export class InterestManager {
  private readonly grid: InterestGrid<Viewer>;
  private readonly selected: Viewer[] = [];
  private readonly selectedItems: ViewedItem[] = [];
  private readonly byScore = (a: ViewedItem, b: ViewedItem): number => a.score - b.score;
  private epoch = 0;
  private joins = 0;

  private readonly refreshTicks: number;

  constructor(private readonly params: InterestSettings) {
    this.grid = new InterestGrid<Viewer>(params);
    this.refreshTicks = params.refreshTicks ?? INTEREST_EVERY_TICKS;
  }

  /** Gives the client a view that holds its own avatar. */
  attach(client: Client, avatar: Avatar): StateView {
    const view = new StateView();
    view.add(avatar);
    client.view = view;
    return view;
  }

  /** Registers a joined viewer; its interest is computed on the next tick. */
  nextPhase(): number {
    return -1 - (this.joins++ % this.refreshTicks);
  }

  /** The viewer jumped (a teleport, a portal): its interest is computed on the next tick, then as before. */
  refreshSoon(viewer: Viewer): void {
    if (viewer.phase >= 0) viewer.phase = -1 - viewer.phase;
  }

  /** Forgets a viewer that left (its avatar is already gone from every view with the state's map entry). */
  detach(leaving: Viewer, everyone: Iterable<Viewer>): void {
    for (const viewer of everyone) viewer.visible.delete(leaving);
    leaving.visible.clear();
    leaving.visibleItems.clear();
  }

  /** Forgets items the scene no longer has (already gone from every view with the state's map entry). */
  forgetItems(gone: readonly ViewedItem[], everyone: Iterable<Viewer>): void {
    if (gone.length === 0) return;
    for (const viewer of everyone) for (const item of gone) viewer.visibleItems.delete(item);
  }

  update(tick: number, viewers: ReadonlyMap<unknown, Viewer>, items: readonly ViewedItem[] = []): void {
    this.grid.rebuild(viewers.values());
    for (const viewer of viewers.values()) {
      if (viewer.phase < 0)
        viewer.phase = -1 - viewer.phase; // first tick after joining: compute now
      else if ((tick + viewer.phase) % this.refreshTicks !== 0) continue;
      this.refresh(viewer);
      this.refreshItems(viewer, items);
    }
  }

  /**
   * Brings spectators' areas of interest up to date against the grid `update` built this tick (they are
   * not in it: nobody sees a spectator). Same staggering as visitors.
   */
  updateWatchers(tick: number, watchers: Iterable<Viewer>, items: readonly ViewedItem[] = []): void {
    for (const viewer of watchers) {
      if (viewer.phase < 0) viewer.phase = -1 - viewer.phase;
      else if ((tick + viewer.phase) % this.refreshTicks !== 0) continue;
      this.refresh(viewer);
      this.refreshItems(viewer, items);
    }
  }

  /** Items are few (a scene's movable props), so each refresh scans them all rather than a grid. */
  private refreshItems(viewer: Viewer, items: readonly ViewedItem[]): void {
    const view = viewer.view;
    if (!view || (items.length === 0 && viewer.visibleItems.size === 0)) return;
    const { radius, leaveRadius, k, incumbentFactor } = this.params;
    const selected = this.selectedItems;
    selected.length = 0;
    for (const item of items) {
      const distance = Math.hypot(item.pose.x - viewer.body.x, item.pose.z - viewer.body.z);
      const incumbent = viewer.visibleItems.has(item);
      if (distance > (incumbent ? leaveRadius : radius)) continue;
      item.score = incumbent ? distance * incumbentFactor : distance;
      selected.push(item);
    }
    if (selected.length > k) {
      selected.sort(this.byScore);
      selected.length = k;
    }
    const epoch = ++this.epoch;
    for (const item of selected) item.mark = epoch;
    for (const item of viewer.visibleItems) {
      if (item.mark !== epoch) {
        viewer.visibleItems.delete(item);
        view.remove(item.state);
      }
    }
    for (const item of selected) {
      if (!viewer.visibleItems.has(item)) {
        viewer.visibleItems.add(item);
        view.add(item.state);
      }
    }
  }

  private refresh(viewer: Viewer): void {
    const view = viewer.view;
    if (!view) return;
    const epoch = ++this.epoch;
    const next = this.grid.query(viewer, viewer.visible, this.selected);
    for (const other of next) other.mark = epoch;
    const members = viewer.visible.members;
    // Backwards: a removal swaps the last member (already checked) into the hole.
    for (let i = members.length - 1; i >= 0; i--) {
      const other = members[i]!;
      if (other.mark !== epoch) {
        viewer.visible.delete(other);
        view.remove(other.avatar);
      }
    }
    for (const other of next) {
      if (!viewer.visible.has(other)) {
        viewer.visible.add(other);
        view.add(other.avatar);
      }
    }
  }
}
