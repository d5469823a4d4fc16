/**
 * The studio's copy of a world's draft and the edits made to it. Every edit is a command: JSON Patch
 * operations addressed by entity id, with their inverse, so it can be undone and redone (repeated edits of
 * one property — a drag — merge into one step). Edits apply locally at once and are saved to the server as
 * one PATCH with If-Match, debounced. While unsaved they are also kept in the browser (`PendingStore`), so a
 * reload or a lost connection loses nothing. When someone else saved first (412), the fresh draft is read
 * and this page's unsaved operations re-applied to it — entity ids keep them pointing at the right things —
 * and an operation that no longer applies (its entity was deleted) is dropped and said plainly.
 */
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import {
  jsonPointer,
  patchEntities,
  patchedEntityIds,
  sceneFromAnySchema,
  SCENE_SCHEMA_VERSION,
  type SceneDocument,
} from '../../../../protocol/index.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** How long the session waits after an edit before saving, in ms (edits within it go in one PATCH). */
export const SAVE_DEBOUNCE_MS = 400;
/** Waits between save attempts while the server cannot be reached, in ms (doubling up to the last). */
const RETRY_MS = [1_000, 2_000, 5_000, 10_000];
/** Saves refused as stale (412) in a row before waiting for the next edit or retry. */
const STALE_RETRIES = 3;
/** Edits of one key within this long merge into one undo step, in ms. */
const MERGE_MS = 1_000;

export type SaveState =
  | { kind: 'saved' }
  | { kind: 'saving' }
  | { kind: 'pending' }
  /** Editing live: every change is with the other editors (applied), not all of it saved yet. */
  | { kind: 'applied' }
  | { kind: 'offline'; retryInMs: number }
  | { kind: 'refused'; reason: string }
  /** No more edits: the world was deleted or this account may no longer edit it (unsaved edits stay kept). */
  | { kind: 'read-only'; reason: string };

export interface Command {
  label: string;
  forward: Operation[];
  backward: Operation[];
  /** Commands with the same key in quick succession merge (one undo step for a whole drag). */
  mergeKey?: string;
}

/** How the session talks to the server (the generated client in the app; a fake in tests). */
export interface DraftTransport {
  load(): Promise<{ body: unknown; etag: string }>;
  /** PATCH with If-Match: the new ETag, or why not. `document` is the page's copy with them applied. */
  patch(
    etag: string,
    operations: Operation[],
    document: unknown,
  ): Promise<{ ok: true; etag: string } | { ok: false; status: number; detail: string }>;
}

/**
 * What the editor works with: a draft session alone (this file: REST saves) or live with other editors
 * (live/live-draft-session.ts). Edits are commands; the scene is what they made.
 */
export interface EditorSession {
  /** Reads the draft (and, live, joins the other editors); the scene is there once it resolves. */
  open(): Promise<void>;
  readonly scene: SceneDocument;
  readonly state: SaveState;
  readonly notices: readonly string[];
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly readOnly: boolean;
  run(command: Command): string | null;
  undo(): void;
  redo(): void;
  /** Resolves once everything changed so far is saved in the draft (Publish and Play call it first). */
  flush(): Promise<void>;
  /** Stops editing for good, with the reason shown. */
  lock(reason: string): void;
}

/** Where unsaved operations wait for the server (localStorage in the app). */
export interface PendingStore {
  read(): Operation[];
  write(operations: Operation[]): void;
}

