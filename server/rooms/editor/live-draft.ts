/**
 * The server's copy of a draft edited live, and the rule that keeps it valid: every update is integrated,
 * then the entities it touched are parsed against the scene schema and the scene-wide rules run; a valid
 * update is relayed as it came, an invalid one is answered with a correction — the touched entities written
 * back as they were — that its author applies and the others receive merged with it, so nobody else ever
 * sees the invalid state. Pure (no I/O): the editor room feeds it, the property test drives it directly.
 *
 * Ids: an editor's new entities end in `-<idTag>` (its Yjs client id in base 36, unique among the editors
 * connected), so two editors never mint the same id; an id the draft ever held may come back (an undone
 * delete).
 */
import * as Y from 'yjs';
import {
  jsonPointer,
  liveEntities,
  liveEntitiesJson,
  liveEntityJson,
  MAX_SCENE_ENTITIES,
  sceneEntitySchema,
  sceneStructureIssues,
  strayItems,
  touchedEntityIds,
  updateAuthors,
  writeLiveEntity,
  flattenEntity,
  type SceneEntity,
} from '../../../protocol/index.js';

/** Who sent an update. */
export interface LiveAuthor {
  clientId: number;
  idTag: string;
}

/** The origin of the server's own transactions (corrections, merged REST edits). */
export const SERVER_ORIGIN = 'server';

export type LiveOutcome =
  /** Not an update this author may send (closes its connection); nothing it carried stays. */
  | { kind: 'malformed'; reason: string }
  /** Kept: `relay` goes to the other editors. */
  | { kind: 'applied'; relay: Uint8Array; touched: string[] }
  /** Not kept: `correction` goes to the author, `relay` (the update and its correction) to the others. */
  | { kind: 'corrected'; relay: Uint8Array; correction: Uint8Array; problem: string; touched: string[] };

/** An update integrated and checked, not yet committed or corrected (the room checks references meanwhile). */
export interface Staged {
  update: Uint8Array;
  touched: string[];
  /** The touched entities as they now are (undefined: removed), parsed when valid. */
  next: Map<string, { written: Record<string, unknown> | undefined; parsed: SceneEntity | undefined }>;
  problem: string | undefined;
  /** Set when the update could not be fully integrated: its author is disconnected after the correction. */
  malformed: string | undefined;
}

export class LiveDraft {
  private written: Record<string, Record<string, unknown>>;
  private parsed: Record<string, SceneEntity>;
  /** Ids the draft has held: an editor may bring one back (undo of a delete) whatever its suffix. */
  private readonly known = new Set<string>();

  /** `doc` must hold a valid scene (as saved). */
  constructor(readonly doc: Y.Doc) {
    this.written = liveEntitiesJson(doc);
    this.parsed = {};
    for (const [id, entity] of Object.entries(this.written)) {
      const read = sceneEntitySchema.safeParse(entity);
      if (!read.success)
        throw new Error(`live draft: entity "${id}" as saved is not valid: ${read.error.message}`);
      this.parsed[id] = read.data;
      this.known.add(id);
    }
  }

  /** The draft's entities as written: what a save stores. */
  entities(): Record<string, Record<string, unknown>> {
    return this.written;
  }

  parsedEntities(): Record<string, SceneEntity> {
    return this.parsed;
  }

