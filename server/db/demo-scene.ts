/**
 * The demo world's first published scene: something to try on first start without building anything — a
 * spawn point, a bench to sit on, a lever to pull, crates to carry around,
 * an open gallery frame where any visitor can show an NFT they hold, and a screen that shows whoever shares
 * their screen nearby (the demo world allows camera and screen share). No colliders near the spawn
 * point, so visitors (and the room benchmark's bots) move freely around it. It stands on a paved plaza in a
 * lawn, lit by a park's HDR environment (its sky too).
 */
import { SCENE_SCHEMA_VERSION, sceneDocumentSchema, type SceneDocument } from '../../protocol/index.js';

export function demoScene(): SceneDocument {
  const crates = Object.fromEntries(
    [0, 1, 2].map((i) => [
      `crate-${i + 1}`,
      {
        name: `Crate ${i + 1}`,
        order: `a${i + 3}`,
        transform: { position: [3 + i, 0, 8] as [number, number, number] },
        components: { interactable: { action: 'grab' as const, reach: 1.5 } },
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
        transform: { position: [-6, 0.45, 6] },
        components: { interactable: { action: 'sit', reach: 1.5 } },
      },
      lever: {
        name: 'Lever',
        order: 'a2',
        transform: { position: [6, 0, 6] },
        components: { interactable: { action: 'trigger', reach: 1.5 } },
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
    },
  });
}
