/**
 * A published scene as the simulation sees it: static obstacles an avatar cannot walk through and can stand
 * on, spawn points, and portals. Built once per scene version (server and client build the same thing from
 * the same document, so prediction matches the room). Pure.
 *
 * Shapes: boxes keep their yaw (rotation about the vertical axis; tilt is folded into the box's vertical
 * extent), spheres and capsules become upright cylinders. Mesh colliders need the asset's geometry, which
 * the simulation does not load: they are listed in `unsupported` and ignored.
 */
import { componentsOf, sceneEntities, type SceneDocumentInput } from './scene.js';
import { rotate, transformResolver, yawOf, type WorldTransform } from './scene-transforms.js';

/** Avatar collision radius, in metres. */
export const AVATAR_RADIUS = 0.35;
/** Avatar height, in metres: an obstacle whose bottom is above head height does not block. */
export const AVATAR_HEIGHT = 1.8;
/** Obstacle tops at most this far above the feet are stepped onto rather than blocking, in metres. */
export const STEP_HEIGHT = 0.3;
/** Push-outs leave this much clearance, so rounding cannot leave an avatar a hair inside, in metres. */
const SKIN = 1e-6;
/** Side of the cells obstacles are bucketed into for lookup, in metres. */
const CELL = 8;

/** An obstacle in world space. Box: centre, half extents along its own x/z axes, yaw as cos/sin. */
export type Obstacle =
  | {
      kind: 'box';
      cx: number;
      cz: number;
      hx: number;
      hz: number;
      cos: number;
      sin: number;
      bottom: number;
      top: number;
    }
  | { kind: 'cylinder'; cx: number; cz: number; r: number; bottom: number; top: number };

export interface SpawnPoint {
  name: string;
  x: number;
  y: number;
  z: number;
  yaw: number;
}

export interface Interactable {
  entity: string;
  action: 'sit' | 'grab' | 'trigger';
  x: number;
  y: number;
  z: number;
  yaw: number;
  /** How close (horizontally, from the avatar's centre) a visitor must be, in metres. */
  reach: number;
}

export interface Portal {
  entity: string;
  x: number;
  y: number;
  z: number;
  radius: number;
  /** Target world slug; undefined = this world. */
  world: string | undefined;
  spawn: string;
  /** Opens only with a key binding for it (see the portal component's `key`). */
  locked: boolean;
}

/** A scene voice zone: a box (half extents in metres) around its entity, turned by `yaw` about the up axis. */
export interface VoiceZone {
  entity: string;
  mode: 'private' | 'stage' | 'global';
  x: number;
  y: number;
  z: number;
  hx: number;
  hy: number;
  hz: number;
  yaw: number;
}

/** A scene nft-frame where it hangs: centre in metres, facing `yaw`, `width` × `height` metres (scaled). */
export interface FramePlacement {
  entity: string;
  x: number;
  y: number;
  z: number;
  yaw: number;
  width: number;
  height: number;
  /** Shows only this binding id, when set. */
  binding: string | undefined;
}

/** What the simulation needs from a scene, with obstacles bucketed by cell for quick lookup. */
export interface StaticWorld {
  obstacles: readonly Obstacle[];
  /** Obstacle indices per cell key, for obstacles whose reach (shape + avatar radius) touches the cell. */
  cells: ReadonlyMap<number, readonly number[]>;
  spawns: readonly SpawnPoint[];
  /** The default spawn point (marked default, else the first), if the scene has any. */
  defaultSpawn: SpawnPoint | undefined;
  portals: readonly Portal[];
  /** Items visitors can use, by entity id. */
  interactables: ReadonlyMap<string, Interactable>;
  /** Voice zones (who hears whom is decided by the room from these). */
  voiceZones: readonly VoiceZone[];
  /** nft-frames: what they show comes from the room state (bindings), where they hang from here. */
  frames: readonly FramePlacement[];
  /** Entity ids whose colliders the simulation cannot use (mesh colliders). */
  unsupported: readonly string[];
}

export const EMPTY_WORLD: StaticWorld = {
  obstacles: [],
  cells: new Map(),
  spawns: [],
  defaultSpawn: undefined,
  portals: [],
  interactables: new Map(),
  voiceZones: [],
  frames: [],
  unsupported: [],
};

const cellKey = (cx: number, cz: number): number => (cx + 32768) * 65536 + (cz + 32768);
const cellOf = (v: number): number => Math.floor(v / CELL);

