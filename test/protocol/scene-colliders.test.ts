import { describe, expect, it } from '@jest/globals';
import {
  AVATAR_RADIUS,
  RUN_SPEED,
  STEP_SECONDS,
  airborne,
  bodyAt,
  buildStaticWorld,
  overlapsFootprint,
  step,
  type SceneDocument,
  type SceneV1EntityInput,
} from '../../protocol/index.js';
import { fromV1 } from '../helpers/scene-v1.js';

const entity = (
  id: string,
  position: [number, number, number],
  components: SceneV1EntityInput['components'],
  extra: Partial<SceneV1EntityInput> = {},
): SceneV1EntityInput => ({
  id,
  transform: { position },
  components,
  ...extra,
});
const box = (half: [number, number, number]) => ({
  type: 'collider' as const,
  shape: { kind: 'box' as const, halfExtents: half },
});
const scene = (...entities: SceneV1EntityInput[]): SceneDocument => fromV1({ schema: 1, entities });
const run = { x: 0, z: 1, run: true };

/** A wall 10 cm thick and 3 m high across the z axis at z = 5. */
const wall = buildStaticWorld(scene(entity('wall', [0, 1.5, 5], [box([10, 1.5, 0.05])])));

describe('scene colliders in step()', () => {
  it('stops an avatar running into a thin wall at its face, never through it, never faster than run speed', () => {
    const body = bodyAt(0, 0);
    let previous = { x: body.x, z: body.z };
    for (let i = 0; i < 200; i++) {
      step(body, run, STEP_SECONDS, wall);
      expect(Math.hypot(body.x - previous.x, body.z - previous.z)).toBeLessThanOrEqual(
        RUN_SPEED * STEP_SECONDS + 1e-9,
      );
      previous = { x: body.x, z: body.z };
      expect(body.z).toBeLessThan(5 - 0.05 - AVATAR_RADIUS + 1e-5);
    }
    expect(body.z).toBeCloseTo(5 - 0.05 - AVATAR_RADIUS, 4);
  });

  it('slides along a wall when moving into it at an angle', () => {
    const body = bodyAt(0, 4.5);
    for (let i = 0; i < 20; i++) step(body, { x: 1, z: 1, run: false }, STEP_SECONDS, wall);
    expect(body.z).toBeCloseTo(5 - 0.05 - AVATAR_RADIUS, 4);
    expect(body.x).toBeGreaterThan(2); // kept moving sideways
  });

  it('never lets an avatar into a rotated box or a round collider, though it may slide around them', () => {
    const world = buildStaticWorld(
      scene(
        entity('diamond', [0, 1, 5], [box([1, 1, 1])], {
          transform: { position: [0, 1, 5], rotation: [0, Math.sin(Math.PI / 8), 0, Math.cos(Math.PI / 8)] },
        }),
        entity(
          'pillar',
          [10, 1, 5],
          [{ type: 'collider', shape: { kind: 'capsule', radius: 0.5, height: 2 } }],
        ),
        entity('ball', [20, 0.5, 5], [{ type: 'collider', shape: { kind: 'sphere', radius: 1 } }]),
      ),
    );
    for (const [index, x] of [0, 10, 20].entries()) {
      const obstacle = world.obstacles[index]!;
      const body = bodyAt(x, 0);
      let touched = false;
      for (let i = 0; i < 60; i++) {
        step(body, run, STEP_SECONDS, world);
        expect(overlapsFootprint(obstacle, body.x, body.z)).toBe(false);
        // Touching: one centimetre in some direction would overlap.
        touched ||= [
          [0.01, 0],
          [-0.01, 0],
          [0, 0.01],
          [0, -0.01],
        ].some(([dx, dz]) => overlapsFootprint(obstacle, body.x + dx!, body.z + dz!));
      }
      expect(touched).toBe(true); // it did reach the obstacle
    }
  });

  it('lets an avatar jump onto a box, stand on it, and fall back down when it walks off', () => {
    const world = buildStaticWorld(scene(entity('crate', [0, 0.4, 3], [box([1, 0.4, 1])])));
    const body = bodyAt(0, 1);
    // Walking into the 0.8 m crate is blocked.
    for (let i = 0; i < 20; i++) step(body, { x: 0, z: 1, run: false }, STEP_SECONDS, world);
    expect(body.z).toBeCloseTo(2 - AVATAR_RADIUS, 4);
    // Jump while pushing forward: lands on top.
    step(body, { x: 0, z: 1, run: false, jump: true }, STEP_SECONDS, world);
    for (let i = 0; i < 30; i++) step(body, { x: 0, z: 0.2, run: false }, STEP_SECONDS, world);
    expect(body.y).toBeCloseTo(0.8, 6);
    expect(body.z).toBeGreaterThan(2);
    expect(airborne(body, world)).toBe(false);
    // Walk off the far side: falls to the ground.
    for (let i = 0; i < 40; i++) step(body, { x: 0, z: 1, run: false }, STEP_SECONDS, world);
    expect(body.y).toBe(0);
    expect(body.vy).toBe(0);
    expect(body.z).toBeGreaterThan(4);
  });

  it('steps onto low platforms without jumping', () => {
    const world = buildStaticWorld(scene(entity('step', [0, 0.1, 3], [box([2, 0.1, 2])])));
    const body = bodyAt(0, 0);
    for (let i = 0; i < 20; i++) step(body, { x: 0, z: 1, run: false }, STEP_SECONDS, world);
    expect(body.y).toBeCloseTo(0.2, 9);
    expect(body.z).toBeGreaterThan(1.5);
  });

  it('places children relative to their parents, and reads spawn points, portals and unsupported colliders', () => {
    const world = buildStaticWorld(
      scene(
        entity('room', [10, 0, 0], [], {
          transform: { position: [10, 0, 0], rotation: [0, 0, 0, 1], scale: [2, 1, 2] },
        }),
        entity('door', [1, 1, 0], [box([0.5, 1, 0.1])], { parent: 'room' }),
        entity('start', [0, 0, -5], [{ type: 'spawn-point', name: 'start', default: true }]),
        entity('side', [3, 0, 3], [{ type: 'spawn-point', name: 'side', default: false }]),
        entity('gate', [0, 0, 8], [{ type: 'portal', spawn: 'side', radius: 1 }]),
        entity(
          'vault',
          [4, 0, 8],
          [
            {
              type: 'portal',
              spawn: 'side',
              radius: 1,
              key: { chainId: 1, contract: `0x${'ab'.repeat(20)}` },
            },
          ],
        ),
        entity('frame', [0, 2, 9], [{ type: 'nft-frame', open: true, size: [2, 1] }], {
          transform: { position: [0, 2, 9], rotation: [0, 1, 0, 0], scale: [1.5, 1, 1] },
        }),
        entity('statue', [0, 0, 0], [{ type: 'collider', shape: { kind: 'mesh', asset: 'a'.repeat(64) } }]),
      ),
    );
    expect(world.obstacles).toEqual([
      expect.objectContaining({ kind: 'box', cx: 12, cz: 0, hx: 1, hz: 0.2, bottom: 0, top: 2 }),
    ]);
    expect(world.defaultSpawn).toMatchObject({ name: 'start', x: 0, z: -5 });
    expect(world.spawns.map((s) => s.name)).toEqual(['start', 'side']);
    expect(world.portals).toEqual([
      { entity: 'gate', x: 0, y: 0, z: 8, radius: 1, world: undefined, spawn: 'side', locked: false },
      { entity: 'vault', x: 4, y: 0, z: 8, radius: 1, world: undefined, spawn: 'side', locked: true },
    ]);
    // A frame turned half a turn, stretched 1.5× in width.
    expect(world.frames).toEqual([
      {
        entity: 'frame',
        x: 0,
        y: 2,
        z: 9,
        yaw: expect.closeTo(Math.PI, 6),
        width: 3,
        height: 1,
        binding: undefined,
      },
    ]);
    expect(world.unsupported).toEqual(['statue']);
  });

  it('replays identically: the same inputs from the same start give the same result', () => {
    const world = buildStaticWorld(
      scene(
        entity('wall', [0, 1, 3], [box([0.5, 1, 0.5])]),
        entity('crate', [2, 0.3, 2], [box([0.5, 0.3, 0.5])]),
      ),
    );
    const inputs = Array.from({ length: 300 }, (_, i) => ({
      x: Math.sin(i / 7),
      z: Math.cos(i / 11),
      run: i % 3 === 0,
      jump: i % 17 === 0,
    }));
    const a = bodyAt(0, 0);
    const b = bodyAt(0, 0);
    for (const input of inputs) step(a, input, STEP_SECONDS, world);
    for (const input of inputs) step(b, input, STEP_SECONDS, world);
    expect(a).toEqual(b);
  });
});
