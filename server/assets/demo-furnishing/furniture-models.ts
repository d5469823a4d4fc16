/**
 * The demo plaza's furniture, made in code (mesh-builder.ts) so a fresh installation has a furnished world
 * with nothing downloaded: a park bench, a lever on a plinth, a crate, a lamp post, a planter with a tree,
 * an arch and a fountain. Each model's origin is where its entity stands (the bench's: the top of its
 * seat, where a sitter is placed; the crate's: the middle of its bottom); each faces +z. Sizes in metres.
 */
import type { DemoFurnitureName } from '../../db/index.js';
import { MeshBuilder, type MaterialLook } from './mesh-builder.js';

const LOOKS = {
  wood: { color: '#9a6a3c', roughness: 0.75 },
  iron: { color: '#2e3338', roughness: 0.45, metalness: 0.7 },
  stone: { color: '#d8cfbf', roughness: 0.9 },
  darkStone: { color: '#a79d8d', roughness: 0.9 },
  bark: { color: '#6b4a2f', roughness: 0.95 },
  leaves: { color: '#4f8a3a', roughness: 0.85 },
  leavesLight: { color: '#6fa84a', roughness: 0.85 },
  glow: { color: '#fff4d6', roughness: 0.3, emissive: '#ffe2a0' },
  water: { color: '#3f86b8', roughness: 0.08, metalness: 0.1 },
  lever: { color: '#d94a3a', roughness: 0.4, metalness: 0.2 },
  brass: { color: '#c89b3c', roughness: 0.35, metalness: 0.9 },
} satisfies Record<string, MaterialLook>;

/** 1.6 m long; its seat's top is the origin (a seat entity's position is where the sitter sits). */
function bench(): MeshBuilder {
  const m = new MeshBuilder(LOOKS);
  for (const z of [-0.17, 0, 0.17]) m.box('wood', [0, -0.02, z], [1.6, 0.04, 0.14]);
  for (const y of [0.2, 0.38]) m.box('wood', [0, y, -0.29], [1.6, 0.12, 0.035]);
  for (const x of [-0.68, 0.68]) {
    m.box('iron', [x, -0.24, 0.16], [0.06, 0.42, 0.06]); // front leg
    m.box('iron', [x, -0.03, -0.28], [0.06, 0.84, 0.06]); // back leg and backrest post
    m.box('iron', [x, -0.06, -0.05], [0.05, 0.04, 0.5]); // seat rail
    m.box('iron', [x, 0.2, 0.02], [0.05, 0.04, 0.5]); // armrest
    m.box('iron', [x, 0.09, 0.24], [0.05, 0.22, 0.05]); // armrest post
  }
  return m;
}

/** A lever in a slot on a stone plinth, leaning forward. */
function lever(): MeshBuilder {
  const m = new MeshBuilder(LOOKS);
  m.box('darkStone', [0, 0.45, 0], [0.5, 0.9, 0.5]);
  m.box('iron', [0, 0.92, 0], [0.36, 0.04, 0.36]);
  m.box('iron', [0, 0.945, 0], [0.08, 0.02, 0.26]);
  const tilt = 0.45; // radians from upright, towards +z
  const steps = 6;
  for (let i = 0; i < steps; i++) {
    const at = 0.06 + (i / steps) * 0.5;
    m.box('iron', [0, 0.95 + Math.cos(tilt) * at, Math.sin(tilt) * at], [0.05, 0.5 / steps + 0.01, 0.05]);
  }
  m.ball('lever', [0, 0.95 + Math.cos(tilt) * 0.6, Math.sin(tilt) * 0.6], 0.08);
  return m;
}

/** A wooden crate 0.4 m on a side (a movable item: its origin is the middle of its bottom). */
function crate(): MeshBuilder {
  const m = new MeshBuilder(LOOKS);
  const side = 0.4;
  const bar = 0.045;
  m.box('wood', [0, side / 2, 0], [side - 0.02, side - 0.02, side - 0.02]);
  // A darker frame along its twelve edges.
  for (const [a, b] of [
    [-1, -1],
    [-1, 1],
    [1, -1],
    [1, 1],
  ] as const) {
    const at = side / 2 - bar / 2;
    m.box('bark', [a * at, side / 2, b * at], [bar, side, bar]);
    m.box('bark', [0, side / 2 + a * at, b * at], [side, bar, bar]);
    m.box('bark', [a * at, side / 2 + b * at, 0], [bar, bar, side]);
  }
  return m;
}