/** Builds the simulation's view of a scene. */
export function buildStaticWorld(scene: SceneDocumentInput): StaticWorld {
  const transformOf = transformResolver(scene);

  const obstacles: Obstacle[] = [];
  const spawns: SpawnPoint[] = [];
  const portals: Portal[] = [];
  const unsupported: string[] = [];
  const interactables = new Map<string, Interactable>();
  const voiceZones: VoiceZone[] = [];
  const frames: FramePlacement[] = [];
  let defaultSpawn: SpawnPoint | undefined;
  for (const entity of sceneEntities(scene)) {
    for (const component of componentsOf(entity)) {
      if (component.type === 'collider') {
        const t = transformOf(entity);
        const shape = component.shape;
        if (shape.kind === 'box') obstacles.push(boxObstacle(t, shape.halfExtents));
        else if (shape.kind === 'sphere') {
          const r = shape.radius * Math.max(Math.abs(t.s[0]), Math.abs(t.s[2]));
          const ry = shape.radius * Math.abs(t.s[1]);
          obstacles.push({
            kind: 'cylinder',
            cx: t.p[0],
            cz: t.p[2],
            r,
            bottom: t.p[1] - ry,
            top: t.p[1] + ry,
          });
        } else if (shape.kind === 'capsule') {
          const r = shape.radius * Math.max(Math.abs(t.s[0]), Math.abs(t.s[2]));
          const half = (shape.height / 2 + shape.radius) * Math.abs(t.s[1]);
          obstacles.push({
            kind: 'cylinder',
            cx: t.p[0],
            cz: t.p[2],
            r,
            bottom: t.p[1] - half,
            top: t.p[1] + half,
          });
        } else unsupported.push(entity.id);
      } else if (component.type === 'spawn-point') {
        const t = transformOf(entity);
        const spawn = { name: component.name, x: t.p[0], y: Math.max(0, t.p[1]), z: t.p[2], yaw: yawOf(t.q) };
        spawns.push(spawn);
        if (component.default === true && !defaultSpawn) defaultSpawn = spawn;
      } else if (component.type === 'interactable') {
        const t = transformOf(entity);
        interactables.set(entity.id, {
          entity: entity.id,
          action: component.action,
          x: t.p[0],
          y: Math.max(0, t.p[1]),
          z: t.p[2],
          yaw: yawOf(t.q),
          reach: component.reach ?? 2,
        });
      } else if (component.type === 'voice-zone') {
        const t = transformOf(entity);
        const [hx, hy, hz] = component.halfExtents;
        voiceZones.push({
          entity: entity.id,
          mode: component.mode,
          x: t.p[0],
          y: t.p[1],
          z: t.p[2],
          hx: Math.abs(hx * t.s[0]),
          hy: Math.abs(hy * t.s[1]),
          hz: Math.abs(hz * t.s[2]),
          yaw: yawOf(t.q),
        });
      } else if (component.type === 'nft-frame') {
        const t = transformOf(entity);
        const [width, height] = component.size ?? [1, 1];
        frames.push({
          entity: entity.id,
          x: t.p[0],
          y: t.p[1],
          z: t.p[2],
          yaw: yawOf(t.q),
          width: width * Math.abs(t.s[0]),
          height: height * Math.abs(t.s[1]),
          binding: component.binding,
        });
      } else if (component.type === 'portal') {
        const t = transformOf(entity);
        portals.push({
          entity: entity.id,
          x: t.p[0],
          y: t.p[1],
          z: t.p[2],
          radius: component.radius ?? 1.5,
          world: component.world,
          spawn: component.spawn,
          locked: component.key !== undefined,
        });
      }
    }
  }
  const cells = new Map<number, number[]>();
  obstacles.forEach((obstacle, index) => {
    const reach = reachOf(obstacle) + AVATAR_RADIUS;
    for (let cx = cellOf(obstacle.cx - reach); cx <= cellOf(obstacle.cx + reach); cx++)
      for (let cz = cellOf(obstacle.cz - reach); cz <= cellOf(obstacle.cz + reach); cz++) {
        const key = cellKey(cx, cz);
        const list = cells.get(key);
        if (list) list.push(index);
        else cells.set(key, [index]);
      }
  });
  return {
    obstacles,
    cells,
    spawns,
    defaultSpawn: defaultSpawn ?? spawns[0],
    portals,
    interactables,
    voiceZones,
    frames,
    unsupported,
  };
}

/**
 * Height the avatar stands on at (x, z) with its feet at `y`: the highest obstacle top under its footprint
 * that is no more than STEP_HEIGHT above its feet, or the ground (0).
 */
export function supportHeight(world: StaticWorld, x: number, z: number, y: number): number {
  let support = 0;
  for (const index of obstaclesNear(world, x, z)) {
    const obstacle = world.obstacles[index]!;
    if (obstacle.top > support && obstacle.top <= y + STEP_HEIGHT && overlapsFootprint(obstacle, x, z))
      support = obstacle.top;
  }
  return support;
}

/** Whether the obstacle stands in the way of an avatar whose feet are at `y` (not steppable, not overhead). */
export function blocks(obstacle: Obstacle, y: number): boolean {
  return obstacle.top > y + STEP_HEIGHT && obstacle.bottom < y + AVATAR_HEIGHT;
}

/** The obstacles that may touch an avatar standing at (x, z). */
export function obstaclesNear(world: StaticWorld, x: number, z: number): readonly number[] {
  return world.cells.get(cellKey(cellOf(x), cellOf(z))) ?? NONE;
}
const NONE: readonly number[] = [];

