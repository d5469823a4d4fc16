/**
 * Movable items (scene interactables with action "grab"): where a carried item rides relative to its
 * holder, where it comes to rest when put down, and how its pose travels in the room state. Pure and
 * shared, so the room decides and the player draws with the same rules.
 */
import { blocks, obstaclesNear, overlapsFootprint, type StaticWorld } from './scene-colliders.js';
import type { AvatarBody } from './simulation.js';
import {
  dequantizeHeight,
  dequantizePosition,
  dequantizeYaw,
  quantizeHeight,
  quantizePosition,
  quantizeYaw,
} from './movement-frame.js';
import type { ItemView } from './state.js';

/** Where an item is: metres, yaw in radians (like an avatar body). */
export interface ItemPose {
  x: number;
  y: number;
  z: number;
  yaw: number;
}

/** How far in front of its holder's centre an item is carried and put down, in metres. */
export const CARRY_DISTANCE = 0.5;
/** Height above the holder's feet at which an item is carried, in metres. */
export const CARRY_HEIGHT = 1.0;

/** The pose of an item carried by `body`: in front of it at hand height, facing the same way. */
export function carriedPose(body: AvatarBody, out: ItemPose): ItemPose {
  out.x = body.x + Math.sin(body.yaw) * CARRY_DISTANCE;
  out.y = body.y + CARRY_HEIGHT;
  out.z = body.z + Math.cos(body.yaw) * CARRY_DISTANCE;
  out.yaw = body.yaw;
  return out;
}

/**
 * Where an item carried by `body` comes to rest when put down: on the ground or on the highest surface in
 * front of the holder that is no higher than its hands (a table), or at its feet when something taller (a
 * wall) stands there, so an item never ends up inside a collider.
 */
export function restingPose(body: AvatarBody, world: StaticWorld): ItemPose {
  const x = body.x + Math.sin(body.yaw) * CARRY_DISTANCE;
  const z = body.z + Math.cos(body.yaw) * CARRY_DISTANCE;
  const hands = body.y + CARRY_HEIGHT;
  let surface = 0;
  for (const index of obstaclesNear(world, x, z)) {
    const obstacle = world.obstacles[index]!;
    if (!overlapsFootprint(obstacle, x, z) || obstacle.bottom > hands) continue;
    if (obstacle.top > hands && blocks(obstacle, body.y))
      return { x: body.x, y: body.y, z: body.z, yaw: body.yaw };
    if (obstacle.top <= hands) surface = Math.max(surface, obstacle.top);
  }
  return { x, y: surface, z, yaw: body.yaw };
}

/** Writes a pose into an item's quantised state fields. */
export function writeItemPose(item: ItemView, pose: ItemPose): void {
  item.x = quantizePosition(pose.x);
  item.y = quantizeHeight(pose.y);
  item.z = quantizePosition(pose.z);
  item.yaw = quantizeYaw(pose.yaw);
}

/** Reads the pose an item's quantised state fields hold. */
export function readItemPose(item: ItemView): ItemPose {
  return {
    x: dequantizePosition(item.x),
    y: dequantizeHeight(item.y),
    z: dequantizePosition(item.z),
    yaw: dequantizeYaw(item.yaw),
  };
}
