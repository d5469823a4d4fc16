/**
 * Applies a JSON Patch to a draft doing work in proportion to what the patch touches, not to the scene:
 * the parsed draft of each recently patched world is kept in memory (per process, keyed by its ETag, so a
 * write from anywhere else is simply a miss), only the entities a patch touches are parsed again, the
 * scene-wide rules run over plain objects (`sceneStructureIssues`) unless the patch surely kept them
 * (`structureSurelyKept`: most edits move, rename or restyle an entity), only the touched entities'
 * references are looked up, and the canonical body is joined from each entity's canonical text, re-made
 * only for those touched. The result is byte for byte what canonicalising the whole patched document gives.
 *
 * A patch that addresses anything but `/entities/<id>/…` (the whole entity map, the schema field) takes
 * the whole-document path: parsed, checked and canonicalised as a PUT is.
 */
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { z } from 'zod';
import {
  entityIdSchema,
  MAX_SCENE_ENTITIES,
  sceneEntitySchema,
  sceneStructureIssues,
  SCENE_SCHEMA_VERSION,
  type SceneDocument,
  type SceneEntity,
} from '../../../protocol/index.js';
import { canonicalJson } from '../../db/canonical-json.js';
import { joinEntityTexts } from '../../db/draft-bodies.js';
import { Problem } from '../api/problem.js';
import { parseSubmittedScene } from './scene-validation.js';

/** A draft as stored (its document as written), parsed, and its entities' canonical texts. */
export interface ParsedDraft {
  etag: string;
  /** The stored document's entities, as written (no defaults filled in). */
  written: Record<string, unknown>;
  /** The same, parsed (defaults filled in). */
  parsed: Record<string, SceneEntity>;
  /** Each entity's canonical JSON text. */
  canonical: Map<string, string>;
}

/** What a patch made: the new body, the parsed scene, and the entities to check references of. */
export interface PatchResult {
  body: string;
  draft: Omit<ParsedDraft, 'etag'>;
  scene: SceneDocument;
  /** The entities added or changed (all of them on the whole-document path). */
  touched: SceneDocument;
  /** What to store: the canonical text of each entity the patch touched, null if removed (null: all). */
  changed: Map<string, string | null> | null;
}

/** Most worlds whose parsed draft a process keeps (least recently patched dropped first). */
const CACHED_WORLDS = 32;

export class DraftCache {
  private readonly byWorld = new Map<string, ParsedDraft>();

  get(worldId: string, etag: string): ParsedDraft | undefined {
    const hit = this.byWorld.get(worldId);
    if (!hit || hit.etag !== etag) return undefined;
    this.byWorld.delete(worldId); // most recent last
    this.byWorld.set(worldId, hit);
    return hit;
  }

  set(worldId: string, draft: ParsedDraft): void {
    this.byWorld.delete(worldId);
    this.byWorld.set(worldId, draft);
    while (this.byWorld.size > CACHED_WORLDS) this.byWorld.delete(this.byWorld.keys().next().value!);
  }

  forget(worldId: string): void {
    this.byWorld.delete(worldId);
  }
}

/** Parses a stored draft body into the form patches work on. */
export function parseStoredDraft(body: string, etag: string): ParsedDraft {
  const document = JSON.parse(body) as { entities: Record<string, unknown> };
  const { scene } = parseSubmittedScene(document, 'draft');
  const canonical = new Map<string, string>();
  for (const [id, entity] of Object.entries(document.entities)) canonical.set(id, canonicalJson(entity));
  return { etag, written: document.entities, parsed: scene.entities, canonical };
}