/** Whether an avatar circle at (x, z) overlaps the obstacle's footprint. */
export function overlapsFootprint(obstacle: Obstacle, x: number, z: number): boolean {
  if (obstacle.kind === 'cylinder') {
    const r = obstacle.r + AVATAR_RADIUS;
    const dx = x - obstacle.cx;
    const dz = z - obstacle.cz;
    return dx * dx + dz * dz < r * r;
  }
  const { x: lx, z: lz } = toBoxLocal(obstacle, x, z);
  const qx = Math.max(-obstacle.hx, Math.min(obstacle.hx, lx));
  const qz = Math.max(-obstacle.hz, Math.min(obstacle.hz, lz));
  const dx = lx - qx;
  const dz = lz - qz;
  return dx * dx + dz * dz < AVATAR_RADIUS * AVATAR_RADIUS;
}

/**
 * Pushes an avatar circle at (x, z) out of the obstacle's footprint; returns the corrected position in
 * `out` (unchanged when not overlapping). Deterministic: ties break toward +x / +z.
 */
export function pushOut(obstacle: Obstacle, x: number, z: number, out: { x: number; z: number }): void {
  out.x = x;
  out.z = z;
  if (obstacle.kind === 'cylinder') {
    const reach = obstacle.r + AVATAR_RADIUS;
    const dx = x - obstacle.cx;
    const dz = z - obstacle.cz;
    const d2 = dx * dx + dz * dz;
    if (d2 >= reach * reach) return;
    const r = reach + SKIN;
    const d = Math.sqrt(d2);
    if (d < 1e-9) {
      out.x = obstacle.cx + r;
      return;
    }
    out.x = obstacle.cx + (dx / d) * r;
    out.z = obstacle.cz + (dz / d) * r;
    return;
  }
  const { x: lx, z: lz } = toBoxLocal(obstacle, x, z);
  const inside = Math.abs(lx) <= obstacle.hx && Math.abs(lz) <= obstacle.hz;
  let nx: number;
  let nz: number;
  if (inside) {
    // Leave through the nearest face.
    const px = obstacle.hx - Math.abs(lx);
    const pz = obstacle.hz - Math.abs(lz);
    if (px <= pz) {
      nx = (lx >= 0 ? 1 : -1) * (obstacle.hx + AVATAR_RADIUS + SKIN);
      nz = lz;
    } else {
      nx = lx;
      nz = (lz >= 0 ? 1 : -1) * (obstacle.hz + AVATAR_RADIUS + SKIN);
    }
  } else {
    const qx = Math.max(-obstacle.hx, Math.min(obstacle.hx, lx));
    const qz = Math.max(-obstacle.hz, Math.min(obstacle.hz, lz));
    const dx = lx - qx;
    const dz = lz - qz;
    const d2 = dx * dx + dz * dz;
    if (d2 >= AVATAR_RADIUS * AVATAR_RADIUS) return;
    const d = Math.sqrt(d2);
    nx = qx + (dx / d) * (AVATAR_RADIUS + SKIN);
    nz = qz + (dz / d) * (AVATAR_RADIUS + SKIN);
  }
  // Back to world space.
  out.x = obstacle.cx + nx * obstacle.cos + nz * obstacle.sin;
  out.z = obstacle.cz - nx * obstacle.sin + nz * obstacle.cos;
}

/** Scratch for box-local coordinates: the per-step functions allocate nothing. */
const local = { x: 0, z: 0 };

function toBoxLocal(box: Extract<Obstacle, { kind: 'box' }>, x: number, z: number): typeof local {
  const dx = x - box.cx;
  const dz = z - box.cz;
  local.x = dx * box.cos - dz * box.sin;
  local.z = dx * box.sin + dz * box.cos;
  return local;
}

function reachOf(obstacle: Obstacle): number {
  return obstacle.kind === 'cylinder' ? obstacle.r : Math.hypot(obstacle.hx, obstacle.hz);
}

function boxObstacle(t: WorldTransform, half: readonly [number, number, number]): Obstacle {
  const yaw = yawOf(t.q);
  const hx = Math.abs(half[0] * t.s[0]);
  const hy = Math.abs(half[1] * t.s[1]);
  const hz = Math.abs(half[2] * t.s[2]);
  // Vertical extent of the (possibly tilted) box: project its half extents on the world's up axis.
  const [ux, uy, uz] = rotate(t.q, [0, 1, 0]);
  const vertical = Math.abs(ux) * hx + Math.abs(uy) * hy + Math.abs(uz) * hz;
  return {
    kind: 'box',
    cx: t.p[0],
    cz: t.p[2],
    hx,
    hz,
    cos: Math.cos(yaw),
    sin: Math.sin(yaw),
    bottom: t.p[1] - vertical,
    top: t.p[1] + vertical,
  };
}
