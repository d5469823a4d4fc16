/**
 * Movable items in each client's area of interest: the K nearest within the radius, with the same
 * hysteresis as avatars, held in the client's StateView (so only those items' changes reach it).
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Encoder } from '@colyseus/schema';
import { Avatar, Item, WorldState, bodyAt, writeItemPose } from '../../protocol/index.js';
import {
  INTEREST_EVERY_TICKS,
  InterestManager,
  type ViewedItem,
  type Viewer,
} from '../../server/rooms/interest/interest-manager.js';
import type { Client } from '@colyseus/core';
import { VisibleSet } from '../../server/rooms/interest/visible-set.js';

const params = { radius: 5.5, leaveRadius: 7, k: 3, incumbentFactor: 0.9, cellSize: 3 };

interface NamedItem extends ViewedItem {
  name: string;
}

/** Room state with an encoder, as in a room: views only take instances attached to it. */
let room: WorldState;
beforeEach(() => {
  room = new WorldState();
  new Encoder(room);
});

function item(name: string, x: number): NamedItem {
  const pose = { x, y: 0, z: 0, yaw: 0 };
  const state = new Item();
  writeItemPose(state, pose);
  room.items.set(name, state);
  return { name, state, pose, mark: 0, score: 0 };
}

function viewerAt(manager: InterestManager, x: number): Viewer {
  const avatar = new Avatar();
  room.avatars.set('viewer', avatar);
  const client = {} as Client;
  return {
    netId: 1,
    body: bodyAt(x, 0),
    avatar,
    view: manager.attach(client, avatar),
    visible: new VisibleSet(),
    visibleItems: new Set(),
    phase: manager.nextPhase(),
    mark: 0,
  };
}

/** Runs enough ticks that every viewer's interest is recomputed at least once. */
function settle(manager: InterestManager, viewer: Viewer, items: ViewedItem[], tick: { n: number }): void {
  for (let i = 0; i < INTEREST_EVERY_TICKS; i++) manager.update(++tick.n, new Map([[1, viewer]]), items);
}

const seen = (viewer: Viewer): string[] => [...viewer.visibleItems].map((i) => (i as NamedItem).name).sort();

describe('movable items in the area of interest', () => {
  it('holds the K nearest within the radius in the view, and brings far ones in when the viewer comes near', () => {
    const manager = new InterestManager(params);
    const items = [1, 2, 3, 4, 5].map((x) => item(`i${x}`, x)).concat(item('far', 30));
    const viewer = viewerAt(manager, 0);
    const tick = { n: 0 };
    settle(manager, viewer, items, tick);
    expect(seen(viewer)).toEqual(['i1', 'i2', 'i3']);
    for (const it of items) expect(viewer.view!.has(it.state)).toBe(viewer.visibleItems.has(it));

    viewer.body.x = 28;
    settle(manager, viewer, items, tick);
    expect(seen(viewer)).toEqual(['far']);
    expect(viewer.view!.has(items[0]!.state)).toBe(false);
  });

  it('does not flap an item on the border (enters within the radius, leaves beyond the leave radius)', () => {
    const manager = new InterestManager(params);
    const crate = item('crate', 0);
    const viewer = viewerAt(manager, 5);
    const tick = { n: 0 };
    const history: string[] = [];
    for (const x of [5, 6.5, 6.9, 6.2, 7.2, 6.5, 6.0, 5.4]) {
      viewer.body.x = x;
      settle(manager, viewer, [crate], tick);
      history.push(`${x}:${viewer.visibleItems.has(crate) ? 'in' : 'out'}`);
    }
    expect(history).toEqual(['5:in', '6.5:in', '6.9:in', '6.2:in', '7.2:out', '6.5:out', '6:out', '5.4:in']);
  });

  it('recomputes a viewer that jumped (a teleport) on the next tick, then keeps its place in the rota', () => {
    const manager = new InterestManager({ ...params, refreshTicks: 16 });
    const near = item('near', 1);
    const there = item('there', 40);
    const viewer = viewerAt(manager, 0);
    const tick = { n: 0 };
    const step = () => manager.update(++tick.n, new Map([[1, viewer]]), [near, there]);
    step(); // joined: computed at once
    expect(seen(viewer)).toEqual(['near']);
    const phase = viewer.phase;
    // Mid-rota: a move is only seen at the viewer's next turn, up to 16 ticks later...
    viewer.body.x = 40;
    step();
    expect(seen(viewer)).toEqual(['near']);
    // ...unless it was a jump.
    manager.refreshSoon(viewer);
    step();
    expect(seen(viewer)).toEqual(['there']);
    expect(viewer.phase).toBe(phase);
  });

  it('forgets items a new scene version removed', () => {
    const manager = new InterestManager(params);
    const crate = item('crate', 1);
    const viewer = viewerAt(manager, 0);
    settle(manager, viewer, [crate], { n: 0 });
    expect(viewer.visibleItems.has(crate)).toBe(true);
    manager.forgetItems([crate], [viewer]);
    expect(viewer.visibleItems.size).toBe(0);
  });
});
