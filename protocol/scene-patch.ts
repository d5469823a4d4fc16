/**
 * A JSON Patch (RFC 6902) of a schema 2 scene applied in proportion to what it touches, not to the scene's
 * size: the server's draft PATCH and the studio's every edit. Only the entities the patch names are copied,
 * patched and parsed again; every other entity is shared, untouched, with the scene before (so whatever
 * keys on an entity object — a renderer's memo — sees it unchanged). The scene-wide rules
 * (`sceneStructureIssues`) run only when the patch may have broken them (`structureSurelyKept`). The answer
 * is what parsing the whole patched document gives: the same entities, and invalid exactly when it is.
 *
 * A patch that addresses anything but `/entities/<id>…` (the entity map itself, the schema field) is not
 * for this: `patchedEntityIds` says null, and the caller patches the document as a whole.
 */
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { z } from 'zod';
import { entityIdSchema } from './scene-components.js';
import {
  MAX_SCENE_ENTITIES,
  sceneEntitySchema,
  sceneStructureIssues,
  SCENE_SCHEMA_VERSION,
  type SceneEntity,
} from './scene.js';

/** A valid scene's entities: as written (no defaults filled in) and parsed. */
export interface SceneEntities {
  written: Record<string, unknown>;
  parsed: Record<string, SceneEntity>;
}

export type EntityPatch =
  | (SceneEntities & {
      ok: true;
      /** The entities the patch added or changed, parsed (those it removed are gone from `parsed`). */
      touched: Record<string, SceneEntity>;
    })
  /** An operation could not be applied (`test`: a "test" operation did not match). */
  | { ok: false; failure: 'test' | 'apply'; index: number | undefined; message: string }
  /** It applied, and the result is not a valid scene: each issue's path starts at "entities". */
  | { ok: false; failure: 'invalid'; issues: z.core.$ZodIssue[] };

/** Why fast-json-patch refused to apply an operation (what it throws), as an `EntityPatch` failure. */
export function patchFailureOf(error: unknown): Extract<EntityPatch, { failure: 'test' | 'apply' }> {
  const failure = error as { name?: string; index?: number; message?: string };
  return {
    ok: false,
    failure: failure.name === 'TEST_OPERATION_FAILED' ? 'test' : 'apply',
    index: failure.index,
    message: (failure.message ?? 'invalid operation').split('\n')[0]!,
  };
}

/** A JSON Pointer (RFC 6901) to a path given as keys. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** The entity ids a patch touches, or null when it addresses anything else. */
export function patchedEntityIds(operations: readonly Operation[]): Set<string> | null {
  const ids = new Set<string>();
  for (const operation of operations)
    for (const pointer of [operation.path, 'from' in operation ? operation.from : undefined]) {
      if (pointer === undefined) continue;
      const match = /^\/entities\/([^/]+)(\/.*)?$/.exec(pointer);
      if (!match) return null;
      ids.add(match[1]!.replaceAll('~1', '/').replaceAll('~0', '~'));
    }
  return ids;
}

/**
 * Whether a patch of the entities `ids` surely kept the scene-wide rules that `before` (a valid scene)
 * kept — so the whole scene need not be walked again: no touched entity was removed, none holds or held a
 * spawn point or a portal (they name each other), the scene is within its size, and each touched entity's
 * parent exists and is not among its own descendants (an unchanged part was a tree). False only means
 * "run the full check".
 */
function structureSurelyKept(
  before: Record<string, SceneEntity>,
  after: Record<string, SceneEntity>,
  ids: ReadonlySet<string>,
): boolean {
  if (Object.keys(after).length > MAX_SCENE_ENTITIES) return false;
  for (const id of ids) {
    const now = after[id];
    if (!now) return false;
    for (const entity of [before[id], now])
      if (entity?.components['spawn-point'] !== undefined || entity?.components.portal !== undefined)
        return false;
    const up = new Set([id]);
    for (let parent = now.parent; parent !== undefined; parent = after[parent]!.parent) {
      if (up.has(parent) || !Object.hasOwn(after, parent)) return false;
      up.add(parent);
    }
  }
  return true;
}

/**
 * Applies `operations`, which touch only the entities `ids` (`patchedEntityIds`), to a valid scene's
 * entities. `before` is left as it was.
 */
export function patchEntities(
  before: SceneEntities,
  operations: Operation[],
  ids: ReadonlySet<string>,
): EntityPatch {
  // Copy the map, and deep-copy only the entities the patch may change.
  const written: Record<string, unknown> = { ...before.written };
  for (const id of ids)
    if (Object.hasOwn(written, id)) written[id] = fastJsonPatch.deepClone(written[id]) as unknown;
  try {
    fastJsonPatch.applyPatch(
      { schema: SCENE_SCHEMA_VERSION, entities: written },
      operations,
      true,
      true,
      true,
    );
  } catch (error) {
    return patchFailureOf(error);
  }
  const parsed: Record<string, SceneEntity> = { ...before.parsed };
  const touched: Record<string, SceneEntity> = {};
  const issues: z.core.$ZodIssue[] = [];
  for (const id of ids) {
    if (!Object.hasOwn(written, id)) {
      delete parsed[id];
      continue;
    }
    const idCheck = entityIdSchema.safeParse(id);
    if (!idCheck.success) {
      issues.push({
        code: 'custom',
        input: id,
        path: ['entities', id],
        message: idCheck.error.issues[0]!.message,
      });
      continue;
    }
    const result = sceneEntitySchema.safeParse(written[id]);
    if (!result.success) {
      for (const issue of result.error.issues)
        issues.push({ ...issue, path: ['entities', id, ...issue.path] });
      continue;
    }
    parsed[id] = result.data;
    touched[id] = result.data;
  }
  if (issues.length === 0 && !structureSurelyKept(before.parsed, parsed, ids))
    for (const issue of sceneStructureIssues(parsed))
      issues.push({ code: 'custom', input: undefined, ...issue });
  if (issues.length > 0) return { ok: false, failure: 'invalid', issues };
  return { ok: true, written, parsed, touched };
}
