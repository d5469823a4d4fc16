/**
 * bench:collab's edits: what an editor does five times a second, the same for the live editors and the
 * REST baseline. Half of them land on a hot set of ten entities (renames, moves, reparents among the hot
 * ones — cycles included — so editors collide); the rest on the cold thousand, a fifth of those on a doomed
 * pool that editors also delete (a delete against someone's edit). Every rename and move carries a unique
 * marker (a name, or a position's x), so the checker can tell afterwards whether it survived.
 */
import type { Operation } from 'fast-json-patch';
import type { SceneDocument } from '../../protocol/index.js';

export { random as seeded } from '../shared/random.js';

export const HOT = Array.from({ length: 10 }, (_, i) => `hot-${i}`);
/** Cold entities the editors also delete (a delete-versus-edit conflict now and then). */
export const DOOMED = 200;

/** The draft every run starts from: `count` entities, the hot ten first, each a root. */
export function benchDraft(count: number): SceneDocument {
  const entities: SceneDocument['entities'] = {};
  const ids = [...HOT, ...Array.from({ length: count - HOT.length }, (_, i) => `cold-${i}`)];
  ids.forEach((id, i) => {
    entities[id] = {
      name: id,
      order: `a${i.toString(36).padStart(3, '0')}`,
      transform: { position: [i % 40, 0, Math.floor(i / 40)], rotation: [0, 0, 0, 1], scale: [1, 1, 1] },
      components: {},
    };
  });
  return { schema: 2, entities };
}

/** A marker an edit wrote, where to look for it, and when it was made. */
export interface Marked {
  marker: string;
  entity: string;
  property: 'name' | 'position';
  at: number;
  editor: number;
}

export interface PlannedEdit {
  operations: Operation[];
  marked: Marked | undefined;
  kind: 'rename' | 'move' | 'reparent' | 'delete';
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;

/** The next edit of `editor` (its `n`th) on the scene as it sees it, or null when none applies now. */
export function nextEdit(
  scene: SceneDocument,
  editor: number,
  n: number,
  now: number,
  random: () => number,
): PlannedEdit | null {
  const hot = random() < 0.5;
  const live = (ids: readonly string[]) => ids.filter((id) => scene.entities[id]);
  const cold = Object.keys(scene.entities).filter((id) => id.startsWith('cold-'));
  const doomed = cold.filter((id) => Number(id.slice(5)) < DOOMED);
  const roll = random();
  if (!hot && roll < 0.05 && doomed.length > 0) {
    const id = pick(doomed, random);
    return { kind: 'delete', operations: [{ op: 'remove', path: `/entities/${id}` }], marked: undefined };
  }
  const pool = hot ? live(HOT) : random() < 0.2 && doomed.length > 0 ? doomed : cold;
  if (pool.length === 0) return null;
  const id = pick(pool, random);
  const entity = scene.entities[id]!;
  if (hot && roll < 0.25) {
    // Under another hot entity (a cycle now and then, with someone else's move) or back to the root.
    const parent =
      random() < 0.3
        ? undefined
        : pick(
            live(HOT).filter((other) => other !== id),
            random,
          );
    if (parent === entity.parent) return null;
    return {
      kind: 'reparent',
      operations: [
        parent === undefined
          ? { op: 'remove', path: `/entities/${id}/parent` }
          : {
              op: entity.parent === undefined ? 'add' : 'replace',
              path: `/entities/${id}/parent`,
              value: parent,
            },
      ],
      marked: undefined,
    };
  }
  if (roll < 0.6) {
    const marker = `m${editor}-${n}`;
    return {
      kind: 'rename',
      operations: [{ op: 'replace', path: `/entities/${id}/name`, value: marker }],
      marked: { marker, entity: id, property: 'name', at: now, editor },
    };
  }
  const x = editor * 100_000 + n;
  return {
    kind: 'move',
    operations: [{ op: 'replace', path: `/entities/${id}/transform/position`, value: [x, 0, 0] }],
    marked: { marker: `x${x}`, entity: id, property: 'position', at: now, editor },
  };
}

/** The markers an entity carries now (its name, its position's x). */
export function markersOf(
  entity: { name?: string; transform: { position: number[] } } | undefined,
): string[] {
  if (!entity) return [];
  return [...(entity.name ? [entity.name] : []), `x${entity.transform.position[0]}`];
}
