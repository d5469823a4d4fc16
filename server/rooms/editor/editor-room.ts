/**
 * One world's draft edited live (RoomName.editor): one room per draft across processes (a lease, as world
 * instances hold their numbers), its editors admitted by the REST API's policy and checked again every
 * half second (a demoted editor turns read-only, a removed one is sent away). Updates are handled one at a
 * time: integrated and checked (live-draft.ts), their references looked up, then relayed or corrected and
 * acknowledged. The draft is saved (live-draft-store.ts) half a second after the last change and at most
 * two seconds after the first unsaved one, and when the last editor leaves; a REST edit of the saved draft
 * is merged into the live one.
 */
import { CloseCode, Room, ServerError, type AuthContext, type Client, type Deferred } from '@colyseus/core';
import * as Y from 'yjs';
import type { Logger } from 'pino';
import {
  ChunkAssembler,
  chunkSchema,
  EDITOR_MESSAGES_PER_SECOND,
  EditorMessage,
  EditorPresence,
  EditorState,
  editorJoinOptionsSchema,
  idTagOf,
  LIVE_SAVE_MAX_MS,
  LIVE_SAVE_QUIET_MS,
  presenceSchema,
  type AckMessage,
  type Chunk,
  type ReadOnlyMessage,
  type SavedMessage,
  type WelcomeMessage,
} from '../../../protocol/index.js';
import type { World } from '../../db/index.js';
import { ANONYMOUS, Problem, type Principal } from '../../control-plane/index.js';
import { INSTANCE_LEASE_MS, renewLease } from '../instances/instance-lock.js';
import { violatedProtocol } from '../protocol-violations.js';
import { RECONNECT_GRACE_SECONDS, WORLD_DELETED_CLOSE_CODE } from '../close-codes.js';
import { LiveDraft, type LiveAuthor, type Staged } from './live-draft.js';
import type { EditorAdmitted, EditorRoomDeps } from './editor-room-deps.js';
import { colourOfAccount } from './editor-colours.js';

/** How often editors' roles and the saved draft's ETag are read again, in ms. */
export const EDITOR_RECHECK_MS = 500;
/** Close code for an editor whose access to the draft was taken away. */
export const EDITOR_REMOVED_CLOSE_CODE = 4413;

interface Editor {
  client: Client;
  author: LiveAuthor;
  auth: EditorAdmitted;
  chunks: ChunkAssembler;
  canEdit: boolean;
  /** This editor's last update applied (−1: none yet). */
  lastSeq: number;
  /** Whether its next 'resync' update is expected (one after each welcome). */
  resyncAllowed: boolean;
  /** The connection its last state vector came on: one per connection (each is answered with the draft). */
  vectorFrom: Client | undefined;
  /** Whether it was told it may not edit (an update after that closes its connection). */
  toldReadOnly: boolean;
  /** Set while its connection is down and the room waits for it to come back. */
  waiting: Deferred<Client> | undefined;
}

const parseJoin = (options: unknown) => {
  const read = editorJoinOptionsSchema.safeParse(options);
  if (!read.success)
    throw new ServerError(
      400,
      `editor: ${read.error.issues[0]!.message} (join options ${JSON.stringify(read.error.issues[0]!.path)}); send { world, clientId }`,
    );
  return read.data;
};

