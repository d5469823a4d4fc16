/**
 * Teleporting (VR's way of moving without motion sickness), decided the same way by the room and by the
 * player's aiming preview: the target must be within TELEPORT_RANGE of the avatar, inside the world, on
 * ground or a top the avatar could stand on (at most TELEPORT_CLIMB above its feet), not inside anything,
 * and in sight — nothing taller than the avatar's eyes between here and there, so a teleport never passes a
 * wall (or a locked portal's walls) that walking could not.
 */
import type { AvatarBody } from './simulation.js';
import {
  AVATAR_HEIGHT,
  STEP_HEIGHT,
  blocks,
  obstaclesNear,
  overlapsFootprint,
  type StaticWorld,
} from './scene-colliders.js';
import { WORLD_HALF_EXTENT } from './world-bounds.js';

/** Farthest a teleport reaches, horizontally, in metres. */
export const TELEPORT_RANGE = 10;
/** Highest top above the avatar's feet a teleport may land on (a stage, a platform), in metres. */
export const TELEPORT_CLIMB = 2;
/** Eye height: an obstacle whose top is above it, between here and the target, is in the way. */
const EYE_HEIGHT = AVATAR_HEIGHT - 0.2;
/** Spacing of the line-of-sight samples, in metres. */
const SIGHT_STEP = 0.25;

export interface TeleportTarget {
  x: number;
  z: number;
  yaw: number;
}

export type TeleportOutcome = { kind: 'teleport'; to: AvatarBody } | { kind: 'refused'; reason: string };

/** Where an avatar at `body` lands teleporting to `target`, or why it cannot. */
export function decideTeleport(
  world: StaticWorld,
  body: AvatarBody,
  target: TeleportTarget,
): TeleportOutcome {
  const { x, z } = target;
  if (!Number.isFinite(x) || !Number.isFinite(z) || !Number.isFinite(target.yaw))
    return { kind: 'refused', reason: 'the teleport target is not a point; aim at the ground' };
  const distance = Math.hypot(x - body.x, z - body.z);
  if (distance > TELEPORT_RANGE)
    return {
      kind: 'refused',
      reason: `that spot is ${distance.toFixed(1)} m away; a teleport reaches ${TELEPORT_RANGE} m`,
    };
  if (Math.abs(x) > WORLD_HALF_EXTENT || Math.abs(z) > WORLD_HALF_EXTENT)
    return { kind: 'refused', reason: 'that spot is outside the world; aim inside it' };
  // The highest top under the footprint the avatar may climb onto, else the ground.
  let y = 0;
  for (const index of obstaclesNear(world, x, z)) {
    const obstacle = world.obstacles[index]!;
    if (obstacle.top > y && obstacle.top <= body.y + TELEPORT_CLIMB && overlapsFootprint(obstacle, x, z))
      y = obstacle.top;
  }
  for (const index of obstaclesNear(world, x, z)) {
    const obstacle = world.obstacles[index]!;
    if (blocks(obstacle, y) && overlapsFootprint(obstacle, x, z))
      return { kind: 'refused', reason: 'something stands there; aim at open ground' };
  }
  const samples = Math.ceil(distance / SIGHT_STEP);
  for (let i = 1; i < samples; i += 1) {
    const sx = body.x + ((x - body.x) * i) / samples;
    const sz = body.z + ((z - body.z) * i) / samples;
    for (const index of obstaclesNear(world, sx, sz)) {
      const obstacle = world.obstacles[index]!;
      const eyes = Math.max(body.y, y) + EYE_HEIGHT;
      if (obstacle.top > eyes && obstacle.bottom < eyes - STEP_HEIGHT && overlapsFootprint(obstacle, sx, sz))
        return { kind: 'refused', reason: 'something tall is in the way; aim at a spot you can see' };
    }
  }
  const yaw = Math.atan2(Math.sin(target.yaw), Math.cos(target.yaw));
  return { kind: 'teleport', to: { x, y, z, yaw, vy: 0 } };
}
