/**
 * Keeps each client's area of interest: which other avatars its StateView holds (names, colours) and so
 * which avatars its movement frames may carry. Runs inside the room's tick: the grid is rebuilt once per
 * tick, and each viewer's interest is recomputed every INTEREST_EVERY_TICKS ticks, staggered so the work
 * spreads evenly (a new viewer is computed on its first tick). A client always sees its own avatar.
 */
import { StateView } from '@colyseus/schema';
import type { Client } from '@colyseus/core';
import type { Avatar } from '../../../protocol/index.js';
import { InterestGrid, type InterestParams, type Placed } from './interest-grid.js';

/** Interest is recomputed for each viewer every this many ticks (8 × 50 ms = 400 ms). */
export const INTEREST_EVERY_TICKS = 8;

export interface Viewer extends Placed {
  avatar: Avatar;
  /** The client's view; null when interest management is off (the client then sees everything). */
  view: StateView | null;
  /**
   * Avatars (other viewers) in this viewer's interest, each with the tick its position was last sent
   * to this viewer (-1: not yet).
   */
  visible: Map<Viewer, number>;
  /** Phase of this viewer's recomputation within INTEREST_EVERY_TICKS; -1 = compute on the next tick. */
  phase: number;
  /** Scratch: the query epoch that last selected this entity. */
  mark: number;
}

export class InterestManager {
  private readonly grid: InterestGrid<Viewer>;
  private readonly selected: Viewer[] = [];
  private epoch = 0;
  private joins = 0;

  constructor(params: InterestParams) {
    this.grid = new InterestGrid<Viewer>(params);
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
    return -1 - (this.joins++ % INTEREST_EVERY_TICKS);
  }

  /** Forgets a viewer that left (its avatar is already gone from every view with the state's map entry). */
  detach(leaving: Viewer, everyone: Iterable<Viewer>): void {
    for (const viewer of everyone) viewer.visible.delete(leaving);
    leaving.visible.clear();
  }

  update(tick: number, viewers: ReadonlyMap<unknown, Viewer>): void {
    this.grid.rebuild(viewers.values());
    for (const viewer of viewers.values()) {
      if (viewer.phase < 0)
        viewer.phase = -1 - viewer.phase; // first tick after joining: compute now
      else if ((tick + viewer.phase) % INTEREST_EVERY_TICKS !== 0) continue;
      this.refresh(viewer);
    }
  }

  private refresh(viewer: Viewer): void {
    const view = viewer.view;
    if (!view) return;
    const epoch = ++this.epoch;
    const next = this.grid.query(viewer, viewer.visible, this.selected);
    for (const other of next) other.mark = epoch;
    for (const other of viewer.visible.keys()) {
      if (other.mark !== epoch) {
        viewer.visible.delete(other);
        view.remove(other.avatar);
      }
    }
    for (const other of next) {
      if (!viewer.visible.has(other)) {
        viewer.visible.set(other, -1);
        view.add(other.avatar);
      }
    }
  }
}