export class DraftSession implements EditorSession {
  scene!: SceneDocument;
  private doc: unknown;
  private etag = '';
  private pending: Operation[] = [];
  private readonly undoStack: (Command & { at: number })[] = [];
  private readonly redoStack: Command[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<void> | undefined;
  private retries = 0;
  state: SaveState = { kind: 'saved' };
  /** Messages for the creator about edits that could not be kept (newest last). */
  readonly notices: string[] = [];

  constructor(
    private readonly transport: DraftTransport,
    private readonly store: PendingStore,
    /** Called after every change of the scene or the save state. */
    private readonly onChange: () => void = () => undefined,
    private readonly debounceMs = SAVE_DEBOUNCE_MS,
  ) {}

  /** Reads the draft and re-applies what an earlier visit left unsaved. */
  async open(): Promise<void> {
    const { body, etag } = await this.transport.load();
    this.adopt(body, etag);
    const leftover = this.store.read();
    if (leftover.length > 0) {
      this.pending = this.reapply(leftover);
      this.schedule();
    }
    this.onChange();
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /**
   * Stops editing for good: edits are refused and nothing more is sent. What is unsaved stays in the
   * browser's store, so it is not lost if access comes back.
   */
  lock(reason: string): void {
    if (this.state.kind === 'read-only') return;
    clearTimeout(this.timer);
    this.state = { kind: 'read-only', reason };
    this.onChange();
  }

  get readOnly(): boolean {
    return this.state.kind === 'read-only';
  }

  /** Applies a command (refused, and nothing changes, when the result would not be a valid scene). */
  run(command: Command, now = Date.now()): string | null {
    if (this.state.kind === 'read-only') return this.state.reason;
    const problem = this.apply(command.forward);
    if (problem) return problem;
    const top = this.undoStack.at(-1);
    if (command.mergeKey && top?.mergeKey === command.mergeKey && now - top.at < MERGE_MS) {
      top.forward = command.forward; // the same property: its latest value, undone to the first one's
      top.at = now;
    } else this.undoStack.push({ ...command, at: now });
    this.redoStack.length = 0;
    this.record(command.forward);
    return null;
  }

  undo(): void {
    if (this.readOnly) return;
    const command = this.undoStack.pop();
    if (!command) return;
    const problem = this.apply(command.backward);
    if (problem === null) {
      this.redoStack.push(command);
      this.record(command.backward);
    } else this.cannot('undo', command, problem);
  }

  /** An undo or redo that no longer applies is dropped from the history, and said. */
  private cannot(what: 'undo' | 'redo', command: Command, problem: string): void {
    this.notices.push(`Could not ${what} “${command.label}”: ${problem}. It was taken out of the history.`);
    this.onChange();
  }

  redo(): void {
    if (this.readOnly) return;
    const command = this.redoStack.pop();
    if (!command) return;
    const problem = this.apply(command.forward);
    if (problem === null) {
      this.undoStack.push({ ...command, at: 0 });
      this.record(command.forward);
    } else this.cannot('redo', command, problem);
  }

  /** Saves now (the debounce skipped); resolves once nothing is pending or saving failed. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    await this.save();
  }

  private record(operations: Operation[]): void {
    this.pending.push(...operations);
    this.store.write(this.pending);
    this.state = { kind: 'pending' };
    this.schedule();
    this.onChange();
  }

  private schedule(delay = this.debounceMs): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.save(), delay);
  }

  private async save(): Promise<void> {
    if (this.saving) return this.saving;
    if (this.pending.length === 0 || this.readOnly) return;
    this.state = { kind: 'saving' };
    this.onChange();
    this.saving = (async () => {
      // A stale ETag means someone else saved first: rebase onto theirs and send again (a few times).
      for (let attempt = 0; attempt < STALE_RETRIES; attempt += 1) {
        const sending = [...this.pending];
        if (sending.length === 0) return;
        const answer = await this.transport.patch(this.etag, sending, this.doc).catch(() => undefined);
        if (!answer) {
          const retryInMs = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)]!;
          this.retries += 1;
          this.state = { kind: 'offline', retryInMs };
          this.schedule(retryInMs);
          return;
        }
        this.retries = 0;
        if (!answer.ok && (answer.status === 403 || answer.status === 404)) {
          // Not ours to edit any more: keep what is unsaved in the browser, and stop.
          this.state = {
            kind: 'read-only',
            reason:
              answer.status === 404
                ? 'this world no longer exists (it was deleted)'
                : `you may no longer edit this world: ${answer.detail}`,
          };
          return;
        }
        if (answer.ok) {
          this.etag = answer.etag;
          this.pending = this.pending.slice(sending.length);
          this.store.write(this.pending);
          return;
        }
        if (answer.status !== 412) {
          this.state = { kind: 'refused', reason: answer.detail };
          this.notices.push(`Your last edits were not saved: ${answer.detail}`);
          // Back to what the server has: an edit it refuses must not linger unsaved, nor be undone.
          this.pending = [];
          this.undoStack.length = 0;
          this.redoStack.length = 0;
          this.store.write(this.pending);
          const fresh = await this.transport.load();
          this.adopt(fresh.body, fresh.etag);
          return;
        }
        const fresh = await this.transport.load();
        this.adopt(fresh.body, fresh.etag);
        this.pending = this.reapply(this.pending);
        this.store.write(this.pending);
      }
    })();
    try {
      await this.saving;
    } finally {
      this.saving = undefined;
    }
    const after = this.state as SaveState; // set by the save above
    if (after.kind === 'read-only') clearTimeout(this.timer);
    else if (this.pending.length > 0 && after.kind !== 'offline') this.schedule(0);
    else if (this.pending.length === 0 && after.kind !== 'refused') this.state = { kind: 'saved' };
    this.onChange();
  }

  /** Takes a server copy as the base. */
  private adopt(body: unknown, etag: string): void {
    const read = sceneFromAnySchema(body);
    if (!read.ok) throw new Error(`the draft cannot be read: ${read.reason} (at ${read.path})`);
    this.doc = fastJsonPatch.deepClone(body);
    this.scene = read.scene;
    this.etag = etag;
  }

  /** Re-applies operations one by one; those that no longer apply are dropped and reported. */
  private reapply(operations: Operation[]): Operation[] {
    const kept: Operation[] = [];
    for (const operation of operations) {
      const problem = this.apply([operation]);
      if (problem) this.notices.push(`An edit could not be kept (${operation.path}): ${problem}`);
      else kept.push(operation);
    }
    return kept;
  }

  /**
   * Applies operations to the local copy if the result is a valid scene; else says why. An edit of named
   * entities (nearly all) copies and parses just those (`patchEntities`): the rest of the scene, and the
   * objects a renderer keeps per entity, stay as they were.
   */
  private apply(operations: Operation[]): string | null {
    const ids = patchedEntityIds(operations);
    const doc = this.doc as { schema?: unknown; entities?: unknown };
    if (ids && doc.schema === SCENE_SCHEMA_VERSION && isRecord(doc.entities)) {
      const patched = patchEntities({ written: doc.entities, parsed: this.scene.entities }, operations, ids);
      if (!patched.ok)
        return patched.failure === 'invalid'
          ? `${patched.issues[0]!.message} (at ${jsonPointer(patched.issues[0]!.path)})`
          : patched.message;
      this.doc = { schema: SCENE_SCHEMA_VERSION, entities: patched.written };
      this.scene = { schema: SCENE_SCHEMA_VERSION, entities: patched.parsed };
      return null;
    }
    const next = fastJsonPatch.deepClone(this.doc) as unknown;
    try {
      fastJsonPatch.applyPatch(next, operations, true, true, true);
    } catch (error) {
      return error instanceof Error
        ? (error.message.split('\n')[0] ?? 'the edit does not apply')
        : 'the edit does not apply';
    }
    const read = sceneFromAnySchema(next);
    if (!read.ok) return `${read.reason} (at ${read.path})`;
    this.doc = next;
    this.scene = read.scene;
    return null;
  }
}

/**
 * A command that sets one value at `path` (an entity's property), undone to what was there. Changes of a
 * value that was there merge (a drag, typing); adding one never merges, so undo can take the next change
 * back without taking the addition with it.
 */
export function setCommand(label: string, path: string, before: unknown, after: unknown): Command {
  if (before === undefined)
    return { label, forward: [{ op: 'add', path, value: after }], backward: [{ op: 'remove', path }] };
  return {
    label,
    forward: [{ op: 'replace', path, value: after }],
    backward: [{ op: 'replace', path, value: before }],
    mergeKey: path,
  };
}
