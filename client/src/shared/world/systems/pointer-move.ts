/**
 * Movement without a keyboard: click (or tap) on the ground to walk there, or drag the on-screen joystick
 * on touch screens. Both become the same movement intent the keys make, at the fixed step, so the server
 * sees ordinary inputs. Keys win over both; a key press cancels a click target.
 */
import { STEP_SECONDS, WALK_SPEED, type AvatarBody, type MoveIntent } from '../../../../../protocol/index.js';
import { toCameraFrame } from './camera-orbit.js';

/** Close enough to a click target to stop, in metres. */
const ARRIVED = 0.05;
/** A target with no progress for this many steps is dropped (a wall is in the way). */
const STUCK_STEPS = 20;
/** Joystick deflection (0–1) beyond which the avatar runs. */
const RUN_DEFLECTION = 0.9;

export const moveTarget = { active: false, x: 0, z: 0, best: Number.POSITIVE_INFINITY, stale: 0 };
const joystick = { active: false, x: 0, y: 0 };

/** Walk to (x, z) on the ground (a click or tap). */
export function setMoveTarget(x: number, z: number): void {
  moveTarget.active = true;
  moveTarget.x = x;
  moveTarget.z = z;
  moveTarget.best = Number.POSITIVE_INFINITY;
  moveTarget.stale = 0;
}

export function clearMoveTarget(): void {
  moveTarget.active = false;
}

/** The joystick's deflection: x to the screen's right, y to the screen's top, each −1 … 1 (or released). */
export function setJoystick(active: boolean, x = 0, y = 0): void {
  joystick.active = active;
  joystick.x = x;
  joystick.y = y;
  if (active) moveTarget.active = false;
}

/**
 * Fills `intent` from the joystick or the click target when the keys asked for no movement (keys cancel
 * the target). Called once per fixed step, after the keys were read.
 */
export function steer(intent: MoveIntent, body: AvatarBody): void {
  if (intent.x !== 0 || intent.z !== 0) {
    moveTarget.active = false;
    return;
  }
  if (joystick.active) {
    // Screen-relative (the top is forward, the right is −x), then turned to where the camera looks.
    intent.x = -joystick.x;
    intent.z = joystick.y;
    intent.run = intent.run || Math.hypot(joystick.x, joystick.y) > RUN_DEFLECTION;
    toCameraFrame(intent);
    return;
  }
  if (!moveTarget.active) return;
  const dx = moveTarget.x - body.x;
  const dz = moveTarget.z - body.z;
  const distance = Math.hypot(dx, dz);
  if (distance < ARRIVED) {
    moveTarget.active = false;
    return;
  }
  if (distance < moveTarget.best - 0.01) {
    moveTarget.best = distance;
    moveTarget.stale = 0;
  } else if (++moveTarget.stale > STUCK_STEPS) {
    moveTarget.active = false;
    return;
  }
  // Full speed until the last step, which is shortened to land on the target.
  const reach = WALK_SPEED * STEP_SECONDS;
  const scale = Math.min(1, distance / reach) / distance;
  intent.x = dx * scale;
  intent.z = dz * scale;
  intent.run = false;
}
