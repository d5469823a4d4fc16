/**
 * The demo world's first published scene: something to try on first start without building anything — a
 * spawn point, a bench to sit on, a lever to pull, crates to carry around,
 * an open gallery frame where any visitor can show an NFT they hold, and a screen that shows whoever shares
 * their screen nearby (the demo world allows camera and screen share). No colliders near the spawn
 * point, so visitors move freely around it. It stands on a paved plaza in a lawn, lit by a park's HDR
 * environment (its sky too). With `furniture` (the assets the server made of the plaza's furniture, see
 * server/assets/demo-furnishing) the plaza is furnished: the bench and lever get their models, and lamp
 * posts, trees in planters, an arch and a fountain with two more benches stand around it, and a portal
 * takes visitors behind the fountain.
 */
import { SCENE_SCHEMA_VERSION, sceneDocumentSchema, type SceneDocument } from '../../protocol/index.js';

/** The furniture the demo plaza is furnished with (models made in code at the first start). */
export const DEMO_FURNITURE = [
  'bench',
  'lever',
  'crate',
  'lamp-post',
  'tree-planter',
  'arch',
  'fountain',
] as const;
export type DemoFurnitureName = (typeof DEMO_FURNITURE)[number];
/** Each piece's asset hash. */
export type DemoFurniture = Readonly<Record<DemoFurnitureName, string>>;

type Vec3 = [number, number, number];
type Quat = [number, number, number, number];
/** A quarter turn about the vertical axis: a piece facing +z then faces +x (QUARTER_LEFT: -x). */
const QUARTER_RIGHT: Quat = [0, Math.SQRT1_2, 0, Math.SQRT1_2];
const QUARTER_LEFT: Quat = [0, -Math.SQRT1_2, 0, Math.SQRT1_2];

/** The plaza's decoration: furniture with colliders where a visitor would bump into it. */
function furnishings(furniture: DemoFurniture): Record<string, unknown> {
  const entities: Record<string, unknown> = {};
  let order = 0;
  const add = (
    id: string,
    name: string,
    position: Vec3,
    components: Record<string, unknown>,
    rotation?: Quat,
  ) => {
    entities[id] = {
      name,
      order: `b${(order++).toString(36)}`,
      transform: rotation ? { position, rotation } : { position },
      components,
    };
  };
  const lamps: Vec3[] = [
    [-9, 0, 0],
    [9, 0, 0],
    [-9, 0, 12],
    [9, 0, 12],
  ];
  lamps.forEach((position, i) =>
    add(`lamp-post-${i + 1}`, `Lamp post ${i + 1}`, position, {
      model: { asset: furniture['lamp-post'] },
      collider: { shape: { kind: 'capsule', radius: 0.2, height: 3 } },
    }),
  );
  const trees: Vec3[] = [
    [-13, 0, -4],
    [13, 0, -4],
    [-13, 0, 7],
    [13, 0, 7],
    [-13, 0, 18],
    [13, 0, 18],
  ];
  trees.forEach((position, i) =>
    add(`tree-${i + 1}`, `Tree ${i + 1}`, position, {
      model: { asset: furniture['tree-planter'] },
      collider: { shape: { kind: 'box', halfExtents: [0.7, 0.5, 0.7] } },
    }),
  );
  add('arch', 'Arch', [0, 0, 14], { model: { asset: furniture.arch } });
  for (const side of [-1, 1])
    add(
      `arch-column-${side < 0 ? 'left' : 'right'}`,
      `Arch column (${side < 0 ? 'left' : 'right'})`,
      [side * 2.3, 0, 14],
      {
        collider: { shape: { kind: 'capsule', radius: 0.42, height: 3.5 } },
      },
    );
  add('fountain', 'Fountain', [0, 0, 19], {
    model: { asset: furniture.fountain },
    collider: { shape: { kind: 'capsule', radius: 2.2, height: 0.4 } },
  });
  add(
    'bench-2',
    'Bench by the fountain (west)',
    [-4.2, 0.45, 19],
    {
      model: { asset: furniture.bench },
      interactable: { action: 'sit', reach: 1.5 },
    },
    QUARTER_RIGHT,
  );
  add(
    'bench-3',
    'Bench by the fountain (east)',
    [4.2, 0.45, 19],
    {
      model: { asset: furniture.bench },
      interactable: { action: 'sit', reach: 1.5 },
    },
    QUARTER_LEFT,
  );
  // A portal by the western trees takes a visitor behind the fountain, looking back over the plaza.
  add('portal', 'Portal to the fountain', [-9, 0, 16], { portal: { spawn: 'fountain', radius: 1 } });
  add(
    'fountain-spawn',
    'Behind the fountain',
    [0, 0, 23.5],
    { 'spawn-point': { name: 'fountain' } },
    [0, 1, 0, 0],
  );
  return entities;
}

