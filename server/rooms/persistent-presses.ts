/**
 * The world's persistent state held by one instance (today: the demo button's press count). Presses are
 * queued by the message handler, applied by the tick, and each is answered only once a snapshot holding
 * it is committed. Snapshots are compare-and-set: when another instance of the world saved first, this one
 * reloads and adds its unsaved presses on top, so presses from every instance add up.
 */
import type { Logger } from 'pino';
import type { PressReply } from '../../protocol/index.js';
import type { WorldStateRepository } from '../db/index.js';
import { SnapshotWriter } from './snapshot-writer.js';

/** Button presses waiting for the next tick, per room; more are refused until the tick catches up. */
export const MAX_PENDING_PRESSES = 256;

interface PendingPress {
  resolve: (reply: PressReply) => void;
  reject: (error: Error) => void;
}

export class PersistentPresses {
  /** The count as visitors see it (stored + unsaved). */
  presses = 0;
  /** Revision and count of the snapshot as last loaded or saved by this instance. */
  private revision = 0;
  private storedPresses = 0;
  /** Presses applied here and not yet saved (other instances of the world may save meanwhile). */
  private unsavedPresses = 0;
  private pending: PendingPress[] = [];
  private readonly writer: SnapshotWriter;
  /** Set when the world is deleted: there is nothing left to save into. */
  private discarded = false;

  private constructor(
    private readonly worldId: string,
    private readonly states: WorldStateRepository,
    log: () => Logger,
  ) {
    this.writer = new SnapshotWriter({
      save: () => this.save(),
      onError: (error) => log().error({ err: error }, 'saving world state failed; retrying'),
    });
  }

  static async load(
    worldId: string,
    states: WorldStateRepository,
    log: () => Logger,
  ): Promise<PersistentPresses> {
    const held = new PersistentPresses(worldId, states, log);
    const stored = await states.load(worldId);
    if (stored) {
      held.revision = stored.revision;
      held.storedPresses = stored.state.presses;
      held.presses = stored.state.presses;
    }
    return held;
  }

  get savedRevision(): number {
    return this.revision;
  }

  /** Queues a press; its reply comes once stored. Refused when too many are waiting. */
  enqueue(): Promise<PressReply> {
    if (this.pending.length >= MAX_PENDING_PRESSES)
      throw new Error('press: too many presses are waiting; try again in a moment');
    return new Promise<PressReply>((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  /** Applies queued presses (from the tick); each is answered once a snapshot that contains it is stored. */
  apply(): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    for (const press of pending) {
      this.presses += 1;
      this.unsavedPresses += 1;
      const reply: PressReply = { presses: this.presses };
      this.writer.markDirty().then(() => press.resolve(reply), press.reject);
    }
  }

  /** The world is gone: stop saving. */
  discard(): void {
    this.discarded = true;
  }

  /** Applies what is queued and saves it; the last save of a closing instance. */
  async close(): Promise<void> {
    this.apply();
    await this.writer.close();
  }

  private async save(): Promise<void> {
    if (this.discarded) return;
    for (let attempt = 0; attempt < 5; attempt++) {
      const delta = this.unsavedPresses;
      const presses = this.storedPresses + delta;
      if (await this.states.compareAndSave(this.worldId, this.revision, { v: 1, presses })) {
        this.revision += 1;
        this.storedPresses = presses;
        this.unsavedPresses -= delta;
        this.presses = presses + this.unsavedPresses;
        return;
      }
      const stored = await this.states.load(this.worldId);
      this.revision = stored?.revision ?? 0;
      this.storedPresses = stored?.state.presses ?? 0;
    }
    throw new Error('world state: other instances of this world kept saving first; retrying shortly');
  }
}
