/**
 * The studio editing a draft live with other editors: a LiveReplica kept in step with the server's editor
 * room (RoomName.editor). Changes are sent 20 times a second at most (a drag's steps merged), each
 * acknowledged as *applied* (relayed to the others) or corrected (the server's fix arrives first, then the
 * reason); *saved* comes when the server has written the draft. While the connection is down the studio
 * keeps editing; on the way back (the SDK's reconnect, or a fresh join when the room's process is gone) the
 * state vectors are exchanged and whatever either side lacks is sent, so offline edits merge.
 *
 * No DOM: the studio runs it in the browser, bench:collab's editors in Node.
 */
import { Client, type Room } from '@colyseus/sdk';
import * as Y from 'yjs';
import {
  chunksOf,
  EditorMessage,
  RoomName,
  type AckMessage,
  type Chunk,
  type EditorJoinOptions,
  type EditorState,
  type Presence,
  type ReadOnlyMessage,
  type SavedMessage,
  type WelcomeMessage,
} from '../../../../../protocol/index.js';
import type { Command, EditorSession, SaveState } from '../draft-session.js';
import { LiveReplica, type SceneChange } from './live-replica.js';

/** Least time between two sends of changes, in ms (20 a second). */
const SEND_EVERY_MS = 50;
/** Chunks sent at once, and the pause before the next burst, in ms (40 every 500 ms: 80 a second). */
const CHUNKS_PER_BURST = 40;
const BURST_MS = 500;
/** Least time between two presence messages, in ms. */
const PRESENCE_EVERY_MS = 100;
/** Tries to resume the session after a drop before joining afresh. */
const RESUME_ATTEMPTS = 4;
/** Waits between attempts to join again after the room was lost, in ms. */
const REJOIN_MS = [500, 1_000, 2_000, 5_000];
/** Close codes after which the studio does not join again (it was sent away on purpose), and why. */
const FINAL_CLOSE_CODES = new Map([
  [4002, 'the server refused what this studio sent (a fault of this page); reload to edit again'],
  [4410, 'this world no longer exists (it was deleted)'],
  [4413, 'you may no longer edit this world'],
  [4403, 'you may no longer edit this world'],
  [1000, 'the live draft closed; reload to edit again'],
]);

/** Another editor, as the studio shows it. */
export interface OtherEditor {
  sessionId: string;
  name: string;
  colour: string;
  canEdit: boolean;
  selection: string[];
  camera: { position: [number, number, number]; target: [number, number, number] } | null;
  pointer: [number, number, number] | null;
}

export interface LiveSessionOptions {
  /** The server's base URL (http or https). */
  endpoint: string;
  slug: string;
  /** The signed-in account's access token, or null when the session ended. */
  token: () => Promise<string | null>;
  /** Told the id tag new entity ids must end with, once welcomed. */
  onIdTag?: (tag: string) => void;
  /** Told after every change of the scene, the save state, the notices or the other editors. */
  onChange?: (change: SceneChange | null) => void;
  /** Told when the server acknowledges update `seq` (`problem`: it was corrected, not kept). */
  onAck?: (seq: number, problem: string | undefined) => void;
}

export class LiveDraftSession implements EditorSession {
  replica: LiveReplica;
  notices: string[] = [];
  /** The last saved draft's ETag. */
  etag = '';
  /** The suffix this studio's new entity ids end with (from the server). */
  idTag = '';
  /** Yjs update bytes sent and received since the draft opened (the welcome not counted). */
  bytesSent = 0;
  bytesReceived = 0;
  private room: Room<EditorState> | undefined;
  private connected = false;
  private seq = 0;
  private lastAcked = -1;
  private lastSent = -1;
  private lastSaved = -1;
  private readOnlyReason: string | undefined;
  private sendTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSendAt = 0;
  private presenceTimer: ReturnType<typeof setTimeout> | undefined;
  private presence: Presence | undefined;
  private lastPresenceAt = 0;
  private closed = false;
  /** Set once the first welcome came (later ones follow an outage). */
  private opened = false;
  /** Chunks waiting their turn (`pump`). */
  private outgoing: Chunk[] = [];
  private pumping: ReturnType<typeof setTimeout> | undefined;
  private welcomed: (() => void) | undefined;

  constructor(private readonly options: LiveSessionOptions) {
    this.replica = this.newReplica();
  }

  get scene() {
    return this.replica.scene;
  }
  get canUndo() {
    return !this.readOnly && this.replica.canUndo;
  }
  get canRedo() {
    return !this.readOnly && this.replica.canRedo;
  }
  get readOnly() {
    return this.readOnlyReason !== undefined;
  }

  get state(): SaveState {
    if (this.readOnlyReason !== undefined) return { kind: 'read-only', reason: this.readOnlyReason };
    if (!this.connected) return { kind: 'offline', retryInMs: REJOIN_MS[0]! };
    if (this.sendTimer !== undefined || this.lastSent > this.lastAcked) return { kind: 'pending' };
    if (this.lastAcked > this.lastSaved) return { kind: 'applied' };
    return { kind: 'saved' };
  }

