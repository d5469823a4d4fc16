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
export const airborne = (body: AvatarBody): boolean => body.y > 0 || body.vy !== 0;

/**
 * Advances `body` by one fixed step of `dt` seconds under `intent`.
 * Vertical: a jump starts only from the ground; gravity pulls the body back down to y = 0 (semi-implicit
 * Euler). Horizontal: the direction is clamped to unit length (a longer vector cannot move faster), the
 * speed is walk or run, and the result is kept inside the world bounds. Returns `body` for chaining.
 */
export function step(body: AvatarBody, intent: MoveIntent, dt: number): AvatarBody {
  if (intent.jump === true && body.y === 0 && body.vy === 0) body.vy = JUMP_SPEED;
  if (airborne(body)) {
    body.vy -= GRAVITY * dt;
    body.y = Math.min(MAX_HEIGHT, body.y + body.vy * dt);
    if (body.y <= 0) {
      body.y = 0;
      body.vy = 0;
    }
  }
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
