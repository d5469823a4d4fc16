/**
 * A studio benchmark's draft of N entities, as a creator's large world might be: 80 % models (cycling over
 * the uploaded bench:assets set), at most 8 lights, the rest voice zones, colliders and empty groups; groups
 * nest up to 6 deep and the rest hang under them or at the top; scattered over 160 × 160 m. Seeded, so every
 * run edits the same world.
 */
import { generateNKeysBetween } from 'fractional-indexing';
import { random } from '../assets/sample-models.js';
import {
  SCENE_SCHEMA_VERSION,
  type SceneDocumentInput,
  type SceneEntityInput,
} from '../../protocol/index.js';

export const MAX_DEPTH = 6;

export function generatedDraft(count: number, assets: readonly string[]): SceneDocumentInput {
  const next = random(count);
  const models = Math.round(count * 0.8);
  const lights = Math.min(8, count - models);
  const others = count - models - lights - 1; // one spawn point
  const groups = Math.max(0, Math.floor(others / 3));
  const keys = generateNKeysBetween(null, null, count);
  const entities: Record<string, SceneEntityInput> = {};
  const depth = new Map<string, number>();
  const groupIds: string[] = [];
  const scattered = (): [number, number, number] => [next() * 160 - 80, 0, next() * 160 - 80];
  const nearby = (): [number, number, number] => [next() * 8 - 4, 0, next() * 8 - 4];
  let n = 0;
  const add = (id: string, entity: Omit<SceneEntityInput, 'order' | 'transform'>, underGroups: boolean) => {
    // Under a group (not yet at the deepest level) two times in three, else at the top.
    const candidates = underGroups ? groupIds.filter((g) => depth.get(g)! < MAX_DEPTH - 1) : [];
    const parent =
      candidates.length > 0 && next() < 0.67 ? candidates[Math.floor(next() * candidates.length)] : undefined;
    depth.set(id, parent === undefined ? 0 : depth.get(parent)! + 1);
    entities[id] = {
      ...entity,
      ...(parent !== undefined && { parent }),
      order: keys[n++]!,
      transform: {
        position: parent === undefined ? scattered() : nearby(),
        rotation: [0, Math.sin(next()), 0, 1].map((v, i, q) => v / Math.hypot(...q)) as [
          number,
          number,
          number,
          number,
        ],
      },
    };
  };
  add(
    'spawn',
    { name: 'Spawn point', components: { 'spawn-point': { name: 'main', default: true } } },
    false,
  );
  for (let i = 0; i < groups; i += 1) {
    const id = `group-${i}`;
    add(id, { name: `Group ${i}`, components: {} }, true);
    groupIds.push(id);
  }
  for (let i = 0; i < models; i += 1)
    add(
      `model-${i}`,
      { name: `Model ${i}`, components: { model: { asset: assets[i % assets.length]! } } },
      true,
    );
  for (let i = 0; i < lights; i += 1)
    add(
      `light-${i}`,
      { name: `Lamp ${i}`, components: { light: { kind: 'point', intensity: 200, range: 15 } } },
      true,
    );
  const rest = count - n;
  for (let i = 0; i < rest; i += 1)
    add(
      `thing-${i}`,
      i % 2 === 0
        ? { name: `Zone ${i}`, components: { 'voice-zone': { mode: 'private', halfExtents: [3, 2, 3] } } }
        : {
            name: `Wall ${i}`,
            components: { collider: { shape: { kind: 'box', halfExtents: [2, 1.5, 0.2] } } },
          },
      true,
    );
  return { schema: SCENE_SCHEMA_VERSION, entities };
}
