/**
 * Scene transforms: an entity's world transform from its parent chain, and the rotation helpers colliders
 * and spawn points need. Pure math; positions in metres, rotations as unit quaternions (x, y, z, w).
 */

import type { SceneDocumentInput, SceneEntityInput } from './scene.js';

/** What the resolver needs of an entity: its id beside its fields (as `sceneEntities()` lists them). */
type Placed = Pick<SceneEntityInput, 'parent' | 'transform'> & { id: string };

/** A resolved (world-space) transform. */
export interface WorldTransform {
  /** Position, metres. */
  p: [number, number, number];
  /** Rotation quaternion x, y, z, w. */
  q: [number, number, number, number];
  /** Scale. */
  s: [number, number, number];
}

/** Rotation about the vertical axis of a quaternion, radians (0 = facing +z, as avatars' yaw). */
export function yawOf(q: readonly [number, number, number, number]): number {
  const [x, y, z, w] = q;
  return Math.atan2(2 * (w * y + x * z), 1 - 2 * (y * y + x * x));
}

export function rotate(q: readonly number[], v: readonly [number, number, number]): [number, number, number] {
  const [qx = 0, qy = 0, qz = 0, qw = 1] = q;
  const [vx, vy, vz] = v;
  // v' = v + 2w(q × v) + 2 q × (q × v)
  const tx = 2 * (qy * vz - qz * vy);
  const ty = 2 * (qz * vx - qx * vz);
  const tz = 2 * (qx * vy - qy * vx);
  return [
    vx + qw * tx + (qy * tz - qz * ty),
    vy + qw * ty + (qz * tx - qx * tz),
    vz + qw * tz + (qx * ty - qy * tx),
  ];
}

/** `local` placed under `parent`: scale, then rotate, then translate. */
export function compose(parent: WorldTransform, local: WorldTransform): WorldTransform {
  const scaled: [number, number, number] = [
    local.p[0] * parent.s[0],
    local.p[1] * parent.s[1],
    local.p[2] * parent.s[2],
  ];
  const r = rotate(parent.q, scaled);
  const [ax, ay, az, aw] = parent.q;
  const [bx, by, bz, bw] = local.q;
  return {
    p: [parent.p[0] + r[0], parent.p[1] + r[1], parent.p[2] + r[2]],
    q: [
      aw * bx + ax * bw + ay * bz - az * by,
      aw * by - ax * bz + ay * bw + az * bx,
      aw * bz + ax * by - ay * bx + az * bw,
      aw * bw - ax * bx - ay * by - az * bz,
    ],
    s: [parent.s[0] * local.s[0], parent.s[1] * local.s[1], parent.s[2] * local.s[2]],
  };
}

/**
 * Resolves entities' world transforms through their parent chains, each once (memoised). A parent the scene
 * does not have counts as the world root (documents are validated before this runs).
 */
export function transformResolver(scene: SceneDocumentInput): (entity: Placed) => WorldTransform {
  const resolved = new Map<string, WorldTransform>();
  const transformOf = (entity: Placed): WorldTransform => {
    const known = resolved.get(entity.id);
    if (known) return known;
    const local: WorldTransform = {
      p: entity.transform.position,
      q: entity.transform.rotation ?? [0, 0, 0, 1],
      s: entity.transform.scale ?? [1, 1, 1],
    };
    const parent =
      entity.parent !== undefined && Object.hasOwn(scene.entities, entity.parent)
        ? { ...scene.entities[entity.parent]!, id: entity.parent }
        : undefined;
    const world = parent ? compose(transformOf(parent), local) : local;
    resolved.set(entity.id, world);
    return world;
  };
  return transformOf;
}

/**
 * The local transform that places `world` under `parent` (the inverse of `compose`): what an entity's
 * transform becomes when it moves to another parent and must stay where it is. Exact for uniform parent
 * scale; under a non-uniformly scaled, rotated parent no local TRS can reproduce a rotated child exactly,
 * and the position is still kept.
 */
export function relativeTo(parent: WorldTransform, world: WorldTransform): WorldTransform {
  const [px, py, pz, pw] = parent.q;
  const inverse: [number, number, number, number] = [-px, -py, -pz, pw];
  const offset = rotate(inverse, [
    world.p[0] - parent.p[0],
    world.p[1] - parent.p[1],
    world.p[2] - parent.p[2],
  ]);
  const [ax, ay, az, aw] = inverse;
  const [bx, by, bz, bw] = world.q;
  return {
    p: [offset[0] / parent.s[0], offset[1] / parent.s[1], offset[2] / parent.s[2]],
    q: [
      aw * bx + ax * bw + ay * bz - az * by,
      aw * by - ax * bz + ay * bw + az * bx,
      aw * bz + ax * by - ay * bx + az * bw,
      aw * bw - ax * bx - ay * by - az * bz,
    ],
    s: [world.s[0] / parent.s[0], world.s[1] / parent.s[1], world.s[2] / parent.s[2]],
  };
}