export function demoScene(furniture?: DemoFurniture): SceneDocument {
  const crates = Object.fromEntries(
    [0, 1, 2].map((i) => [
      `crate-${i + 1}`,
      {
        name: `Crate ${i + 1}`,
        order: `a${i + 3}`,
        transform: { position: [3 + i, 0, 8] as [number, number, number] },
        components: {
          interactable: { action: 'grab' as const, reach: 1.5 },
          ...(furniture ? { model: { asset: furniture.crate } } : {}),
        },
      },
    ]),
  );
  return sceneDocumentSchema.parse({
    schema: SCENE_SCHEMA_VERSION,
    entities: {
      sky: {
        name: 'Sky and light',
        order: 'a9',
        transform: { position: [0, 0, 0] },
        components: {
          environment: {
            sky: '#a8d0ff',
            hdri: 'park',
            fog: { color: '#cfdde8', near: 45, far: 170 },
          },
        },
      },
      lawn: {
        name: 'Lawn',
        order: 'aA',
        transform: { position: [0, 0, 0] },
        components: { ground: { pattern: 'grass', color: '#6f9a4c', tile: 2 } },
      },
      plaza: {
        name: 'Plaza',
        order: 'aB',
        transform: { position: [0, 0, 5] },
        components: { ground: { pattern: 'paving', color: '#c2b8a6', halfExtent: 16, tile: 1.5 } },
      },
      spawn: {
        name: 'Spawn point',
        order: 'a0',
        transform: { position: [0, 0, 0] },
        components: { 'spawn-point': { name: 'main', default: true } },
      },
      bench: {
        name: 'Bench',
        order: 'a1',
        // Furnished, facing the plaza's middle (+x); a seat's position is where its sitter sits.
        transform: furniture
          ? { position: [-6, 0.45, 6], rotation: QUARTER_RIGHT }
          : { position: [-6, 0.45, 6] },
        components: {
          interactable: { action: 'sit', reach: 1.5 },
          ...(furniture ? { model: { asset: furniture.bench } } : {}),
        },
      },
      lever: {
        name: 'Lever',
        order: 'a2',
        transform: furniture ? { position: [6, 0, 6], rotation: QUARTER_LEFT } : { position: [6, 0, 6] },
        components: {
          interactable: { action: 'trigger', reach: 1.5 },
          ...(furniture ? { model: { asset: furniture.lever } } : {}),
        },
      },
      ...crates,
      'gallery-frame': {
        name: 'Gallery frame',
        order: 'a6',
        // Turned to face the spawn point (a frame's picture faces its +z).
        transform: { position: [-4, 1.8, 10], rotation: [0, 1, 0, 0] },
        components: { 'nft-frame': { open: true, size: [1.5, 1.5] } },
      },
      welcome: {
        name: 'Welcome sign',
        order: 'a7',
        // Turned to face the spawn point, like the frame (a sign reads from its +z side).
        transform: { position: [0, 2.5, 10], rotation: [0, 1, 0, 0] },
        components: { text: { text: 'Welcome! WASD to walk, E to use things.' } },
      },
      'share-screen': {
        name: 'Share screen',
        order: 'a8',
        // Facing the spawn point too; its bottom edge (1.1 m) clears the crates below.
        transform: { position: [6.5, 2, 11], rotation: [0, 1, 0, 0] },
        components: { screen: { source: { kind: 'screen-share' }, size: [3.2, 1.8] } },
      },
      ...(furniture ? furnishings(furniture) : {}),
    },
  });
}
