/**
 * The editor's outlines of colliders and voice zones as one set of line segments with a colour per vertex:
 * one draw however many there are (a mesh each took a draw call each — hundreds in a large world).
 */
import { BufferGeometry, Color, Float32BufferAttribute } from 'three';
import type { StaticWorld } from '../../../../protocol/index.js';

const COLLIDER_COLOUR = '#00e5ff';
const ZONE_COLOURS = { private: '#ff9f1c', stage: '#2ec4b6', global: '#e71d36' } as const;
/** Segments of a cylinder's top and bottom circles. */
const CIRCLE_SEGMENTS = 16;

/** The world's collider and voice-zone outlines, built once per scene version. */
export function outlineGeometry(world: StaticWorld): BufferGeometry {
  const xyz: number[] = [];
  const rgb: number[] = [];
  const line = (a: readonly number[], b: readonly number[], colour: Color) => {
    xyz.push(a[0]!, a[1]!, a[2]!, b[0]!, b[1]!, b[2]!);
    rgb.push(colour.r, colour.g, colour.b, colour.r, colour.g, colour.b);
  };
  /** A box's 12 edges: centre, half extents, and a turn about the vertical (as three's rotation.y). */
  const box = (c: readonly number[], h: readonly number[], cos: number, sin: number, colour: Color) => {
    const corner = (i: number) => {
      const x = (i & 1 ? 1 : -1) * h[0]!;
      const y = (i & 2 ? 1 : -1) * h[1]!;
      const z = (i & 4 ? 1 : -1) * h[2]!;
      return [c[0]! + x * cos + z * sin, c[1]! + y, c[2]! - x * sin + z * cos];
    };
    for (const [a, b] of [
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
      [0, 2],
      [1, 3],
      [4, 6],
      [5, 7],
      [0, 4],
      [1, 5],
      [2, 6],
      [3, 7],
    ])
      line(corner(a!), corner(b!), colour);
  };
  const collider = new Color(COLLIDER_COLOUR);
  for (const o of world.obstacles) {
    const half = (o.top - o.bottom) / 2;
    const middle = o.bottom + half;
    if (o.kind === 'box') {
      const length = Math.hypot(o.cos, o.sin) || 1;
      box([o.cx, middle, o.cz], [o.hx, half, o.hz], o.cos / length, o.sin / length, collider);
      continue;
    }
    const at = (i: number, y: number) => {
      const turn = (i / CIRCLE_SEGMENTS) * Math.PI * 2;
      return [o.cx + Math.cos(turn) * o.r, y, o.cz + Math.sin(turn) * o.r];
    };
    for (let i = 0; i < CIRCLE_SEGMENTS; i += 1) {
      line(at(i, o.bottom), at(i + 1, o.bottom), collider);
      line(at(i, o.top), at(i + 1, o.top), collider);
      if (i % (CIRCLE_SEGMENTS / 4) === 0) line(at(i, o.bottom), at(i, o.top), collider);
    }
  }
  for (const zone of world.voiceZones)
    box(
      [zone.x, zone.y, zone.z],
      [zone.hx, zone.hy, zone.hz],
      Math.cos(zone.yaw),
      Math.sin(zone.yaw),
      new Color(ZONE_COLOURS[zone.mode]),
    );
  return new BufferGeometry()
    .setAttribute('position', new Float32BufferAttribute(xyz, 3))
    .setAttribute('color', new Float32BufferAttribute(rgb, 3));
}
