/** Where carried items ride and where put-down items come to rest (shared by the room and the player). */
import { describe, expect, it } from '@jest/globals';
import {
  CARRY_DISTANCE,
  CARRY_HEIGHT,
  Item,
  bodyAt,
  buildStaticWorld,
  carriedPose,
  readItemPose,
  restingPose,
  writeItemPose,
} from '../../protocol/index.js';
import { fromV1 } from '../helpers/scene-v1.js';

const world = buildStaticWorld(
  fromV1({
    schema: 1,
    entities: [
      // A table (top 0.8 m) north of the origin and a wall (3 m) to the east.
      {
        id: 'table',
        transform: { position: [0, 0.4, 1.5] },
        components: [{ type: 'collider', shape: { kind: 'box', halfExtents: [1, 0.4, 0.5] } }],
      },
      {
        id: 'wall',
        transform: { position: [1.2, 1.5, -5] },
        components: [{ type: 'collider', shape: { kind: 'box', halfExtents: [0.1, 1.5, 3] } }],
      },
    ],
  }),
);

describe('movable item poses', () => {
  it('carries an item in front of its holder at hand height, facing the same way', () => {
    const body = bodyAt(2, 3, Math.PI / 2); // facing +x
    body.y = 0.5;
    const pose = carriedPose(body, { x: 0, y: 0, z: 0, yaw: 0 });
    expect(pose.x).toBeCloseTo(2 + CARRY_DISTANCE, 6);
    expect(pose.z).toBeCloseTo(3, 6);
    expect(pose.y).toBeCloseTo(0.5 + CARRY_HEIGHT, 6);
    expect(pose.yaw).toBe(Math.PI / 2);
  });

  it('puts an item down on the ground in the open, on a table top in front, at the feet before a wall', () => {
    expect(restingPose(bodyAt(-10, -10, 0), world)).toEqual({
      x: -10,
      y: 0,
      z: -10 + CARRY_DISTANCE,
      yaw: 0,
    });
    const atTable = restingPose(bodyAt(0, 0.6, 0), world); // facing +z, the table starts at z = 1
    expect(atTable.y).toBeCloseTo(0.8, 6);
    expect(atTable.z).toBeCloseTo(0.6 + CARRY_DISTANCE, 6);
    const atWall = restingPose(bodyAt(0.7, -5, Math.PI / 2), world); // facing the wall at x = 1.1
    expect(atWall).toEqual({ x: 0.7, y: 0, z: -5, yaw: Math.PI / 2 });
  });

  it('round-trips a pose through the quantised state within a few millimetres', () => {
    const item = new Item();
    writeItemPose(item, { x: -12.345, y: 1.25, z: 40.5, yaw: 1 });
    const pose = readItemPose(item);
    expect(Math.abs(pose.x - -12.345)).toBeLessThan(0.002);
    expect(Math.abs(pose.z - 40.5)).toBeLessThan(0.002);
    expect(Math.abs(pose.y - 1.25)).toBeLessThan(0.001);
    expect(Math.abs(pose.yaw - 1)).toBeLessThan(0.0002);
  });
});
