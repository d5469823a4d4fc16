/**
 * Applies a JSON Patch to a draft doing work in proportion to what the patch touches, not to the scene:
 * the parsed draft of each recently patched world is kept in memory (per process, keyed by its ETag, so a
 * write from anywhere else is simply a miss), only the entities a patch touches are parsed again and the
 * scene-wide rules walked only when the patch may have broken them (protocol's `patchEntities`, which the
 * studio runs per edit too), only the touched entities' references are looked up, and the canonical body
 * is joined from each entity's canonical text, re-made only for those touched. The result is byte for byte
 * what canonicalising the whole patched document gives.
 *
 * A patch that addresses anything but `/entities/<id>/…` (the whole entity map, the schema field) takes
 * the whole-document path: parsed, checked and canonicalised as a PUT is.
 */
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { z } from 'zod';
import {
  patchEntities,
  patchedEntityIds,
  patchFailureOf,
  SCENE_SCHEMA_VERSION,
  type SceneDocument,
  type SceneEntity,
} from '../../../protocol/index.js';
import { canonicalJson } from '../../db/canonical-json.js';
import { entityTexts, joinEntityTexts } from '../../db/draft-bodies.js';
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
  return {
    etag,
    written: document.entities,
    parsed: scene.entities,
    canonical: entityTexts(document.entities),
  };
}

/** The entities whose canonical text differs between two drafts (null: removed): what a PUT writes. */
export function changedEntities(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): Map<string, string | null> {
  const changed = new Map<string, string | null>();
  for (const [id, text] of after) if (before.get(id) !== text) changed.set(id, text);
  for (const id of before.keys()) if (!after.has(id)) changed.set(id, null);
  return changed;
}

function patchFailure(failure: {
  failure: 'test' | 'apply';
  index: number | undefined;
  message: string;
}): Problem {
  const at = failure.index !== undefined ? `operation ${failure.index}` : 'the patch';
  if (failure.failure === 'test')
    return new Problem(
      409,
      'conflict',
      `${at}: a "test" did not match the draft; re-read it and patch again`,
    );
  return new Problem(422, 'patch-failed', `${at} cannot be applied: ${failure.message}`);
}

/** The same answer a whole-document parse gives: 400 with each path under `body`, and a note. */
function invalid(issues: z.core.$ZodIssue[]): Problem {
  const problem = Problem.validation('body', new z.ZodError(issues));
  problem.extensions.note = 'the patched draft is not a valid scene; nothing was saved';
  return problem;
}

/** Applies `operations` to `draft` (which is left as it was). Throws the Problem to answer when it cannot. */
export function applyDraftPatch(draft: ParsedDraft, operations: Operation[]): PatchResult {
  const ids = patchedEntityIds(operations);
  if (!ids) return wholeDocument(draft, operations);
  const patched = patchEntities(draft, operations, ids);
  if (!patched.ok) throw patched.failure === 'invalid' ? invalid(patched.issues) : patchFailure(patched);
  const { written, parsed, touched } = patched;
  const canonical = new Map(draft.canonical);
  for (const id of ids)
    if (Object.hasOwn(written, id)) canonical.set(id, canonicalJson(written[id]));
    else canonical.delete(id);
  return {
    body: joinEntityTexts(canonical),
    draft: { written, parsed, canonical },
    scene: { schema: SCENE_SCHEMA_VERSION, entities: parsed },
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
    throw patchFailure(patchFailureOf(error));
  }
  const { scene, stored } = parseSubmittedScene(document, 'body(patched)');
  const entities = (stored as { entities: Record<string, unknown> }).entities;
  const canonical = entityTexts(entities);
  return {
    body: joinEntityTexts(canonical),
    draft: { written: entities, parsed: scene.entities, canonical },
    scene,
    touched: scene,
    changed: null,
  };
}
