/**
 * The starter scenes a new world can begin from (the studio's first run offers them; POST
 * /orgs/{org}/worlds takes `template`). Built only of components, no uploaded assets, so any server can
 * create them: the player draws spawn points, portals, signs, frames and lights itself, and the creator
 * furnishes the rest with their own models. Units: metres, radians; a sign or frame faces its local +z.
 */
import {
  SCENE_SCHEMA_VERSION,
  sceneDocumentSchema,
  type SceneDocument,
  type SceneEntityInput,
} from './scene.js';

export const SCENE_TEMPLATE_NAMES = ['blank', 'plaza', 'gallery'] as const;
export type SceneTemplateName = (typeof SCENE_TEMPLATE_NAMES)[number];

export interface SceneTemplate {
  name: SceneTemplateName;
  title: string;
  /** One sentence for the template picker. */
  summary: string;
}

export const SCENE_TEMPLATES: readonly SceneTemplate[] = [
  {
    name: 'plaza',
    title: 'Lit plaza',
    summary: 'An open square at golden hour: sky, sun and fill light, a spawn point and a welcome sign.',
  },
  {
    name: 'gallery',
    title: 'Gallery',
    summary: 'Six open NFT frames around a hall, a stage with its own voice zone, and a portal to the stage.',
  },
  { name: 'blank', title: 'Blank', summary: 'Only a spawn point: start from scratch.' },
];

/** Half a turn about the vertical axis: faces −z (back towards a spawn point at the origin). */
const FACING_BACK: [number, number, number, number] = [0, 1, 0, 0];

/** A rotation of `angle` radians about the vertical axis (0 = local +z stays +z). */
function yaw(angle: number): [number, number, number, number] {
  return [0, Math.sin(angle / 2), 0, Math.cos(angle / 2)];
}

/** The rotation that points local −z (where lights shine) from `from` towards `to`: yaw, then pitch. */
function aimed(from: readonly number[], to: readonly number[]): [number, number, number, number] {
  const d = [to[0]! - from[0]!, to[1]! - from[1]!, to[2]! - from[2]!];
  const length = Math.hypot(d[0]!, d[1]!, d[2]!);
  const pitch = Math.asin(d[1]! / length);
  const heading = Math.atan2(-d[0]!, -d[2]!);
  const [sy, cy, sp, cp] = [
    Math.sin(heading / 2),
    Math.cos(heading / 2),
    Math.sin(pitch / 2),
    Math.cos(pitch / 2),
  ];
  // yaw(heading) × pitch about x; `+ 0` turns −0 into 0, as stored JSON has it
  return [cy * sp + 0, sy * cp + 0, -sy * sp + 0, cy * cp + 0];
}

function lights(sun: string, fill: string): Record<string, SceneEntityInput> {
  return {
    environment: {
      name: 'Sky and fog',
      order: 'a0',
      transform: { position: [0, 0, 0] },
      components: { environment: { sky: '#9cc7e6', fog: { color: '#c9dceb', near: 40, far: 160 } } },
    },
    sun: {
      name: 'Sun',
      order: 'a1',
      // High in the south-west, shining down across the square (a light shines along its local −z).
      transform: { position: [-20, 25, -10], rotation: aimed([-20, 25, -10], [0, 0, 0]) },
      components: { light: { kind: 'directional', color: sun, intensity: 2.5 } },
    },
    fill: {
      name: 'Fill light',
      order: 'a2',
      transform: { position: [0, 10, 0] },
      components: { light: { kind: 'ambient', color: fill, intensity: 0.6 } },
    },
  };
}

function plaza(): Record<string, SceneEntityInput> {
  return {
    ...lights('#ffe2b8', '#b8cce0'),
    spawn: {
      name: 'Spawn point',
      order: 'a3',
      transform: { position: [0, 0, 0] },
      components: { 'spawn-point': { name: 'main', default: true } },
    },
    welcome: {
      name: 'Welcome sign',
      order: 'a4',
      transform: { position: [0, 2.4, 8], rotation: FACING_BACK },
      components: { text: { text: 'Welcome to the plaza', size: 0.5, color: '#fff6e0' } },
    },
    floor: {
      name: 'Plaza floor',
      order: 'a5',
      // A thin slab under the square: what visitors stand on when the creator raises the ground around it.
      transform: { position: [0, -0.05, 0] },
      components: { collider: { shape: { kind: 'box', halfExtents: [15, 0.05, 15] } } },
    },
  };
}

function gallery(): Record<string, SceneEntityInput> {
  const frames = Object.fromEntries(
    [0, 1, 2, 3, 4, 5].map((i) => {
      // On a half circle 9 m beyond the hall's centre, each turned to face it (a frame faces its +z).
      const angle = Math.PI * (-0.4 + (i * 0.8) / 5);
      return [
        `frame-${i + 1}`,
        {
          name: `Frame ${i + 1}`,
          parent: 'hall',
          order: `a${i}`,
          transform: {
            position: [9 * Math.sin(angle), 1.8, 9 * Math.cos(angle)],
            rotation: yaw(angle + Math.PI),
          },
          components: { 'nft-frame': { open: true, size: [1.6, 1.6] } },
        } satisfies SceneEntityInput,
      ];
    }),
  );
  return {
    ...lights('#fff1dc', '#d8d0c8'),
    entrance: {
      name: 'Entrance',
      order: 'a3',
      transform: { position: [0, 0, 0] },
      components: { 'spawn-point': { name: 'entrance', default: true } },
    },
    hall: {
      name: 'Hall',
      order: 'a4',
      transform: { position: [0, 0, 6] },
      components: { text: { text: 'Show a token you hold on any frame', size: 0.3 } },
    },
    ...frames,
    stage: {
      name: 'Stage',
      order: 'a5',
      transform: { position: [0, 0, 22] },
      components: {
        'voice-zone': { mode: 'stage', halfExtents: [5, 3, 3] },
        collider: { shape: { kind: 'box', halfExtents: [5, 0.3, 3] } },
      },
    },
    'stage-spot': {
      name: 'Stage spot',
      parent: 'stage',
      order: 'a0',
      transform: { position: [0, 6, 4], rotation: aimed([0, 6, 4], [0, 0, 0]) },
      components: { light: { kind: 'spot', intensity: 800, range: 20, angle: 0.6 } },
    },
    'stage-front': {
      name: 'In front of the stage',
      order: 'a6',
      transform: { position: [0, 0, 17], rotation: FACING_BACK },
      components: { 'spawn-point': { name: 'stage-front' } },
    },
    'stage-portal': {
      name: 'Portal to the stage',
      order: 'a7',
      transform: { position: [3, 0, 2] },
      components: { portal: { spawn: 'stage-front', radius: 1.2 } },
    },
    'stage-sign': {
      name: 'Stage sign',
      order: 'a8',
      transform: { position: [3, 2.2, 2.5], rotation: FACING_BACK },
      components: { text: { text: 'To the stage', size: 0.3 } },
    },
  };
}

/** A new copy of the template's scene (validated; defaults applied). */
export function templateScene(name: SceneTemplateName): SceneDocument {
  const entities: Record<string, SceneEntityInput> =
    name === 'plaza'
      ? plaza()
      : name === 'gallery'
        ? gallery()
        : {
            spawn: {
              name: 'Spawn point',
              order: 'a0',
              transform: { position: [0, 0, 0] },
              components: { 'spawn-point': { name: 'main', default: true } },
            },
          };
  return sceneDocumentSchema.parse({ schema: SCENE_SCHEMA_VERSION, entities });
}