/** A 3.4 m iron lamp post with a glowing globe. */
function lampPost(): MeshBuilder {
  const m = new MeshBuilder(LOOKS);
  m.cylinder('iron', 0, 0, 0, 0.25, 0.2, 0.16, 12);
  m.cylinder('iron', 0, 0, 0.25, 3.0, 0.07, 0.05, 12);
  m.cylinder('iron', 0, 0, 3.0, 3.08, 0.14, 0.14, 12);
  m.ball('glow', [0, 3.25, 0], 0.2);
  m.cylinder('iron', 0, 0, 3.42, 3.5, 0.12, 0.02, 12);
  return m;
}

/** A stone planter 1.4 m square with a round-crowned tree (4.6 m). */
function treePlanter(): MeshBuilder {
  const m = new MeshBuilder(LOOKS);
  m.box('stone', [0, 0.25, 0.66], [1.4, 0.5, 0.08]);
  m.box('stone', [0, 0.25, -0.66], [1.4, 0.5, 0.08]);
  m.box('stone', [0.66, 0.25, 0], [0.08, 0.5, 1.24]);
  m.box('stone', [-0.66, 0.25, 0], [0.08, 0.5, 1.24]);
  m.box('bark', [0, 0.42, 0], [1.24, 0.04, 1.24]); // soil
  m.cylinder('bark', 0, 0, 0.44, 2.6, 0.13, 0.08, 10);
  m.ball('leaves', [0, 3.3, 0], 1.25, [1, 0.85, 1]);
  m.ball('leavesLight', [0.55, 2.75, 0.35], 0.75);
  m.ball('leaves', [-0.5, 2.8, -0.3], 0.7);
  m.ball('leavesLight', [0.05, 4.05, -0.15], 0.6);
  return m;
}

/** A stone arch 4 m wide inside, 4.2 m tall, to walk through. */
function arch(): MeshBuilder {
  const m = new MeshBuilder(LOOKS);
  for (const x of [-2.3, 2.3]) {
    m.box('darkStone', [x, 0.15, 0], [0.8, 0.3, 0.8]);
    m.cylinder('stone', x, 0, 0.3, 3.6, 0.28, 0.24, 16);
    m.box('darkStone', [x, 3.7, 0], [0.7, 0.2, 0.7]);
  }
  m.box('stone', [0, 4.0, 0], [5.6, 0.4, 0.7]);
  m.box('darkStone', [0, 4.25, 0], [5.9, 0.1, 0.8]);
  return m;
}

/** A round fountain 4.4 m across: a stone rim, water, and a two-tier column. */
function fountain(): MeshBuilder {
  const m = new MeshBuilder(LOOKS);
  m.ring('stone', 0, 0, 0, 0.55, 1.95, 2.2, 40);
  m.disc('water', 0, 0, 0.4, 1.96, 1, 40);
  m.cylinder('darkStone', 0, 0, 0.4, 1.3, 0.3, 0.22, 16);
  m.cylinder('stone', 0, 0, 1.3, 1.42, 0.9, 0.9, 24);
  m.disc('water', 0, 0, 1.43, 0.8, 1, 24);
  m.cylinder('darkStone', 0, 0, 1.42, 2.1, 0.14, 0.1, 12);
  m.cylinder('stone', 0, 0, 2.1, 2.2, 0.45, 0.45, 16);
  m.ball('water', [0, 2.32, 0], 0.18);
  return m;
}

const BUILDERS: Record<DemoFurnitureName, () => MeshBuilder> = {
  bench,
  lever,
  crate,
  'lamp-post': lampPost,
  'tree-planter': treePlanter,
  arch,
  fountain,
};

/** The named piece as a GLB (deterministic bytes). */
export function furnitureGlb(name: DemoFurnitureName): Promise<Uint8Array> {
  return BUILDERS[name]().glb(name);
}
