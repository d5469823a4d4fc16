/**
 * Schema 1 → schema 2. Pure and deterministic: the same v1 document always gives the same v2 document, so
 * the migration, import and PUT agree byte for byte.
 *
 * - The entity array becomes a map by id; each entity gets an `order` key that keeps its place among its
 *   siblings (fractional-indexing keys, generated in array order).
 * - The component list becomes a map by type. A v1 entity with two components of one type (two lights,
 *   say) keeps the first; each further one moves to a new child entity `<id>-<type>-<n>` at the parent's
 *   exact place (identity transform), so the scene looks and behaves the same. Every such move is listed in
 *   `changes`.
 * - Anything else the v1 document gets wrong (not a v1 document, duplicate ids, a missing parent, a cycle,
 *   a portal to a spawn point the scene lacks) is not guessed at: the conversion fails naming the entity
 *   and the reason, and the caller leaves the stored document as it is.
 */
import { generateNKeysBetween } from 'fractional-indexing';
import {
  SCENE_SCHEMA_VERSION,
  sceneDocumentSchema,
  type SceneDocument,
  type SceneEntityInput,
} from './scene.js';
import { sceneV1DocumentSchema } from './scene-v1.js';
import { jsonPointer } from './scene-patch.js';
import type { SceneComponentType } from './scene-components.js';

export type SceneConversion =
  | { ok: true; scene: SceneDocument; changes: string[] }
  | {
      ok: false;
      /** The entity at fault, when one is. */
      entity?: string;
      /** JSON Pointer into the v1 document. */
      path: string;
      reason: string;
    };

/** True for a document that says it is schema 1 (whether or not it is a valid one). */
export function isSceneV1(document: unknown): boolean {
  return typeof document === 'object' && document !== null && (document as { schema?: unknown }).schema === 1;
}

export function convertSceneV1(document: unknown): SceneConversion {
  const parsed = sceneV1DocumentSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const index = issue.path[0] === 'entities' ? issue.path[1] : undefined;
    const entity =
      typeof index === 'number' ? idAt((document as { entities?: unknown }).entities, index) : undefined;
    return {
      ok: false,
      ...(entity !== undefined && { entity }),
      path: jsonPointer(issue.path),
      reason: `not a valid schema 1 scene: ${issue.message}`,
    };
  }
  const v1 = parsed.data;
  const ids = new Set<string>();
  for (const [index, entity] of v1.entities.entries()) {
    if (ids.has(entity.id))
      return fail(entity.id, `/entities/${index}/id`, `entity id "${entity.id}" is used twice`);
    ids.add(entity.id);
  }

  const changes: string[] = [];
  const entities: Record<string, SceneEntityInput> = {};
  const siblingsOf = new Map<string | undefined, string[]>();
  const place = (id: string, parent: string | undefined): void => {
    const siblings = siblingsOf.get(parent);
    if (siblings) siblings.push(id);
    else siblingsOf.set(parent, [id]);
  };
  for (const [index, entity] of v1.entities.entries()) {
    if (entity.parent !== undefined && !ids.has(entity.parent))
      return fail(
        entity.id,
        `/entities/${index}/parent`,
        `parent "${entity.parent}" is not an entity of this scene`,
      );
    const components: Record<string, unknown> = {};
    const extraCount = new Map<SceneComponentType, number>();
    for (const { type, ...fields } of entity.components) {
      if (!(type in components)) {
        components[type] = fields;
        continue;
      }
      const n = (extraCount.get(type) ?? 1) + 1;
      extraCount.set(type, n);
      const childId = `${entity.id}-${type}-${n}`;
      if (ids.has(childId) || childId.length > 64)
        return fail(
          entity.id,
          `/entities/${index}/components`,
          `entity "${entity.id}" has ${n} "${type}" components and "${childId}" cannot hold the extra one ` +
            `(${ids.has(childId) ? 'that id is taken' : 'the id would be over 64 characters'}); ` +
            'give each of them an entity of its own',
        );
      ids.add(childId);
      entities[childId] = {
        parent: entity.id,
        order: '',
        transform: { position: [0, 0, 0] },
        components: { [type]: fields },
      };
      place(childId, entity.id);
      changes.push(
        `"${entity.id}": its ${ordinal(n)} "${type}" component moved to child entity "${childId}"`,
      );
    }
    entities[entity.id] = {
      ...(entity.name !== undefined && { name: entity.name }),
      ...(entity.parent !== undefined && { parent: entity.parent }),
      order: '',
      transform: entity.transform,
      components: components,
    };
    place(entity.id, entity.parent);
  }
  for (const siblings of siblingsOf.values()) {
    const keys = generateNKeysBetween(null, null, siblings.length);
    siblings.forEach((id, i) => (entities[id]!.order = keys[i]!));
  }

  const v2 = sceneDocumentSchema.safeParse({ schema: SCENE_SCHEMA_VERSION, entities });
  if (!v2.success) {
    const issue = v2.error.issues[0]!;
    const entity = issue.path[0] === 'entities' ? String(issue.path[1]) : undefined;
    const index = entity === undefined ? -1 : v1.entities.findIndex((e) => e.id === entity);
    return {
      ok: false,
      ...(entity !== undefined && { entity }),
      path: index >= 0 ? `/entities/${index}` : '/entities',
      reason: issue.message,
    };
  }
  return { ok: true, scene: v2.data, changes };
}

/** Reads a stored or submitted scene: schema 2 as it is, schema 1 converted. Anything else fails. */
export function sceneFromAnySchema(document: unknown): SceneConversion {
  if (isSceneV1(document)) return convertSceneV1(document);
  const v2 = sceneDocumentSchema.safeParse(document);
  if (v2.success) return { ok: true, scene: v2.data, changes: [] };
  const issue = v2.error.issues[0]!;
  return { ok: false, path: jsonPointer(issue.path), reason: issue.message };
}

function fail(entity: string, path: string, reason: string): SceneConversion {
  return { ok: false, entity, path, reason };
}

function idAt(entities: unknown, index: number): string | undefined {
  if (!Array.isArray(entities)) return undefined;
  const id = (entities[index] as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

function ordinal(n: number): string {
  return n === 2 ? 'second' : n === 3 ? 'third' : `${n}th`;
}
