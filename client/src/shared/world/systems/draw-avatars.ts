/**
 * Hands the frame's avatars (the local one first, then remotes with a position) to the avatar renderer.
 * The list is a pool of views reused every frame; it grows only when more avatars are in view than ever.
 */
import type { Camera } from 'three';
import type { AvatarRenderer, DrawnAvatar } from '../../avatars/avatar-renderer.js';
import { createMotionState } from '../../avatars/motion-state.js';
import { DEFAULT_DRAWN_LOOK } from '../../avatars/avatar-look.js';
import type { WorldStore } from '../world-store.js';
import { DEFAULT_WEARABLE_SLOT } from '../../../../../protocol/index.js';

const views: DrawnAvatar[] = [];

function viewAt(index: number): DrawnAvatar {
  let view = views[index];
  if (!view) {
    /* eslint-disable no-restricted-syntax -- the pool grows only when more avatars are in view than ever */
    view = {
      id: '',
      body: { x: 0, y: 0, z: 0, yaw: 0, vy: 0 },
      colorHex: 0,
      look: DEFAULT_DRAWN_LOOK,
      motion: createMotionState(),
      seated: false,
      wornModel: '',
      wornSlot: DEFAULT_WEARABLE_SLOT,
      avatarModel: '',
      figure: { tagHeight: 0 }, // replaced by the avatar's own record when drawn
    };
    /* eslint-enable no-restricted-syntax */
    views[index] = view;
  }
  return view;
}

/** Returns how many avatars were drawn. */
export function drawAvatars(
  store: WorldStore,
  renderer: AvatarRenderer,
  camera: Camera,
  nowSeconds: number,
  dtSeconds: number,
): number {
  let count = 0;
  const local = store.local && store.connection === 'joined' && !store.vr ? store.local : null;
  if (local) {
    const view = viewAt(count++);
    view.id = store.sessionId ?? 'self';
    view.body = local.predicted;
    view.colorHex = local.colorHex;
    view.look = local.look;
    view.motion = local.motion;
    view.seated = local.seat !== '';
    view.wornModel = local.wearingModel;
    view.wornSlot = local.wearingSlot;
    view.avatarModel = local.avatarModel;
    view.figure = local.figure;
  }
  for (const remote of store.remotes.values()) {
    if (remote.count === 0) continue; // no position received yet
    const view = viewAt(count++);
    view.id = remote.id;
    view.body = remote.rendered;
    view.colorHex = remote.colorHex;
    view.look = remote.look;
    view.motion = remote.motion;
    view.seated = remote.seat !== '';
    view.wornModel = remote.wearingModel;
    view.wornSlot = remote.wearingSlot;
    view.avatarModel = remote.avatarModel;
    view.figure = remote.figure;
  }
  return renderer.draw(views, count, local !== null, camera, nowSeconds, dtSeconds);
}
