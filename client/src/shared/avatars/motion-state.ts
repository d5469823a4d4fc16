/**
 * Which motion each avatar plays, chosen every frame from how its drawn body moves (so remote avatars,
 * known only by position, animate the same as the local one): idle, walk, run, jump, or an emote it was
 * told to play. Plain numbers, updated in place (no allocation per frame).
 */
import { RUN_SPEED, WALK_SPEED, type AvatarBody, type Emote } from '../../../../protocol/index.js';
import { motionIndex, motionSeconds } from './avatar-motions.js';

export interface MotionState {
  /** Index into MOTIONS. */
  motion: number;
  /** When `motion` started, in seconds (performance.now() / 1000). */
  since: number;
  /** An emote playing until `emoteUntil` (seconds), or -1. */
  emote: number;
  emoteUntil: number;
  /** Smoothed horizontal and vertical speeds, in metres per second, and the body last seen. */
  speed: number;
  climb: number;
  lastX: number;
  lastY: number;
  lastZ: number;
  primed: boolean;
  /** Frame number when this avatar was last picked to draw as a skinned mesh. */
  nearFrame: number;
}

/** Above this horizontal speed an avatar walks; above RUN_THRESHOLD it runs (m/s). */
const WALK_THRESHOLD = 0.6;
const RUN_THRESHOLD = (WALK_SPEED + RUN_SPEED) / 2;
/** Vertical speed that means the avatar is in the air (m/s); walking up steps stays below it. */
const AIRBORNE_CLIMB = 1.5;
/** Fraction of a speed change taken per second (exponential smoothing against patchy updates). */
const SPEED_SMOOTHING = 12;

const IDLE = motionIndex('idle');
const WALK = motionIndex('walk');
const RUN = motionIndex('run');
const JUMP = motionIndex('jump');
const SIT = motionIndex('sit');

export function createMotionState(): MotionState {
  // eslint-disable-next-line no-restricted-syntax -- once per avatar, when it appears
  return {
    motion: IDLE,
    since: 0,
    emote: -1,
    emoteUntil: 0,
    speed: 0,
    climb: 0,
    lastX: 0,
    lastY: 0,
    lastZ: 0,
    primed: false,
    nearFrame: -1,
  };
}

/** Starts an emote now; moving cuts it short. */
export function playEmote(state: MotionState, emote: Emote, nowSeconds: number): void {
  state.emote = motionIndex(emote);
  state.emoteUntil = nowSeconds + motionSeconds(emote);
  state.motion = state.emote;
  state.since = nowSeconds;
}

/** `seated`: the avatar is on a seat (the room says so), where it sits unless an emote is playing. */
export function updateMotion(
  state: MotionState,
  body: AvatarBody,
  nowSeconds: number,
  dtSeconds: number,
  seated = false,
): void {
  if (!state.primed || dtSeconds <= 0) {
    state.lastX = body.x;
    state.lastY = body.y;
    state.lastZ = body.z;
    state.primed = true;
    return;
  }
  const dx = body.x - state.lastX;
  const dz = body.z - state.lastZ;
  const blend = 1 - Math.exp(-SPEED_SMOOTHING * dtSeconds);
  state.speed += (Math.sqrt(dx * dx + dz * dz) / dtSeconds - state.speed) * blend;
  state.climb += ((body.y - state.lastY) / dtSeconds - state.climb) * blend;
  state.lastX = body.x;
  state.lastY = body.y;
  state.lastZ = body.z;

  let next: number;
  if (seated) next = state.emote >= 0 && nowSeconds < state.emoteUntil ? state.emote : SIT;
  else if (Math.abs(state.climb) > AIRBORNE_CLIMB) next = JUMP;
  else if (state.speed > RUN_THRESHOLD) next = RUN;
  else if (state.speed > WALK_THRESHOLD) next = WALK;
  else if (state.emote >= 0 && nowSeconds < state.emoteUntil) next = state.emote;
  else next = IDLE;
  if (next !== state.motion) {
    // Moving or jumping cancels an emote for good.
    if (state.emote >= 0 && next !== state.emote) state.emote = -1;
    // The jump keeps playing through its landing rather than restarting on every bounce.
    if (!(state.motion === JUMP && next !== JUMP && nowSeconds - state.since < motionSeconds('jump') * 0.5)) {
      state.motion = next;
      state.since = nowSeconds;
    }
  }
}
