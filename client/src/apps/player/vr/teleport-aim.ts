/**
 * Where a controller's pointing ray asks to teleport: the ray meets the floor the avatar stands on, and a
 * spot beyond TELEPORT_RANGE is pulled back along the same direction to the farthest one in reach (so
 * pointing at the horizon aims as far as a teleport goes). Whether the avatar may land there is protocol's
 * decideTeleport, the room's own rule.
 */
import { TELEPORT_RANGE } from '../../../../../protocol/index.js';

export interface Point3 {
  x: number;
  y: number;
  z: number;
}

/** Below this downward slope (|dy| of a unit direction) the ray is taken as pointing at the horizon. */
const HORIZON = 0.02;

/**
 * The aimed spot on the plane y = `floorY` for a ray from `origin` along `direction` (need not be unit),
 * measured from `feet`; null when the ray points up. Written into `out`.
 */
export function aimAtFloor(
  origin: Readonly<Point3>,
  direction: Readonly<Point3>,
  feet: Readonly<{ x: number; z: number }>,
  floorY: number,
  out: { x: number; z: number },
): boolean {
  const length = Math.hypot(direction.x, direction.y, direction.z);
  if (length === 0) return false;
  const dy = direction.y / length;
  const flat = Math.hypot(direction.x, direction.z);
  if (dy >= 0 || flat === 0) return false;
  let x: number;
  let z: number;
  if (-dy < HORIZON) {
    x = origin.x + (direction.x / flat) * TELEPORT_RANGE * 2;
    z = origin.z + (direction.z / flat) * TELEPORT_RANGE * 2;
  } else {
    const t = (floorY - origin.y) / direction.y;
    if (t < 0) return false;
    x = origin.x + direction.x * t;
    z = origin.z + direction.z * t;
  }
  const distance = Math.hypot(x - feet.x, z - feet.z);
  if (distance > TELEPORT_RANGE) {
    const keep = TELEPORT_RANGE / distance;
    x = feet.x + (x - feet.x) * keep;
    z = feet.z + (z - feet.z) * keep;
  }
  out.x = x;
  out.z = z;
  return true;
}

/** The avatar yaw (radians, 0 = +z) that faces along a view direction's horizontal part. */
export const yawAlong = (direction: Readonly<Point3>): number => Math.atan2(direction.x, direction.z);