  /**
   * Integrates `update` from `author` and checks it. `mayCarry(client)`: whether structs of another Yjs
   * client may ride along (a studio re-sending, after an outage, changes of editors no longer connected).
   */
  stage(update: Uint8Array, author: LiveAuthor, mayCarry: (client: number) => boolean): Staged | string {
    let clients: Set<number>;
    try {
      clients = updateAuthors(update);
    } catch {
      return 'the bytes are not a Yjs update';
    }
    for (const client of clients)
      if (client !== author.clientId && !mayCarry(client))
        return `the update carries changes of Yjs client ${client}, which is another editor; send only your own`;
    let transaction: Y.Transaction | undefined;
    const capture = (tr: Y.Transaction) => {
      transaction = tr;
    };
    this.doc.on('afterTransaction', capture);
    try {
      Y.applyUpdate(this.doc, update, author);
    } catch {
      return 'the update could not be integrated (corrupt struct data)';
    } finally {
      this.doc.off('afterTransaction', capture);
    }
    let malformed: string | undefined;
    const store = this.doc.store as unknown as { pendingStructs: unknown; pendingDs: unknown };
    if (store.pendingStructs !== null || store.pendingDs !== null) {
      // Structs that depend on changes the server never received: a studio in order never sends those.
      store.pendingStructs = null;
      store.pendingDs = null;
      malformed = 'the update depends on changes the server never received';
    }
    const stray = transaction ? strayItems(this.doc, transaction.beforeState) : [];
    if (stray.length > 0) {
      // Content outside the scene's shape: removed at once, never kept (the others get only its removal).
      this.doc.transact((tr) => {
        for (const item of stray) item.delete(tr);
      }, SERVER_ORIGIN);
      malformed ??= `the update writes outside the scene's entities (${stray.length} item(s): other roots, list or text content, nested types); the studio never sends that`;
    }
    // Relayed in place of the update: what was integrated (pending structs left out, stray content removed).
    const relay =
      malformed && transaction
        ? Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(transaction.beforeState))
        : update;
    const touched = transaction ? [...touchedEntityIds(transaction, this.doc)] : [];
    const staged = this.check(relay, touched, author);
    // Stray content may have displaced values (the previous name…): the entities it touched go back as they were.
    if (stray.length > 0) staged.problem ??= malformed;
    return { ...staged, malformed };
  }

  /** Keeps a staged update. */
  commit(staged: Staged): LiveOutcome {
    this.accept(staged);
    return { kind: 'applied', relay: staged.update, touched: staged.touched };
  }

  /** Writes the touched entities back as they were; answers the correction. */
  correct(staged: Staged, problem: string): Extract<LiveOutcome, { kind: 'corrected' }> {
    const correction = this.serverChange(() => {
      for (const id of staged.touched) writeLiveEntity(this.doc, id, this.written[id]);
    });
    return {
      kind: 'corrected',
      relay: correction.byteLength > 0 ? Y.mergeUpdates([staged.update, correction]) : staged.update,
      correction,
      problem,
      touched: staged.touched,
    };
  }

  /** stage, then commit or correct: the whole rule when no reference check is needed (tests, bench). */
  apply(
    update: Uint8Array,
    author: LiveAuthor,
    mayCarry: (client: number) => boolean = () => false,
  ): LiveOutcome {
    const staged = this.stage(update, author, mayCarry);
    if (typeof staged === 'string') return { kind: 'malformed', reason: staged };
    return staged.problem ? this.correct(staged, staged.problem) : this.commit(staged);
  }

  /**
   * Merges a change made elsewhere (a REST edit of the saved draft): the properties that differ between
   * `before` and `after` (both as saved) are written into the live draft, the rest of the live edits kept.
   * Answers the update for the editors, or null when nothing changed; a merge that breaks the scene's rules
   * is not kept (and said).
   */
  mergeSaved(
    before: Record<string, unknown>,
    after: Record<string, unknown>,
  ): { update: Uint8Array; problem: string | undefined } | null {
    const entities = liveEntities(this.doc);
    const ids = new Set([...Object.keys(before), ...Object.keys(after)]);
    let transaction: Y.Transaction | undefined;
    const capture = (tr: Y.Transaction) => {
      transaction = tr;
    };
    this.doc.on('afterTransaction', capture);
    const update = this.serverChange(() => {
      for (const id of ids) {
        const was = before[id];
        const now = after[id];
        if (JSON.stringify(was) === JSON.stringify(now)) continue;
        if (now === undefined) entities.delete(id);
        else if (was === undefined || !entities.has(id)) writeLiveEntity(this.doc, id, now);
        else {
          const map = entities.get(id)!;
          const old = flattenEntity(was);
          const fresh = flattenEntity(now);
          for (const key of old.keys()) if (!fresh.has(key)) map.delete(key);
          for (const [key, value] of fresh)
            if (JSON.stringify(old.get(key)) !== JSON.stringify(value)) map.set(key, value);
        }
      }
    });
    this.doc.off('afterTransaction', capture);
    if (update.byteLength === 0 || !transaction) return null;
    const touched = [...touchedEntityIds(transaction, this.doc)];
    const staged = this.check(update, touched, undefined);
    if (!staged.problem) {
      this.accept(staged);
      return { update, problem: undefined };
    }
    const { correction } = this.correct(staged, staged.problem);
    return { update: Y.mergeUpdates([update, correction]), problem: staged.problem };
  }

  private accept(staged: Staged): void {
    const written = { ...this.written };
    const parsed = { ...this.parsed };
    for (const [id, entity] of staged.next) {
      if (entity.written === undefined || entity.parsed === undefined) {
        delete written[id];
        delete parsed[id];
      } else {
        written[id] = entity.written;
        parsed[id] = entity.parsed;
        this.known.add(id);
      }
    }
    this.written = written;
    this.parsed = parsed;
  }

  /** Checks what an update made of the touched entities. `author` undefined: the server's own change. */
  private check(update: Uint8Array, touched: string[], author: LiveAuthor | undefined): Staged {
    const next: Staged['next'] = new Map();
    let problem: string | undefined;
    const parsed = { ...this.parsed };
    for (const id of touched) {
      const written = liveEntityJson(this.doc, id);
      if (written === undefined) {
        next.set(id, { written: undefined, parsed: undefined });
        delete parsed[id];
        continue;
      }
      if (
        author &&
        !Object.hasOwn(this.written, id) &&
        !this.known.has(id) &&
        !id.endsWith(`-${author.idTag}`)
      ) {
        problem ??= `new entity "${id}": the ids of your new entities end in "-${author.idTag}" (so no two editors mint the same one)`;
        continue;
      }
      const read = sceneEntitySchema.safeParse(written);
      if (!read.success) {
        const issue = read.error.issues[0]!;
        problem ??= `${issue.message} (at ${jsonPointer(['entities', id, ...issue.path])})`;
        continue;
      }
      next.set(id, { written, parsed: read.data });
      parsed[id] = read.data;
    }
    if (!problem && touched.length > 0) {
      if (Object.keys(parsed).length > MAX_SCENE_ENTITIES)
        problem = `a scene holds at most ${MAX_SCENE_ENTITIES} entities`;
      else {
        const issue = sceneStructureIssues(parsed)[0];
        if (issue) problem = `${issue.message} (at ${jsonPointer(issue.path)})`;
      }
    }
    return { update, touched, next, problem, malformed: undefined };
  }

  /** Runs `change` as one server transaction; answers its update (empty when it changed nothing). */
  private serverChange(change: () => void): Uint8Array {
    let captured: Uint8Array = new Uint8Array(0);
    const capture = (update: Uint8Array) => {
      captured = captured.byteLength === 0 ? update : Y.mergeUpdates([captured, update]);
    };
    this.doc.on('update', capture);
    try {
      this.doc.transact(change, SERVER_ORIGIN);
    } finally {
      this.doc.off('update', capture);
    }
    return captured;
  }
}