export function createEditorRoom(deps: EditorRoomDeps) {
  return class EditorRoom extends Room<{ state: EditorState }> {
    override maxMessagesPerSecond = EDITOR_MESSAGES_PER_SECOND;
    override maxClients = 64;
    override state = new EditorState();
    private world!: World;
    private live!: LiveDraft;
    private log: Logger = deps.logger;
    private readonly editors = new Map<string, Editor>();
    /** Updates are handled in order, one at a time (a reference lookup may wait on the database). */
    private queue: Promise<void> = Promise.resolve();
    private lease: { worldId: string; instance: number; owner: string } | undefined;
    /** The ETag of the draft as last saved (by this room, or found at start). */
    private savedEtag = '';
    /** The entities as last saved: a REST edit is merged as the difference from these. */
    private savedEntities: Record<string, unknown> = {};
    /** Accounts whose changes the next save holds, and who they are. */
    private readonly authors = new Map<string, Principal>();
    private dirtySince: number | undefined;
    private saveTimer: ReturnType<typeof setTimeout> | undefined;
    private saving: Promise<void> | undefined;
    private checking = false;
    /** Set once the world was deleted (nothing more is saved) or the room is going away. */
    private worldGone = false;
    private disposing = false;

    static override onAuth(token: string | undefined, options: unknown, context: AuthContext) {
      const { world } = parseJoin(options);
      return deps.admission.admit(token, world, context.headers.get('origin') ?? undefined);
    }

    override async onCreate(options: unknown): Promise<void> {
      const { world: slug } = parseJoin(options);
      const world = await deps.worlds.findBySlug(slug);
      if (!world)
        throw new ServerError(404, `editor: world "${slug}" does not exist; check the world's slug`);
      this.world = world;
      this.log = deps.logger.child({ room: this.roomId, world: slug, kind: 'editor' });
      // One live room per draft, even across processes: number 1 of the draft's lease, or refuse.
      const key = `editor:${world.id}`;
      const instance = await deps.lock.claim(key, this.roomId);
      if (instance !== 1) {
        await deps.lock.release(key, instance, this.roomId);
        throw new ServerError(
          409,
          `editor: the draft of "${slug}" is already open on another process; join again`,
        );
      }
      this.lease = { worldId: key, instance, owner: this.roomId };
      const loaded = await deps.store.load(world);
      this.live = new LiveDraft(loaded.doc);
      this.savedEtag = loaded.etag;
      this.savedEntities = loaded.entities;
      // The Yjs state kept is older than the draft (a REST edit while nobody edited live): merge it in.
      if (loaded.stateEntities) {
        this.live.mergeSaved(loaded.stateEntities, loaded.entities);
        this.markDirty(null);
      }
      await this.setMetadata({ world: slug });
      this.clock.setInterval(() => renewLease(deps.lock, this.lease!, this.log), INSTANCE_LEASE_MS / 3);
      this.clock.setInterval(() => void this.recheck(), EDITOR_RECHECK_MS);

      this.onMessage(EditorMessage.chunk, chunkSchema, (client, chunk) => this.onChunk(client, chunk));
      this.onMessage(EditorMessage.presence, presenceSchema, (client, presence) => {
        const shown = this.state.editors.get(client.sessionId);
        if (!shown) return;
        shown.selection.splice(0, shown.selection.length, ...presence.selection);
        const camera = presence.camera ? [...presence.camera.position, ...presence.camera.target] : [];
        shown.camera.splice(0, shown.camera.length, ...camera);
        shown.pointer.splice(0, shown.pointer.length, ...(presence.pointer ?? []));
      });
      // After the updates sent before it (the queue), then saved: answers the saved draft's ETag.
      // A request: Colyseus awaits a returned promise and answers with its value (RoomMessages.onRequest).
      // eslint-disable-next-line @typescript-eslint/no-misused-promises
      this.onMessage(EditorMessage.save, () => this.answerSave());
    }

    override onJoin(client: Client, options: unknown, auth: EditorAdmitted): void {
      const { clientId } = parseJoin(options);
      for (const [sessionId, other] of this.editors)
        if (other.author.clientId === clientId) {
          // The same studio joining afresh while its old session waits to reconnect: the old one ends.
          if (other.waiting && other.auth.accountId === auth.accountId) {
            (other.waiting.reject as (reason?: unknown) => void)(new Error('the same studio joined again'));
            this.editors.delete(sessionId);
            this.state.editors.delete(sessionId);
          } else
            throw new ServerError(409, 'editor: another studio uses this Yjs client id; reload the page');
        }
      const editor: Editor = {
        client,
        author: { clientId, idTag: idTagOf(clientId) },
        auth,
        chunks: new ChunkAssembler(),
        canEdit: auth.canEdit,
        lastSeq: -1,
        resyncAllowed: false,
        vectorFrom: undefined,
        toldReadOnly: false,
        waiting: undefined,
      };
      this.editors.set(client.sessionId, editor);
      this.state.editors.set(
        client.sessionId,
        new EditorPresence({
          name: auth.displayName,
          colour: colourOfAccount(auth.accountId),
          account: auth.accountId,
          canEdit: auth.canEdit,
          clientId,
        }),
      );
    }

    override onDrop(client: Client, code?: number): void {
      if (code === CloseCode.WITH_ERROR || code === EDITOR_REMOVED_CLOSE_CODE || violatedProtocol(client))
        return;
      const editor = this.editors.get(client.sessionId);
      const waiting = this.allowReconnection(client, RECONNECT_GRACE_SECONDS);
      waiting.catch(() => undefined); // expiry (or a fresh join of the same studio) → onLeave
      if (editor) editor.waiting = waiting;
    }

    /** The same editor on a new connection: answers go to it from now on. */
    override onReconnect(client: Client): void {
      const editor = this.editors.get(client.sessionId);
      if (editor) {
        editor.client = client;
        editor.waiting = undefined;
        editor.chunks = new ChunkAssembler(); // a message cut off by the drop is sent again whole
      }
    }

    override onLeave(client: Client): void {
      if (this.editors.get(client.sessionId)?.client !== client && this.editors.has(client.sessionId)) return;
      this.editors.delete(client.sessionId);
      this.state.editors.delete(client.sessionId);
      if (this.editors.size === 0) void this.saveNow();
    }

    override async onDispose(): Promise<void> {
      this.disposing = true;
      await this.queue;
      await this.saveNow();
      clearTimeout(this.saveTimer);
      if (this.lease) await deps.lock.release(this.lease.worldId, this.lease.instance, this.lease.owner);
    }

    private onChunk(client: Client, chunk: Chunk): void {
      const editor = this.editors.get(client.sessionId);
      if (!editor) return;
      const whole = editor.chunks.add(chunk);
      if (whole === null) return;
      if (typeof whole === 'string') return this.refuse(editor, whole);
      // Through the queue: the answer holds every update this studio sent before its vector.
      if (whole.kind === 'vector') {
        // Each vector is answered with what the studio lacks (up to the whole draft): once per connection.
        if (editor.vectorFrom === editor.client)
          return this.refuse(editor, 'a second state vector on one connection');
        editor.vectorFrom = editor.client;
        return void this.enqueue(() => this.welcome(editor, whole.bytes));
      }
      const resync = whole.kind === 'resync';
      if (resync && !editor.resyncAllowed) return this.refuse(editor, 'a resync without a welcome before it');
      if (resync) editor.resyncAllowed = false;
      void this.enqueue(() => this.onUpdate(editor, whole.seq, whole.bytes, resync));
    }

    /** Runs `work` after every change queued before it: changes of the live draft never interleave. */
    private enqueue(work: () => void | Promise<void>): Promise<void> {
      this.queue = this.queue
        .then(work)
        .catch((error: unknown) =>
          this.log.error({ err: error }, 'a live draft change could not be handled'),
        );
      return this.queue;
    }

    /** Answers a state vector with what the studio lacks and what it may do. */
    private welcome(editor: Editor, vector: Uint8Array): void {
      let update: Uint8Array;
      try {
        update = Y.encodeStateAsUpdate(this.live.doc, vector);
      } catch {
        return this.refuse(editor, 'the state vector could not be read');
      }
      editor.resyncAllowed = true;
      editor.client.send(EditorMessage.welcome, {
        update,
        vector: Y.encodeStateVector(this.live.doc),
        idTag: editor.author.idTag,
        canEdit: editor.canEdit,
        etag: this.savedEtag,
      } satisfies WelcomeMessage);
    }

    /**
     * `resync`: the update right after a welcome, which may carry other editors' changes (received before an
     * outage, never saved): exact copies of theirs, which Yjs takes once. Any other update may carry only
     * the sender's own.
     */
    private async onUpdate(editor: Editor, seq: number, update: Uint8Array, resync = false): Promise<void> {
      if (!this.editors.has(editor.client.sessionId)) return;
      if (!editor.canEdit) {
        // Told once, with the draft as it stands; a studio told never sends another.
        if (editor.toldReadOnly) return this.refuse(editor, 'an update after being told it may not edit');
        editor.toldReadOnly = true;
        return this.sendReadOnly(editor, 'you may not edit this draft');
      }
      const staged = this.live.stage(update, editor.author, () => resync);
      if (typeof staged === 'string') return this.refuse(editor, staged);
      const problem = staged.problem ?? (await this.referenceProblem(staged));
      const outcome = problem ? this.live.correct(staged, problem) : this.live.commit(staged);
      if (outcome.kind === 'malformed') return this.refuse(editor, outcome.reason);
      this.broadcast(EditorMessage.update, { update: outcome.relay }, { except: editor.client });
      if (outcome.kind === 'corrected')
        editor.client.send(EditorMessage.update, { update: outcome.correction });
      editor.lastSeq = seq;
      editor.client.send(EditorMessage.ack, { seq, ...(problem ? { problem } : {}) } satisfies AckMessage);
      if (outcome.kind === 'applied' && outcome.touched.length > 0) this.markDirty(editor.auth);
      else if (this.dirtySince === undefined) void this.confirmSaved(editor, seq);
      if (staged.malformed) this.refuse(editor, staged.malformed);
    }

    /** Assets, worlds and bindings the touched entities name must exist (as a REST save checks). */
    private async referenceProblem(staged: Staged): Promise<string | undefined> {
      const entities = Object.fromEntries(
        [...staged.next].flatMap(([id, entity]) => (entity.parsed ? [[id, entity.parsed]] : [])),
      );
      if (Object.keys(entities).length === 0) return undefined;
      try {
        await deps.store.checkReferences(this.world, entities);
        return undefined;
      } catch (error) {
        if (error instanceof Problem) return error.message;
        throw error;
      }
    }

    /** Closes one editor's connection for a message it should never send; nobody else is touched. */
    private refuse(editor: Editor, reason: string): void {
      this.log.warn({ session: editor.client.sessionId, reason }, 'editor sent an invalid live update');
      editor.client.leave(CloseCode.WITH_ERROR, `editor: ${reason}`.slice(0, 120));
    }

    private sendReadOnly(editor: Editor, reason: string): void {
      editor.client.send(EditorMessage.readOnly, {
        reason,
        state: Y.encodeStateAsUpdate(this.live.doc),
      } satisfies ReadOnlyMessage);
    }

    private markDirty(author: EditorAdmitted | null): void {
      if (author) this.authors.set(author.accountId, author.principal);
      const now = Date.now();
      this.dirtySince ??= now;
      clearTimeout(this.saveTimer);
      const wait = Math.max(0, Math.min(LIVE_SAVE_QUIET_MS, this.dirtySince + LIVE_SAVE_MAX_MS - now));
      this.saveTimer = setTimeout(() => void this.saveNow(), wait);
    }

    /** Nothing of `seq` is left to save (it was corrected, or changed nothing): say so once earlier saves end. */
    private async confirmSaved(editor: Editor, seq: number): Promise<void> {
      await this.saving;
      if (this.dirtySince === undefined)
        editor.client.send(EditorMessage.saved, { etag: this.savedEtag, seq } satisfies SavedMessage);
    }

    /** A studio's "save now" (Publish, Play): after the updates it sent before, saved. */
    private async answerSave(): Promise<{ etag: string }> {
      await this.queue;
      await this.saveNow();
      return { etag: this.savedEtag };
    }

    /** Saves what is applied and not yet saved; then tells every editor. */
    private async saveNow(): Promise<void> {
      if (this.saving) await this.saving;
      if (this.dirtySince === undefined || this.worldGone) return;
      clearTimeout(this.saveTimer);
      this.dirtySince = undefined;
      const authors = new Map(this.authors);
      this.authors.clear();
      const seqs = new Map([...this.editors].map(([id, editor]) => [id, editor.lastSeq]));
      this.saving = this.save(authors)
        .then(() => {
          for (const [id, editor] of this.editors)
            editor.client.send(EditorMessage.saved, {
              etag: this.savedEtag,
              seq: seqs.get(id) ?? -1,
            } satisfies SavedMessage);
        })
        .catch((error: unknown) => {
          if (this.worldGone) return; // nothing left to save into
          this.log.error({ err: error }, 'saving the live draft failed; trying again');
          for (const [account, principal] of authors) this.authors.set(account, principal);
          // Again shortly while the room lives; the last try is onDispose's (a timer would outlive it).
          if (!this.disposing) this.markDirty(null);
        })
        .finally(() => {
          this.saving = undefined;
        });
      await this.saving;
    }

    private async save(authors: Map<string, Principal>): Promise<void> {
      const who = { accounts: [...authors.keys()], writer: [...authors.values()].at(-1) ?? ANONYMOUS };
      for (let attempt = 0; attempt < 3; attempt++) {
        // A snapshot: entity records are replaced, never changed, as updates are applied.
        const entities = this.live.entities();
        const state = Y.encodeStateAsUpdate(this.live.doc);
        const saved = await deps.store.save(this.world, state, entities, this.savedEtag, who);
        if (saved.kind === 'saved') {
          this.savedEtag = saved.etag;
          this.savedEntities = entities;
          return;
        }
        // Someone saved through the REST API meanwhile: merge their change in, then save again.
        await this.enqueue(() => this.mergeSaved(saved.entities, saved.etag));
      }
      throw new Error('the draft kept changing under the live save (three REST edits in a row)');
    }

    /** A REST edit of the saved draft: its changes written into the live draft and relayed. */
    private mergeSaved(entities: Record<string, unknown>, etag: string): void {
      const merged = this.live.mergeSaved(this.savedEntities, entities);
      this.savedEtag = etag;
      this.savedEntities = entities;
      if (!merged) return;
      this.broadcast(EditorMessage.update, { update: merged.update });
      if (merged.problem) this.log.warn({ problem: merged.problem }, 'a REST edit could not be merged whole');
      this.markDirty(null);
    }

    /** Roles (a demoted editor turns read-only, a removed one leaves) and REST edits of the saved draft. */
    private async recheck(): Promise<void> {
      if (this.checking) return;
      this.checking = true;
      try {
        const world = await deps.worlds.findBySlug(this.world.slug);
        if (!world || world.id !== this.world.id) {
          this.worldGone = true;
          this.dirtySince = undefined;
          clearTimeout(this.saveTimer);
          for (const editor of this.editors.values())
            editor.client.leave(WORLD_DELETED_CLOSE_CODE, 'editor: this world was deleted');
          return;
        }
        this.world = world;
        const decided = new Map<string, { canEdit: boolean; reason: string }>();
        for (const editor of [...this.editors.values()]) {
          const account = editor.auth.accountId;
          if (!decided.has(account)) decided.set(account, await deps.admission.recheck(editor.auth, world));
          const now = decided.get(account)!;
          if (!now.canEdit) {
            // Read-only from now on: the state as it stands, then no more of a draft it may not read.
            const shown = this.state.editors.get(editor.client.sessionId);
            if (shown) shown.canEdit = false;
            editor.canEdit = false;
            editor.toldReadOnly = true;
            this.sendReadOnly(editor, now.reason);
            editor.client.leave(EDITOR_REMOVED_CLOSE_CODE, 'editor: your role changed');
          }
        }
        if (!this.saving) {
          const head = await deps.store.savedEtag(world);
          if (head !== this.savedEtag) {
            const fresh = await deps.store.savedDraft(world);
            await this.enqueue(() => {
              if (fresh.etag !== this.savedEtag && !this.saving) this.mergeSaved(fresh.entities, fresh.etag);
            });
          }
        }
      } catch (error) {
        this.log.error({ err: error }, 'rechecking the editors and the saved draft failed');
      } finally {
        this.checking = false;
      }
    }
  };
}
