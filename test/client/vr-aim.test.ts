/**
 * VR's pure parts: where a controller's ray asks to teleport (the floor it meets, pulled back into reach)
 * and snap turning (one 30° turn per push of the stick, the direction the stick points).
 */
import { describe, expect, it } from '@jest/globals';
import { TELEPORT_RANGE } from '../../protocol/index.js';
import { aimAtFloor, yawAlong } from '../../client/src/apps/player/vr/teleport-aim.js';
import { SNAP_TURN, SnapTurn } from '../../client/src/apps/player/vr/snap-turn.js';

describe('aimAtFloor', () => {
  const feet = { x: 0, z: 0 };
  const out = { x: Number.NaN, z: Number.NaN };

  it('meets the floor where the ray comes down', () => {
    expect(aimAtFloor({ x: 0, y: 1.5, z: 0 }, { x: 0, y: -1, z: 2 }, feet, 0, out)).toBe(true);
    expect(out.x).toBeCloseTo(0, 10);
    expect(out.z).toBeCloseTo(3, 10);
    // On a stage 1 m up, the same ray lands nearer.
    expect(aimAtFloor({ x: 0, y: 2.5, z: 0 }, { x: 0, y: -1, z: 2 }, feet, 1, out)).toBe(true);
    expect(out.z).toBeCloseTo(3, 10);
  });

  it('pulls a far spot (or the horizon) back to the farthest in reach, in the same direction', () => {
    expect(aimAtFloor({ x: 0, y: 1.5, z: 0 }, { x: 3, y: -0.1, z: 4 }, feet, 0, out)).toBe(true);
    expect(Math.hypot(out.x, out.z)).toBeCloseTo(TELEPORT_RANGE, 10);
    expect(out.x / out.z).toBeCloseTo(3 / 4, 10);
    expect(aimAtFloor({ x: 0, y: 1.5, z: 0 }, { x: 1, y: -0.001, z: 0 }, feet, 0, out)).toBe(true);
    expect(out).toEqual({ x: TELEPORT_RANGE, z: 0 });
  });

  it('aims nowhere when the ray points up or level, or has no direction', () => {
    expect(aimAtFloor({ x: 0, y: 1.5, z: 0 }, { x: 0, y: 0.2, z: 1 }, feet, 0, out)).toBe(false);
    expect(aimAtFloor({ x: 0, y: 1.5, z: 0 }, { x: 0, y: 0, z: 1 }, feet, 0, out)).toBe(false);
    expect(aimAtFloor({ x: 0, y: 1.5, z: 0 }, { x: 0, y: 0, z: 0 }, feet, 0, out)).toBe(false);
    // Below the floor already (the ray would have to go back).
    expect(aimAtFloor({ x: 0, y: -0.5, z: 0 }, { x: 0, y: -1, z: 1 }, feet, 0, out)).toBe(false);
  });

  it('faces along a view direction as an avatar yaw (0 = +z)', () => {
    expect(yawAlong({ x: 0, y: -0.3, z: 1 })).toBeCloseTo(0, 10);
    expect(yawAlong({ x: 1, y: 0, z: 0 })).toBeCloseTo(Math.PI / 2, 10);
  });
});

describe('SnapTurn', () => {
  it('turns once per push, right is negative, and again only after the stick came back', () => {
    const turn = new SnapTurn();
    expect(turn.update(0.5)).toBe(0);
    expect(turn.update(0.9)).toBe(-SNAP_TURN);
    expect(turn.update(1)).toBe(0);
    expect(turn.update(0.5)).toBe(0); // not back yet
    expect(turn.update(0.1)).toBe(0);
    expect(turn.update(-0.8)).toBe(SNAP_TURN);
  });
});
