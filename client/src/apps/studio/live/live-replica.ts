/**
 * A studio's copy of a live draft (a Yjs document, protocol/scene-crdt.ts) and the scene read from it. The
 * studio's commands stay JSON Patch by entity id: applied to the touched entities and checked against the
 * schema (`patchEntities`) first, then written into the document as the properties that changed. Undo is
 * Yjs' UndoManager tracking only this studio's own changes, so it never takes back another editor's. Changes
 * made here queue as Yjs updates for the server (`takeOutgoing`); the server's and other editors' come in
 * through `receive`. Runs in the browser and in Node (bench:collab's editors, the property test).
 */
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import * as Y from 'yjs';
import {
  jsonPointer,
  liveEntities,
  liveEntityJson,
  patchEntities,
  patchedEntityIds,
  sceneEntitySchema,
  sceneFromAnySchema,
  SCENE_SCHEMA_VERSION,
  touchedEntityIds,
  writeLiveEntity,
  type SceneDocument,
  type SceneEntity,
} from '../../../../../protocol/index.js';

/** Transaction origins: this studio's edits, and what arrives from the server. */
export const LOCAL_ORIGIN = 'local';
export const REMOTE_ORIGIN = 'remote';
/** Edits of one property within this long merge into one undo step, in ms (a drag). */
export const LIVE_MERGE_MS = 1_000;

/** What changed in the scene after a transaction: the entities, and whether it came from elsewhere. */
export interface SceneChange {
  touched: Set<string>;
  remote: boolean;
  /** Entities another editor (or the server) removed. */
  removedRemotely: string[];
}

export class LiveReplica {
  readonly doc: Y.Doc;
  /** The scene as the renderer shows it (never a parent cycle, even while a merge briefly holds one). */
  scene: SceneDocument = { schema: SCENE_SCHEMA_VERSION, entities: {} };
  /** The entities as the document holds them (written form). */
  private readonly written: Record<string, unknown> = {};
  /** The last valid parse of each entity. */
  private readonly parsed: Record<string, SceneEntity> = {};
  private outbox: Uint8Array[] = [];
  private readonly undoManager: Y.UndoManager;
  private lastMergeKey: string | undefined;
  private lastRunAt = 0;

