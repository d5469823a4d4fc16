/**
 * Client-side prediction at the server's fixed step: every STEP_SECONDS of frame time becomes one input,
 * applied locally with the same `step()` the server runs and queued for sending. Standing still on the
 * ground, inputs with no intent are neither applied nor sent (they would change nothing); in the air every
 * step is sent, since the server advances a body only by its inputs.
 */
import {
  STEP_SECONDS,
  airborne,
  step,
  type MoveInput,
  type MoveIntent,
  type StaticWorld,
} from '../../../../../protocol/index.js';
import type { LocalAvatar } from '../world-store.js';
import { readIntent } from './keyboard.js';
import { steer } from './pointer-move.js';
import { toCameraFrame } from './camera-orbit.js';

/** Most steps caught up in one frame; after a long stall (hidden tab) the backlog is dropped instead. */
const MAX_CATCH_UP_STEPS = 4;
/** Most unacknowledged inputs kept; matches what the server buffers, so prediction never runs further ahead. */
const MAX_PENDING = 8;

const intent: MoveIntent = { x: 0, z: 0, run: false, jump: false };
let accumulator = 0;

export function predictLocalAvatar(
  local: LocalAvatar,
  world: StaticWorld,
  dtSeconds: number,
  outbox: MoveInput[],
): void {
  accumulator += dtSeconds;
  let steps = 0;
  while (accumulator >= STEP_SECONDS && steps < MAX_CATCH_UP_STEPS) {
    accumulator -= STEP_SECONDS;
    steps += 1;
    readIntent(intent);
    toCameraFrame(intent);
    steer(intent, local.predicted);
    // Seated, the avatar rests on its seat: only intent to move is sent (it stands the avatar up).
    const idle =
      intent.x === 0 &&
      intent.z === 0 &&
      !intent.jump &&
      (local.seat !== '' || !airborne(local.predicted, world));
    if (idle || local.pending.length >= MAX_PENDING) continue;
    // One small object per input sent (≤ 20 per second), not per frame; it lives in `pending` until acked.
    // eslint-disable-next-line no-restricted-syntax -- kept until acknowledged, so it cannot be a scratch object
    const input: MoveInput = { seq: local.nextSeq++, x: intent.x, z: intent.z, run: intent.run };
    if (intent.jump) input.jump = true;
    step(local.predicted, input, STEP_SECONDS, world);
    local.pending.push(input);
    outbox.push(input);
  }
  if (steps === MAX_CATCH_UP_STEPS) accumulator = 0;
}