  /** Joins the draft's editor room and waits for the draft. */
  async open(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.join();
      } catch (error) {
        // Two processes made the draft's room at once and this one lost the lease (409): the other's
        // room is listed a moment later, and the next join finds it.
        if ((error as { code?: number }).code !== 409 || attempt >= 4) throw error;
        await new Promise((resolve) => setTimeout(resolve, 300 * (attempt + 1)));
      }
    }
  }

  /** Leaves for good (the page closes): what is applied the server saves when the last editor leaves. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.sendTimer);
    this.sendNow();
    // A connection that is already gone never answers: do not wait on it.
    const left = this.room?.leave(true).catch(() => undefined);
    await Promise.race([left, new Promise((resolve) => setTimeout(resolve, 2_000))]);
  }

  run(command: Command): string | null {
    if (this.readOnlyReason !== undefined) return this.readOnlyReason;
    const problem = this.replica.run(command.forward, command.mergeKey);
    if (problem === null) this.scheduleSend();
    return problem;
  }

  undo(): void {
    if (this.readOnly) return;
    this.replica.undo();
    this.scheduleSend();
  }

  redo(): void {
    if (this.readOnly) return;
    this.replica.redo();
    this.scheduleSend();
  }

  /** Sends what is unsent, then asks the server to save; resolves once the draft holds it. */
  async flush(): Promise<void> {
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
    this.sendNow();
    if (!this.room || !this.connected)
      throw new Error('not connected to the live draft; try again once back online');
    const answer: unknown = await this.room.request(EditorMessage.save);
    const { etag } = answer as { etag: string };
    this.etag = etag;
    this.lastSaved = Math.max(this.lastSaved, this.lastAcked);
    this.changed(null);
  }

  lock(reason: string): void {
    if (this.readOnlyReason !== undefined) return;
    this.readOnlyReason = reason;
    clearTimeout(this.sendTimer);
    this.sendTimer = undefined;
    this.changed(null);
  }

  /** Where this editor looks and what it has selected, for the others (sent 10 times a second at most). */
  setPresence(presence: Presence): void {
    this.presence = presence;
    if (this.presenceTimer !== undefined) return;
    const wait = Math.max(0, this.lastPresenceAt + PRESENCE_EVERY_MS - Date.now());
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = undefined;
      this.lastPresenceAt = Date.now();
      if (this.connected && this.presence) this.room?.send(EditorMessage.presence, this.presence);
    }, wait);
  }

  /** The other editors in the room, as the server describes them. */
  others(): OtherEditor[] {
    const editors = this.room?.state?.editors;
    // Away from the room (offline, or sent away) its last picture of who is there is stale: show no one.
    if (!editors || !this.connected) return [];
    const out: OtherEditor[] = [];
    editors.forEach((editor, sessionId) => {
      if (sessionId === this.room?.sessionId) return;
      const camera = [...editor.camera];
      const pointer = [...editor.pointer];
      out.push({
        sessionId,
        name: editor.name,
        colour: editor.colour,
        canEdit: editor.canEdit,
        selection: [...editor.selection],
        camera:
          camera.length === 6
            ? {
                position: camera.slice(0, 3) as [number, number, number],
                target: camera.slice(3, 6) as [number, number, number],
              }
            : null,
        pointer: pointer.length === 3 ? (pointer as [number, number, number]) : null,
      });
    });
    return out;
  }

  private newReplica(doc?: Y.Doc): LiveReplica {
    return new LiveReplica((change) => {
      // Told only about what this editor had selected (what it was working on), not every delete.
      if (change.remote)
        for (const id of change.removedRemotely)
          if (this.presence?.selection.includes(id) && !this.refusedOwn(id))
            this.notice(`“${id}” was deleted by another editor while you had it selected.`);
      this.changed(change);
    }, doc);
  }

  /** Whether a removal is the server taking back an entity this studio added (said by the ack instead). */
  private refusedOwn(id: string): boolean {
    return this.idTag !== '' && id.endsWith(`-${this.idTag}`) && this.lastSent > this.lastAcked;
  }

  private changed(change: SceneChange | null): void {
    this.options.onChange?.(change);
  }

  private notice(text: string): void {
    this.notices.push(text);
    if (this.notices.length > 50) this.notices.splice(0, this.notices.length - 50);
  }

  private scheduleSend(): void {
    if (this.sendTimer !== undefined) return this.changed(null);
    const wait = Math.max(0, this.lastSendAt + SEND_EVERY_MS - Date.now());
    this.sendTimer = setTimeout(() => {
      this.sendTimer = undefined;
      this.sendNow();
      this.changed(null);
    }, wait);
    this.changed(null);
  }

  /** Sends this studio's queued changes as one update (kept for the reconnect exchange when offline). */
  private sendNow(): void {
    if (!this.connected || !this.room) return;
    const update = this.replica.takeOutgoing();
    if (!update) return;
    this.lastSendAt = Date.now();
    this.sendUpdate(update);
  }

  /** The sequence number the next update sent will carry (edits made now travel in it). */
  get nextSeq(): number {
    return this.seq + 1;
  }

  private sendUpdate(update: Uint8Array, kind: 'update' | 'resync' = 'update'): void {
    this.bytesSent += update.byteLength;
    const seq = ++this.seq;
    this.lastSent = seq;
    this.outgoing.push(...chunksOf(kind, seq, update));
    this.pump();
  }

  /**
   * Sends queued chunks, at most CHUNKS_PER_BURST every BURST_MS: the server disconnects a client above
   * EDITOR_MESSAGES_PER_SECOND, and a large paste is hundreds of chunks.
   */
  private pump(): void {
    if (this.pumping) return;
    const burst = this.outgoing.splice(0, CHUNKS_PER_BURST);
    for (const chunk of burst) this.room?.send(EditorMessage.chunk, chunk);
    if (this.outgoing.length === 0) return;
    this.pumping = setTimeout(() => {
      this.pumping = undefined;
      this.pump();
    }, BURST_MS);
  }

  private async join(): Promise<void> {
    const client = new Client(this.options.endpoint);
    const token = await this.options.token();
    if (!token) throw new Error('the session ended; sign in again');
    client.auth.token = token;
    const options: EditorJoinOptions = { world: this.options.slug, clientId: this.replica.doc.clientID };
    const room = await client.joinOrCreate<EditorState>(RoomName.editor, options);
    // A few quick tries to resume the same session; then a fresh join, which merges just as well (and is
    // all that works once the room's process is gone).
    room.reconnection.maxRetries = RESUME_ATTEMPTS;
    this.room = room;
    const welcomed = new Promise<void>((resolve) => {
      this.welcomed = resolve;
    });
    room.onMessage(EditorMessage.welcome, (message: WelcomeMessage) => this.onWelcome(message));
    room.onMessage(EditorMessage.update, ({ update }: { update: Uint8Array }) => {
      this.bytesReceived += update.byteLength;
      this.replica.receive(update);
    });
    room.onMessage(EditorMessage.ack, ({ seq, problem }: AckMessage) => {
      this.lastAcked = Math.max(this.lastAcked, seq);
      if (problem) this.notice(`Your change was not kept: ${problem}`);
      this.options.onAck?.(seq, problem);
      this.changed(null);
    });
    room.onMessage(EditorMessage.saved, ({ etag, seq }: SavedMessage) => {
      this.etag = etag;
      this.lastSaved = Math.max(this.lastSaved, seq);
      this.changed(null);
    });
    room.onMessage(EditorMessage.readOnly, ({ reason, state }: ReadOnlyMessage) => {
      // What this studio changed and the server did not keep is dropped: the server's copy is the truth.
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      this.replica = this.newReplica(doc);
      this.lock(reason);
    });
    room.onStateChange(() => this.changed(null));
    room.onDrop(() => {
      this.connected = false;
      this.changed(null);
    });
    room.onReconnect(() => this.handshake());
    room.onLeave((code) => {
      this.connected = false;
      this.changed(null);
      if (this.closed || this.readOnlyReason !== undefined) return;
      const final = FINAL_CLOSE_CODES.get(code);
      if (final) return this.lock(final);
      void this.rejoin();
    });
    this.handshake();
    await welcomed;
  }

  /** Our state vector; the server answers with what we lack and its own vector (onWelcome). */
  private handshake(): void {
    // Chunks still queued from before would interleave with the vector's: the exchange re-sends their content.
    this.outgoing = [];
    clearTimeout(this.pumping);
    this.pumping = undefined;
    for (const chunk of chunksOf('vector', 0, Y.encodeStateVector(this.replica.doc)))
      this.room!.send(EditorMessage.chunk, chunk);
  }

  private onWelcome(message: WelcomeMessage): void {
    this.replica.receive(message.update);
    this.etag = message.etag;
    this.idTag = message.idTag;
    this.options.onIdTag?.(message.idTag);
    if (!message.canEdit) this.lock('you may not edit this draft');
    // Whatever the server lacks — changes made offline, or sent and lost with the connection — goes now.
    this.replica.dropOutgoing();
    this.outgoing = []; // chunks not sent on the old connection: their content is in `missing`
    this.lastAcked = Math.max(this.lastAcked, this.lastSent); // what was lost on the way is in `missing`
    const missing = Y.encodeStateAsUpdate(this.replica.doc, message.vector);
    this.connected = true;
    const decoded = Y.decodeUpdate(missing);
    if (decoded.structs.length > 0 || decoded.ds.clients.size > 0) {
      this.sendUpdate(missing, 'resync');
      // Say what the outage held back: changes made offline, or applied and not yet saved when it began.
      if (this.opened)
        this.notice('Back online: changes the server did not have yet were sent again and merged.');
    }
    this.opened = true;
    this.welcomed?.();
    this.welcomed = undefined;
    this.changed(null);
  }

  private async rejoin(): Promise<void> {
    for (let attempt = 0; !this.closed && this.readOnlyReason === undefined; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, REJOIN_MS[Math.min(attempt, REJOIN_MS.length - 1)]));
      try {
        await this.join();
        return;
      } catch {
        // The server is still away (or restarting): try again.
      }
    }
  }
}