  constructor(
    /** Told after every transaction that touched entities. */
    private readonly onChange: (change: SceneChange) => void = () => undefined,
    doc: Y.Doc = new Y.Doc(),
  ) {
    this.doc = doc;
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE_ORIGIN) this.outbox.push(update);
    });
    this.doc.on('afterTransaction', (transaction: Y.Transaction) => {
      const touched = touchedEntityIds(transaction, this.doc);
      if (touched.size > 0) this.refresh(touched, transaction.origin === REMOTE_ORIGIN);
    });
    this.undoManager = new Y.UndoManager(liveEntities(this.doc), {
      trackedOrigins: new Set([LOCAL_ORIGIN]),
      captureTimeout: LIVE_MERGE_MS,
    });
    if (liveEntities(this.doc).size > 0) this.refresh(new Set(liveEntities(this.doc).keys()), true);
  }

  get canUndo(): boolean {
    return this.undoManager.canUndo();
  }
  get canRedo(): boolean {
    return this.undoManager.canRedo();
  }

  /**
   * Applies JSON Patch `operations` (a command's forward half) if the result is a valid scene; else says
   * why and changes nothing. Commands with one `mergeKey` in quick succession are one undo step.
   */
  run(operations: Operation[], mergeKey?: string, now = Date.now()): string | null {
    if (operations.length === 0) return null;
    const next = this.patched(operations);
    if (typeof next === 'string') return next;
    if (mergeKey === undefined || mergeKey !== this.lastMergeKey || now - this.lastRunAt > LIVE_MERGE_MS)
      this.undoManager.stopCapturing();
    this.lastMergeKey = mergeKey;
    this.lastRunAt = now;
    this.doc.transact(() => {
      for (const [id, entity] of next) writeLiveEntity(this.doc, id, entity);
    }, LOCAL_ORIGIN);
    return null;
  }

  undo(): void {
    this.lastMergeKey = undefined;
    this.undoManager.undo();
  }

  redo(): void {
    this.lastMergeKey = undefined;
    this.undoManager.redo();
  }

  /** Applies an update from the server (another editor's change, or a correction of ours). */
  receive(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, REMOTE_ORIGIN);
  }

  /** This studio's changes not yet handed out, as one update (null when there are none). */
  takeOutgoing(): Uint8Array | null {
    if (this.outbox.length === 0) return null;
    const update = this.outbox.length === 1 ? this.outbox[0]! : Y.mergeUpdates(this.outbox);
    this.outbox = [];
    return update;
  }

  /** Forgets queued changes (they will reach the server through the state-vector exchange instead). */
  dropOutgoing(): void {
    this.outbox = [];
  }

  /** The touched entities after `operations`, as written (undefined: removed), or why they do not apply. */
  private patched(operations: Operation[]): Map<string, unknown> | string {
    const ids = patchedEntityIds(operations);
    if (ids) {
      const result = patchEntities({ written: this.written, parsed: this.parsed }, operations, ids);
      if (!result.ok)
        return result.failure === 'invalid'
          ? `${result.issues[0]!.message} (at ${jsonPointer(result.issues[0]!.path)})`
          : result.message;
      return new Map([...ids].map((id) => [id, result.written[id]]));
    }
    // Anything but /entities/<id>… (rare): patch the whole document, then write what differs.
    const whole = fastJsonPatch.deepClone({ schema: SCENE_SCHEMA_VERSION, entities: this.written }) as {
      entities: Record<string, unknown>;
    };
    try {
      fastJsonPatch.applyPatch(whole, operations, true, true, true);
    } catch (error) {
      return error instanceof Error
        ? (error.message.split('\n')[0] ?? 'the edit does not apply')
        : 'the edit does not apply';
    }
    const read = sceneFromAnySchema(whole);
    if (!read.ok) return `${read.reason} (at ${read.path})`;
    const ids2 = new Set([...Object.keys(this.written), ...Object.keys(whole.entities)]);
    return new Map(
      [...ids2]
        .filter((id) => JSON.stringify(this.written[id]) !== JSON.stringify(whole.entities[id]))
        .map((id) => [id, whole.entities[id]]),
    );
  }

  /** Reads the touched entities back from the document into the scene. */
  private refresh(touched: Set<string>, remote: boolean): void {
    // In place: a copy of a thousand entities per change, times every change of every editor, is what a
    // busy draft would spend its time on. The scene object is new each time (what React compares); the
    // entity objects untouched stay the same ones (what the renderer keys on).
    const { written, parsed } = this;
    const removedRemotely: string[] = [];
    for (const id of touched) {
      const entity = liveEntityJson(this.doc, id);
      if (entity === undefined) {
        if (remote && Object.hasOwn(parsed, id)) removedRemotely.push(id);
        delete written[id];
        delete parsed[id];
        continue;
      }
      written[id] = entity;
      const read = sceneEntitySchema.safeParse(entity);
      // Invalid for a moment (a merge the server is about to correct): the last valid one stays shown.
      if (read.success) parsed[id] = read.data;
    }
    this.scene = { schema: SCENE_SCHEMA_VERSION, entities: withoutCycles(parsed, touched) };
    this.onChange({ touched, remote, removedRemotely });
  }
}

/**
 * The entities with any parent cycle through `touched` broken (its first member shown as a root), for
 * display only: a cycle can only appear where a parent just changed, so only those chains are walked.
 */
function withoutCycles(
  entities: Record<string, SceneEntity>,
  touched: ReadonlySet<string>,
): Record<string, SceneEntity> {
  let shown = entities;
  for (const start of touched) {
    const path = new Set<string>();
    for (
      let at: string | undefined = start;
      at !== undefined && Object.hasOwn(shown, at);
      at = shown[at]!.parent
    ) {
      if (path.has(at)) {
        const { parent: _cut, ...rest } = shown[at]!;
        shown = { ...shown, [at]: rest };
        break;
      }
      path.add(at);
    }
  }
  return shown;
}