/** The entity ids a patch touches, or null when it addresses anything else. */
function touchedIds(operations: Operation[]): Set<string> | null {
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

function patchFailure(error: unknown): Problem {
  const failure = error as { name?: string; index?: number; message?: string };
  const at = failure.index !== undefined ? `operation ${failure.index}` : 'the patch';
  if (failure.name === 'TEST_OPERATION_FAILED')
    return new Problem(
      409,
      'conflict',
      `${at}: a "test" did not match the draft; re-read it and patch again`,
    );
  const message = (failure.message ?? 'invalid operation').split('\n')[0]!;
  return new Problem(422, 'patch-failed', `${at} cannot be applied: ${message}`);
}

/** The same answer a whole-document parse gives: 400 with each path under `body`, and a note. */
function invalid(issues: z.core.$ZodIssue[]): Problem {
  const problem = Problem.validation('body', new z.ZodError(issues));
  problem.extensions.note = 'the patched draft is not a valid scene; nothing was saved';
  return problem;
}

/**
 * Whether a patch of the entities `ids` surely kept the scene-wide rules that `before` (a stored draft:
 * it kept them) kept — so the whole scene need not be walked again (2.5 ms at 2,000 entities): no touched
 * entity was removed, none holds or held a spawn point or a portal (they name each other), the scene is
 * within its size, and each touched entity's parent exists and is not among its own descendants (an
 * unchanged part was a tree). False only means "run the full check", which also words every issue as a
 * whole-document parse does.
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

/** Applies `operations` to `draft` (which is left as it was). Throws the Problem to answer when it cannot. */
export function applyDraftPatch(draft: ParsedDraft, operations: Operation[]): PatchResult {
  const ids = touchedIds(operations);
  if (!ids) return wholeDocument(draft, operations);
  // Copy the map, and deep-copy only the entities the patch may change.
  const written: Record<string, unknown> = { ...draft.written };
  for (const id of ids)
    if (Object.hasOwn(written, id)) written[id] = fastJsonPatch.deepClone(written[id]) as unknown;
  const document = { schema: SCENE_SCHEMA_VERSION, entities: written };
  try {
    fastJsonPatch.applyPatch(document, operations, true, true, true);
  } catch (error) {
    throw patchFailure(error);
  }
  const parsed: Record<string, SceneEntity> = { ...draft.parsed };
  const canonical = new Map(draft.canonical);
  const touched: Record<string, SceneEntity> = {};
  const issues: z.core.$ZodIssue[] = [];
  for (const id of ids) {
    if (!Object.hasOwn(written, id)) {
      delete parsed[id];
      canonical.delete(id);
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
    canonical.set(id, canonicalJson(written[id]));
  }
  if (issues.length === 0 && !structureSurelyKept(draft.parsed, parsed, ids))
    for (const issue of sceneStructureIssues(parsed))
      issues.push({ code: 'custom', input: undefined, ...issue });
  if (issues.length > 0) throw invalid(issues);
  const scene: SceneDocument = { schema: SCENE_SCHEMA_VERSION, entities: parsed };
  return {
    body: joinEntityTexts(canonical),
    draft: { written, parsed, canonical },
    scene,
    touched: { schema: SCENE_SCHEMA_VERSION, entities: touched },
    changed: new Map([...ids].map((id) => [id, canonical.get(id) ?? null])),
  };
}

/** A patch of the document as a whole: applied, parsed and canonicalised like a PUT. */
function wholeDocument(draft: ParsedDraft, operations: Operation[]): PatchResult {
  const document = fastJsonPatch.deepClone({
    schema: SCENE_SCHEMA_VERSION,
    entities: draft.written,
  }) as unknown;
  try {
    fastJsonPatch.applyPatch(document, operations, true, true, true);
  } catch (error) {
    throw patchFailure(error);
  }
  const { scene, stored } = parseSubmittedScene(document, 'body(patched)');
  const entities = (stored as { entities: Record<string, unknown> }).entities;
  const canonical = new Map(Object.entries(entities).map(([id, entity]) => [id, canonicalJson(entity)]));
  return {
    body: joinEntityTexts(canonical),
    draft: { written: entities, parsed: scene.entities, canonical },
    scene,
    touched: scene,
    changed: null,
  };
}
