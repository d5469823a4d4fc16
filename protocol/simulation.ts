import {
  EMPTY_WORLD,
  blocks,
  obstaclesNear,
  overlapsFootprint,
  pushOut,
  supportHeight,
  type StaticWorld,
} from './scene-colliders.js';

/**
 * The shared, deterministic avatar simulation. The room's fixed-step tick and the client's predictor run
 * exactly this code, so replaying the same inputs from the same start gives the same result on both sides.
 * Pure: no clocks, no randomness, no I/O, no allocation (bodies are mutated in place).
 */

/** Simulation and patch rate, in hertz. One client input drives exactly one step. */
export const TICK_HZ = 20;
/** Length of one fixed step, in seconds. */
export const STEP_SECONDS = 1 / TICK_HZ;
/** Walking speed, in metres per second. */
export const WALK_SPEED = 4;
/** Running speed, in metres per second. The most any avatar moves in one step is RUN_SPEED × STEP_SECONDS. */
export const RUN_SPEED = 7;
import { WORLD_HALF_EXTENT } from './world-bounds.js';

export { WORLD_HALF_EXTENT };
/** Downward acceleration, in metres per second squared. */
export const GRAVITY = 20;
/** Upward speed a jump starts with, in metres per second (peak ≈ JUMP_SPEED² / 2·GRAVITY = 0.9 m). */
export const JUMP_SPEED = 6;
/** Highest an avatar can be above the ground, in metres (what movement frames can carry). */
export const MAX_HEIGHT = 16;

/**
 * Where an avatar is (metres; y is height above the ground), which way it faces (radians, 0 = +z) and
 * its vertical speed (metres per second, up is positive).
 */
export interface AvatarBody {
  x: number;
  y: number;
  z: number;
  yaw: number;
  vy: number;
}

/** A body standing on the ground at (x, z). */
export const bodyAt = (x: number, z: number, yaw = 0): AvatarBody => ({ x, y: 0, z, yaw, vy: 0 });

/** One step's worth of intent from a client. Direction components are in [-1, 1]. */
export interface MoveIntent {
  /** Sideways intent (+x). */
  x: number;
  /** Forward intent (+z). */
  z: number;
  /** Run instead of walk. */
  run: boolean;
  /** Jump (only takes effect standing on the ground). */
  jump?: boolean;
}

const clamp = (value: number, min: number, max: number): number =>
  value < min ? min : value > max ? max : value;

/** Whether the body is in the air (then its client must keep sending inputs: one input = one step). */
export const airborne = (body: AvatarBody, world: StaticWorld = EMPTY_WORLD): boolean =>
  body.vy !== 0 || body.y > supportHeight(world, body.x, body.z, body.y);

/** Whether (x, z) is inside an obstacle that blocks the body and that the body itself is not inside now. */
function stuck(world: StaticWorld, x: number, z: number, body: AvatarBody): boolean {
  for (const index of obstaclesNear(world, x, z)) {
    const obstacle = world.obstacles[index]!;
    if (
      blocks(obstacle, body.y) &&
      overlapsFootprint(obstacle, x, z) &&
      !overlapsFootprint(obstacle, body.x, body.z)
    )
      return true;
  }
  return false;
}

/** Collision passes per step: a second pass settles corners where two obstacles meet. */
const COLLISION_PASSES = 2;
const corrected = { x: 0, z: 0 };

/**
 * Advances `body` by one fixed step of `dt` seconds under `intent`, among the scene's `world` obstacles.
 * Horizontal: the direction is clamped to unit length (a longer vector cannot move faster), the speed is
 * walk or run, the avatar is pushed out of obstacles it may not step onto, and kept inside the world
 * bounds. Vertical: a jump starts only when standing (on the ground or an obstacle); gravity pulls the body
 * down to what it stands on (semi-implicit Euler); low obstacles (≤ STEP_HEIGHT) are stepped onto.
 * Returns `body` for chaining.
 */
export function step(
  body: AvatarBody,
  intent: MoveIntent,
  dt: number,
  world: StaticWorld = EMPTY_WORLD,
): AvatarBody {
  if (intent.jump === true && body.vy === 0 && body.y === supportHeight(world, body.x, body.z, body.y))
    body.vy = JUMP_SPEED;
  const ix = Number.isFinite(intent.x) ? clamp(intent.x, -1, 1) : 0;
  const iz = Number.isFinite(intent.z) ? clamp(intent.z, -1, 1) : 0;
  const length = Math.hypot(ix, iz);
  if (length >= 1e-6) {
    const scale = (intent.run ? RUN_SPEED : WALK_SPEED) * dt * (length > 1 ? 1 / length : 1);
    let x = body.x + ix * scale;
    let z = body.z + iz * scale;
    for (let pass = 0; pass < COLLISION_PASSES; pass++)
      for (const index of obstaclesNear(world, x, z)) {
        const obstacle = world.obstacles[index]!;
        if (!blocks(obstacle, body.y) || !overlapsFootprint(obstacle, x, z)) continue;
        pushOut(obstacle, x, z, corrected);
        x = corrected.x;
        z = corrected.z;
      }
    x = clamp(x, -WORLD_HALF_EXTENT, WORLD_HALF_EXTENT);
    z = clamp(z, -WORLD_HALF_EXTENT, WORLD_HALF_EXTENT);
    // A push-out never carries an avatar farther than it could move, nor leaves it inside an obstacle it
    // was not already in (a corner the passes could not settle): then it stays where it was.
    const moved = Math.hypot(x - body.x, z - body.z);
    if (moved <= scale * length + 1e-9 && !stuck(world, x, z, body)) {
      body.x = x;
      body.z = z;
    }
    body.yaw = Math.atan2(ix, iz);
  }
  const support = supportHeight(world, body.x, body.z, body.y);
  if (body.vy !== 0 || body.y > support) {
    // Landing: on whatever was under the footprint at or below the feet before this step's fall, so a fast
    // fall cannot pass through a thin platform.
    const landing = support;
    body.vy -= GRAVITY * dt;
    body.y = Math.min(MAX_HEIGHT, body.y + body.vy * dt);
    if (body.y <= landing) {
      body.y = landing;
      body.vy = 0;
    }
  } else if (body.y < support) body.y = support; // stepped onto something low
  return body;
}
