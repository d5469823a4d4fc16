import { describe, expect, it } from '@jest/globals';
import {
  GRAVITY,
  JUMP_SPEED,
  RUN_SPEED,
  STEP_SECONDS,
  WALK_SPEED,
  WORLD_HALF_EXTENT,
  airborne,
  bodyAt,
  step,
  type AvatarBody,
} from '../../protocol/index.js';

const body = (x = 0, z = 0): AvatarBody => bodyAt(x, z);

describe('step() jumping', () => {
  it('rises, peaks near JUMP_SPEED²/2g and lands back on the ground', () => {
    const b = body();
    step(b, { x: 0, z: 0, run: false, jump: true }, STEP_SECONDS);
    expect(b.y).toBeGreaterThan(0);
    let peak = b.y;
    let steps = 1;
    while (airborne(b) && steps < 100) {
      step(b, { x: 0, z: 0, run: false }, STEP_SECONDS);
      peak = Math.max(peak, b.y);
      steps++;
    }
    expect(b.y).toBe(0);
    expect(b.vy).toBe(0);
    expect(peak).toBeGreaterThan(0.7);
    expect(peak).toBeLessThanOrEqual((JUMP_SPEED * JUMP_SPEED) / (2 * GRAVITY));
    expect(steps).toBeGreaterThan(8); // about 0.6 s in the air at 20 Hz
    expect(steps).toBeLessThan(14);
  });

  it('cannot jump again in the air', () => {
    const b = body();
    step(b, { x: 0, z: 0, run: false, jump: true }, STEP_SECONDS);
    const vy = b.vy;
    step(b, { x: 0, z: 0, run: false, jump: true }, STEP_SECONDS);
    expect(b.vy).toBeCloseTo(vy - GRAVITY * STEP_SECONDS, 10);
  });

  it('moves horizontally at the same speed in the air', () => {
    const b = body();
    step(b, { x: 0, z: 1, run: true, jump: true }, STEP_SECONDS);
    step(b, { x: 0, z: 1, run: true }, STEP_SECONDS);
    expect(b.z).toBeCloseTo(2 * RUN_SPEED * STEP_SECONDS, 10);
  });
});

describe('step()', () => {
  it('walks forward at walking speed', () => {
    const b = step(body(), { x: 0, z: 1, run: false }, STEP_SECONDS);
    expect(b.z).toBeCloseTo(WALK_SPEED * STEP_SECONDS, 10);
    expect(b.x).toBe(0);
    expect(b.yaw).toBe(0);
  });

  it('runs at running speed and faces the direction of travel', () => {
    const b = step(body(), { x: 1, z: 0, run: true }, STEP_SECONDS);
    expect(b.x).toBeCloseTo(RUN_SPEED * STEP_SECONDS, 10);
    expect(b.yaw).toBeCloseTo(Math.PI / 2, 10);
  });

  it('does not move faster diagonally than straight', () => {
    const b = step(body(), { x: 1, z: 1, run: true }, STEP_SECONDS);
    expect(Math.hypot(b.x, b.z)).toBeCloseTo(RUN_SPEED * STEP_SECONDS, 10);
  });

  it('treats out-of-range or non-finite intent as bounded', () => {
    const huge = step(body(), { x: 1e9, z: 0, run: true }, STEP_SECONDS);
    expect(huge.x).toBeCloseTo(RUN_SPEED * STEP_SECONDS, 10);
    const nan = step(body(1, 1), { x: Number.NaN, z: Number.POSITIVE_INFINITY, run: false }, STEP_SECONDS);
    expect(nan).toEqual(bodyAt(1, 1));
  });

  it('keeps the avatar inside the world bounds', () => {
    const b = body(WORLD_HALF_EXTENT - 0.01, -WORLD_HALF_EXTENT + 0.01);
    for (let i = 0; i < 100; i++) step(b, { x: 1, z: -1, run: true }, STEP_SECONDS);
    expect(b.x).toBe(WORLD_HALF_EXTENT);
    expect(b.z).toBe(-WORLD_HALF_EXTENT);
  });

  it('leaves the body (and its facing) alone without intent', () => {
    const b = bodyAt(3, 4, 1.2);
    step(b, { x: 0, z: 0, run: true }, STEP_SECONDS);
    expect(b).toEqual(bodyAt(3, 4, 1.2));
  });

  it('is deterministic: the same inputs from the same start give the same result', () => {
    const inputs = Array.from({ length: 200 }, (_, i) => ({
      x: Math.sin(i * 0.37),
      z: Math.cos(i * 0.11),
      run: i % 3 === 0,
    }));
    const a = body(1, 2);
    const b = body(1, 2);
    for (const input of inputs) step(a, input, STEP_SECONDS);
    for (const input of inputs) step(b, input, STEP_SECONDS);
    expect(a).toEqual(b);
  });
});
