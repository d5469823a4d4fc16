/**
 * The player's one frame loop, run once per rendered frame before three.js draws. Order matters:
 *   1. network receive  — already applied by SDK callbacks between frames (world-connection.ts)
 *   2. predict           — local input at the fixed step, applied with protocol's step()
 *   3. interpolate       — remote avatars blended between received snapshots
 *   4. draw              — avatars (near ones skinned, the crowd instanced), camera, name tags
 *   5. stats             — frame time and renderer counters for window.__mib
 *   6. network send      — inputs produced this frame go out last, then an emote (1–6) and a use (E)
 */
import type { Camera, Object3D, WebGLRenderer } from 'three';
import { EMOTES, type MoveInput } from '../../../../protocol/index.js';
import type { AvatarRenderer } from '../avatars/avatar-renderer.js';
import type { WorldConnection } from '../net/world-connection.js';
import { drawAvatars } from './systems/draw-avatars.js';
import { followCamera } from './systems/follow-camera.js';
import { orbit } from './systems/camera-orbit.js';
import { interpolateAvatar } from './systems/interpolate-avatars.js';
import { takeEmote, takeUse } from './systems/keyboard.js';
import { predictLocalAvatar } from './systems/predict-local-avatar.js';
import { followTarget, shouldWatch, spectatorCamera } from './systems/spectator-camera.js';
import { nearestUsableItem } from './systems/use-nearest-item.js';
import { updateNameTags } from './systems/update-name-tags.js';
import type { WorldStore } from './world-store.js';
import { FIRST_FRAME_MARK } from './first-frame.js';

export interface FrameContext {
  store: WorldStore;
  connection: WorldConnection | null;
  avatars: AvatarRenderer;
  /** Scene geometry the camera must not look through (walls, models). */
  blockers: Object3D | null;
  camera: Camera;
  renderer: WebGLRenderer;
  nameTagLayer: HTMLElement | null;
}

/** Inputs produced this frame; emptied after sending (reused, never reallocated). */
const outbox: MoveInput[] = [];
/** Smoothing for the frame-time average (per frame). */
const STATS_SMOOTHING = 0.1;

export function runFrame(ctx: FrameContext, dtSeconds: number): void {
  const { store } = ctx;
  const now = performance.now();

  if (store.local && store.connection === 'joined')
    predictLocalAvatar(store.local, store.staticWorld, dtSeconds, outbox);
  for (const remote of store.remotes.values()) interpolateAvatar(remote, now);

  ctx.avatars.lodBias = store.settings.lodBias;
  const drawn = drawAvatars(store, ctx.avatars, ctx.camera, now / 1000, dtSeconds);
  if (store.local && !store.vr) {
    store.stats.cameraDistance = followCamera(ctx.camera, store.local.predicted, dtSeconds, ctx.blockers);
    store.stats.cameraYaw = orbit.yaw;
  } else if (store.spectator) {
    const spectator = store.spectator;
    if (spectator.follow) followTarget(spectator, store.remotes, spectator.followed);
    spectatorCamera(ctx.camera, spectator, dtSeconds);
    store.stats.cameraYaw = orbit.yaw;
    if (ctx.connection && shouldWatch(spectator.target, now)) ctx.connection.watch(spectator.target);
  }
  if (ctx.nameTagLayer) updateNameTags(store, ctx.nameTagLayer, ctx.camera);

  if (store.enteredAt === null && store.loading.progress >= 1) {
    store.enteredAt = now;
    performance.mark(FIRST_FRAME_MARK);
  }

  const stats = store.stats;
  const frameMs = dtSeconds * 1000;
  stats.frameMs = stats.frameMs === 0 ? frameMs : stats.frameMs + (frameMs - stats.frameMs) * STATS_SMOOTHING;
  stats.fps = stats.frameMs > 0 ? 1000 / stats.frameMs : 0;
  // Counters of the previous render (three resets them at the start of each render).
  stats.drawCalls = ctx.renderer.info.render.calls;
  stats.triangles = ctx.renderer.info.render.triangles;
  stats.avatars = drawn;
  stats.avatarDrawCalls = ctx.avatars.takeDrawCalls();
  stats.pixelRatio = ctx.renderer.getPixelRatio();

  if (ctx.connection && store.local) ctx.connection.updateVoice(store.local.predicted.yaw);
  if (ctx.connection) for (const input of outbox) ctx.connection.sendInput(input);
  outbox.length = 0;
  const emote = takeEmote();
  if (emote >= 0 && ctx.connection) ctx.connection.emote(EMOTES[emote]!);
  if (takeUse() && store.local && ctx.connection) {
    const item = nearestUsableItem(store.local, store.staticWorld, store.items, store.sessionId);
    if (item) ctx.connection.interact(item);
    // eslint-disable-next-line no-restricted-syntax -- on a key press, not per frame
    else store.notice = { text: 'Nothing to use within reach', until: now + 3_000 };
  }
}
