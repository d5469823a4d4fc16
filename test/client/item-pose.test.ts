/**
 * Where a movable item is drawn (its plain crate, or its model following it): at rest where the room says,
 * in front of whoever carries it as that avatar is drawn, and nowhere when this visitor does not see it.
 */
import { describe, expect, it } from '@jest/globals';
import { carriedPose, type ItemPose } from '../../protocol/index.js';
import { itemPoseNow } from '../../client/src/shared/world/item-pose.js';
import { createLocalAvatar, createRemoteAvatar } from '../../client/src/shared/world/store-avatars.js';
import { createWorldStore } from '../../client/src/shared/world/world-store.js';

const pose = (): ItemPose => ({ x: Number.NaN, y: Number.NaN, z: Number.NaN, yaw: Number.NaN });

describe('a movable item’s pose as drawn', () => {
  it('rests where the room says, rides with its carrier, and is not drawn when not seen', () => {
    const store = createWorldStore();
    store.sessionId = 'me';
    store.local = createLocalAvatar('Me', '#ff0000');
    store.local.predicted.x = 2;
    store.local.predicted.z = -1;
    store.local.predicted.yaw = Math.PI / 2;
    const remote = createRemoteAvatar('them', 'Them', '#00ff00', { x: -5, y: 0, z: 4, yaw: Math.PI });
    store.remotes.set('them', remote);
    store.items.set('crate', { entity: 'crate', pose: { x: 3, y: 0, z: 8, yaw: 0.5 }, heldBy: '' });

    const out = pose();
    expect(itemPoseNow(store, 'crate', out)).toBe(true);
    expect(out).toEqual({ x: 3, y: 0, z: 8, yaw: 0.5 });
    // The store's own hook says the same (the scene's models read it).
    const viaStore = pose();
    expect(store.itemPose('crate', viaStore)).toBe(true);
    expect(viaStore).toEqual(out);

    store.items.get('crate')!.heldBy = 'me';
    expect(itemPoseNow(store, 'crate', out)).toBe(true);
    expect(out).toEqual(carriedPose(store.local.predicted, pose()));

    store.items.get('crate')!.heldBy = 'them';
    expect(itemPoseNow(store, 'crate', out)).toBe(true);
    expect(out).toEqual(carriedPose(remote.rendered, pose()));
    expect(out.x).not.toBeCloseTo(3);

    // Carried by someone this visitor does not see: where the room last said it rests.
    store.items.get('crate')!.heldBy = 'gone';
    expect(itemPoseNow(store, 'crate', out)).toBe(true);
    expect(out).toEqual({ x: 3, y: 0, z: 8, yaw: 0.5 });

    store.items.delete('crate');
    expect(itemPoseNow(store, 'crate', out)).toBe(false);
  });
});
