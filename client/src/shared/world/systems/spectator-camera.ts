/**
 * A spectator's camera (an embed watching with no avatar): it orbits a target point — set by the host
 * page's setCamera, or following a visitor with camera="follow" — with the same drag and wheel controls as
 * the third-person camera (camera-orbit.ts), turning slowly on its own unless the visitor prefers reduced
 * motion. The room is told where it looks (watch) when that moved far enough, so its area of interest
 * follows.
 */
import { Vector3, type Camera } from 'three';
import type { RemoteAvatar, WorldStore } from '../world-store.js';
import { orbit } from './camera-orbit.js';

/** Radians per second of the camera's own slow turn (one turn in 90 s). */
const AUTO_TURN_RATE = (Math.PI * 2) / 90;
/** Fraction of the remaining distance closed per second (exponential ease). */
const EASE_RATE = 4;
/** The room hears of a camera move of at least this many metres, at most every WATCH_EVERY_MS. */
const WATCH_MOVE_METRES = 4;
const WATCH_EVERY_MS = 250;

const wanted = new Vector3();
const looking = new Vector3();
const lastWatched = { x: Number.NaN, z: Number.NaN, at: 0 };

export type Spectator = NonNullable<WorldStore['spectator']>;

let reducedMotionQuery: MediaQueryList | null | undefined;
/** The visitor asked their system for less motion (read live: it may change while the page is open). */
function prefersReducedMotion(): boolean {
  if (reducedMotionQuery === undefined)
    reducedMotionQuery =
      typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null;
  return reducedMotionQuery?.matches ?? false;
}

/** Places the camera for this frame around the spectator's target. */
export function spectatorCamera(camera: Camera, spectator: Spectator, dtSeconds: number): void {
  const reducedMotion = prefersReducedMotion();
  if (spectator.autoTurn && !reducedMotion) orbit.yaw += AUTO_TURN_RATE * dtSeconds;
  const { target } = spectator;
  const flat = Math.cos(orbit.pitch) * orbit.distance;
  wanted.set(
    target.x - Math.sin(orbit.yaw) * flat,
    target.y + Math.sin(orbit.pitch) * orbit.distance,
    target.z - Math.cos(orbit.yaw) * flat,
  );
  const blend = reducedMotion ? 1 : 1 - Math.exp(-EASE_RATE * dtSeconds);
  camera.position.lerp(wanted, blend);
  looking.set(target.x, target.y, target.z);
  camera.lookAt(looking);
}

/** Follows one visitor (camera="follow"): the one followed so far while it stays, else the first seen. */
export function followTarget(
  spectator: Spectator,
  remotes: ReadonlyMap<string, RemoteAvatar>,
  followed: { id: string | null },
): void {
  let remote = followed.id ? remotes.get(followed.id) : undefined;
  if (!remote) {
    const first = remotes.entries().next();
    if (first.done) return;
    followed.id = first.value[0];
    remote = first.value[1];
  }
  spectator.target.x = remote.rendered.x;
  spectator.target.y = remote.rendered.y + 1.2;
  spectator.target.z = remote.rendered.z;
}

/** Whether the room should hear where the camera looks now (moved far enough, not too often). */
export function shouldWatch(target: { x: number; z: number }, now: number): boolean {
  const moved = Math.hypot(target.x - lastWatched.x, target.z - lastWatched.z);
  if (!(moved >= WATCH_MOVE_METRES || Number.isNaN(moved)) || now - lastWatched.at < WATCH_EVERY_MS)
    return false;
  lastWatched.x = target.x;
  lastWatched.z = target.z;
  lastWatched.at = now;
  return true;
}

/** Orbit values that put the camera at `position` looking at `target` (the host page's setCamera). */
export function orbitFor(
  position: { x: number; y: number; z: number },
  target: { x: number; y: number; z: number },
): void {
  const dx = position.x - target.x;
  const dy = position.y - target.y;
  const dz = position.z - target.z;
  const distance = Math.max(1, Math.hypot(dx, dy, dz));
  orbit.distance = distance;
  orbit.pitch = Math.asin(Math.max(-1, Math.min(1, dy / distance)));
  // The camera sits at target − (sin yaw, ·, cos yaw) × flat.
  orbit.yaw = Math.atan2(-dx, -dz);
}
