/**
 * Keeps each client's StateView equal to its area of interest. Runs inside the room's tick: the grid is
 * rebuilt once per tick, and each viewer's interest is recomputed every INTEREST_EVERY_TICKS ticks,
 * staggered so the work spreads evenly (a new viewer is computed on its first tick). Avatars enter and
 * leave a view only through here; a client always sees its own avatar (and its own ackSeq).
 */
import { StateView } from '@colyseus/schema';
import type { Client } from '@colyseus/core';
import { OWNER_VIEW_TAG, type Avatar } from '../../../protocol/index.js';
import { InterestGrid, type InterestParams, type Placed } from './interest-grid.js';

/** Interest is recomputed for each viewer every this many ticks (8 × 50 ms = 400 ms). */
export const INTEREST_EVERY_TICKS = 8;

export interface Viewer extends Placed {
  avatar: Avatar;
  /** The client's view; null when interest management is off (the client then sees everything). */
  view: StateView | null;
  /** Avatars (other viewers) this viewer's StateView holds now. */
  visible: Set<Viewer>;
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

  /** Gives the client a view that holds its own avatar, including owner-only fields. */
  attach(client: Client, avatar: Avatar): StateView {
    const view = new StateView();
    view.add(avatar);
    view.add(avatar, OWNER_VIEW_TAG);
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
    for (const other of viewer.visible) {
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
