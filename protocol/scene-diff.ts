/**
 * What changed between two scenes, by entity id: entities added, removed, and changed with the properties
 * that differ (`name`, `parent`, `order`, `transform.position`, `components.light.intensity`, a component
 * added or removed as a whole). Arrays (vectors, quaternions, sizes) compare as one value. Pure; the
 * studio's history panel shows it for any published version against the draft.
 */
import type { SceneDocumentInput } from './scene.js';

export interface PropertyChange {
  /** Dotted path inside the entity, e.g. `components.light.intensity`. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
}

export interface EntityChange {
  id: string;
  /** The entity's name in the newer scene (or the older one when removed). */
  name: string | undefined;
}

export interface SceneDiff {
  added: EntityChange[];
  removed: EntityChange[];
  changed: (EntityChange & { properties: PropertyChange[] })[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Equal as JSON values (key order ignored). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((value, i) => same(value, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && same(a[key], b[key]))
    );
  }
  return false;
}

function compare(before: unknown, after: unknown, path: string, out: PropertyChange[]): void {
  if (same(before, after)) return;
  if (isRecord(before) && isRecord(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of [...keys].sort()) {
      const inner = path ? `${path}.${key}` : key;
      if (!Object.hasOwn(before, key)) out.push({ path: inner, kind: 'added' });
      else if (!Object.hasOwn(after, key)) out.push({ path: inner, kind: 'removed' });
      else compare(before[key], after[key], inner, out);
    }
    return;
  }
  out.push({ path, kind: 'changed' });
}

/** `after` against `before` (e.g. the draft against a published version). */
export function diffScenes(before: SceneDocumentInput, after: SceneDocumentInput): SceneDiff {
  const diff: SceneDiff = { added: [], removed: [], changed: [] };
  for (const [id, entity] of Object.entries(after.entities)) {
    const old = Object.hasOwn(before.entities, id) ? before.entities[id] : undefined;
    if (!old) {
      diff.added.push({ id, name: entity.name });
      continue;
    }
    const properties: PropertyChange[] = [];
    compare(old, entity, '', properties);
    if (properties.length > 0) diff.changed.push({ id, name: entity.name ?? old.name, properties });
  }
  for (const [id, entity] of Object.entries(before.entities))
    if (!Object.hasOwn(after.entities, id)) diff.removed.push({ id, name: entity.name });
  const byId = (a: EntityChange, b: EntityChange) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  diff.added.sort(byId);
  diff.removed.sort(byId);
  diff.changed.sort(byId);
  return diff;
}
