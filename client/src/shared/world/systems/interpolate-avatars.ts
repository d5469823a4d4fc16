/**
 * Remote avatars are drawn slightly in the past (INTERPOLATION_DELAY_MS) so there are always two received
 * snapshots to blend between; past the newest one they hold still rather than guess.
 */
import { SNAPSHOT_CAPACITY, type RemoteAvatar } from '../world-store.js';

/** How far behind real time remote avatars are drawn, in ms: two patches at 20 Hz. */
export const INTERPOLATION_DELAY_MS = 100;

function lerpAngle(a: number, b: number, t: number): number {
  let delta = (b - a) % (Math.PI * 2);
  if (delta > Math.PI) delta -= Math.PI * 2;
  if (delta < -Math.PI) delta += Math.PI * 2;
  return a + delta * t;
}

export function interpolateAvatar(avatar: RemoteAvatar, nowMs: number): void {
  if (avatar.count === 0) return;
  const renderAt = nowMs - INTERPOLATION_DELAY_MS;
  const out = avatar.rendered;
  // Walk from newest to oldest to find the pair that straddles renderAt.
  const newestIndex = (avatar.head - 1 + SNAPSHOT_CAPACITY) % SNAPSHOT_CAPACITY;
  let newer = avatar.snapshots[newestIndex]!;
  if (renderAt >= newer.t || avatar.count === 1) {
    out.x = newer.x;
    out.y = newer.y;
    out.z = newer.z;
    out.yaw = newer.yaw;
    return;
  }
  for (let i = 1; i < avatar.count; i++) {
    const older = avatar.snapshots[(newestIndex - i + SNAPSHOT_CAPACITY) % SNAPSHOT_CAPACITY]!;
    if (older.t <= renderAt) {
      const t = newer.t === older.t ? 1 : (renderAt - older.t) / (newer.t - older.t);
      out.x = older.x + (newer.x - older.x) * t;
      out.y = older.y + (newer.y - older.y) * t;
      out.z = older.z + (newer.z - older.z) * t;
      out.yaw = lerpAngle(older.yaw, newer.yaw, t);
      return;
    }
    newer = older;
  }
  // Older than everything kept: show the oldest.
  out.x = newer.x;
  out.y = newer.y;
  out.z = newer.z;
  out.yaw = newer.yaw;
}
