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
/** Half the side of the square walkable ground, in metres: positions stay within [-extent, extent]. */
export const WORLD_HALF_EXTENT = 64;

/** Where an avatar stands on the ground plane (metres) and which way it faces (radians, 0 = +z). */
export interface AvatarBody {
  x: number;
  z: number;
  yaw: number;
}

/** One step's worth of intent from a client. Direction components are in [-1, 1]. */
export interface MoveIntent {
  /** Sideways intent (+x). */
  x: number;
  /** Forward intent (+z). */
  z: number;
  /** Run instead of walk. */
  run: boolean;
}

const clamp = (value: number, min: number, max: number): number =>
  value < min ? min : value > max ? max : value;

/**
 * Advances `body` by one fixed step of `dt` seconds under `intent`.
 * The direction is clamped to unit length (a longer vector cannot move faster), the speed is walk or run,
 * and the result is kept inside the world bounds. Returns `body` for chaining.
 */
export function step(body: AvatarBody, intent: MoveIntent, dt: number): AvatarBody {
  const ix = Number.isFinite(intent.x) ? clamp(intent.x, -1, 1) : 0;
  const iz = Number.isFinite(intent.z) ? clamp(intent.z, -1, 1) : 0;
  const length = Math.hypot(ix, iz);
  if (length < 1e-6) return body;
  const scale = (intent.run ? RUN_SPEED : WALK_SPEED) * dt * (length > 1 ? 1 / length : 1);
  body.x = clamp(body.x + ix * scale, -WORLD_HALF_EXTENT, WORLD_HALF_EXTENT);
  body.z = clamp(body.z + iz * scale, -WORLD_HALF_EXTENT, WORLD_HALF_EXTENT);
  body.yaw = Math.atan2(ix, iz);
  return body;
}
