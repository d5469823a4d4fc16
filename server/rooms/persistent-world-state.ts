/**
 * The world's persistent state held by one instance: the demo button's press count and where visitors put
 * movable items. Presses are queued by the message handler, applied by the tick, and each is answered only
 * once a snapshot holding it is committed; item moves are saved the same way (debounced by the
 * SnapshotWriter: many changes → few writes). Snapshots are compare-and-set: when another instance of the
 * world saved first, this one reloads and puts its unsaved changes on top, so presses from every instance
 * add up and the latest move of each item wins.
 */
import type { Logger } from 'pino';
import type { ItemPose, PressReply } from '../../protocol/index.js';
import type { WorldSnapshot, WorldStateRepository } from '../db/index.js';
import { SnapshotWriter } from './snapshot-writer.js';

/** Button presses waiting for the next tick, per room; more are refused until the tick catches up. */
export const MAX_PENDING_PRESSES = 256;

interface PendingPress {
  resolve: (reply: PressReply) => void;
  reject: (error: Error) => void;
}

type StoredItems = Map<string, ItemPose>;

/** The items of a stored snapshot, skipping any entry that is not a finite pose (never trusted blindly). */
function itemsOf(snapshot: WorldSnapshot | undefined, log: () => Logger): StoredItems {
  const items: StoredItems = new Map();
  for (const [entity, pose] of Object.entries(snapshot?.items ?? {})) {
    const { x, y, z, yaw } = (pose ?? {}) as Partial<ItemPose>;
    if ([x, y, z, yaw].every((n) => typeof n === 'number' && Number.isFinite(n)))
      items.set(entity, { x: x!, y: y!, z: z!, yaw: yaw! });
    else log().warn({ entity }, 'world state: skipped a stored item whose pose is not four finite numbers');
  }
  return items;
}

export class PersistentWorldState {
  /** The count as visitors see it (stored + unsaved). */
  presses = 0;
  /** Revision and content of the snapshot as last loaded or saved by this instance. */
  private revision = 0;
  private storedPresses = 0;
  private storedItems: StoredItems = new Map();
  /** Presses applied here and not yet saved (other instances of the world may save meanwhile). */
  private unsavedPresses = 0;
  /** Item poses changed here and not yet saved (null: the item left the scene; forget its pose). */
  private readonly unsavedItems = new Map<string, ItemPose | null>();
  private pending: PendingPress[] = [];
  private readonly writer: SnapshotWriter;
  /** Set when the world is deleted: there is nothing left to save into. */
  private discarded = false;

  private constructor(
    private readonly worldId: string,
    private readonly states: WorldStateRepository,
    private readonly log: () => Logger,
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
  ): Promise<PersistentWorldState> {
    const held = new PersistentWorldState(worldId, states, log);
    const stored = await states.load(worldId);
    if (stored) {
      held.revision = stored.revision;
      held.storedPresses = stored.state.presses;
      held.presses = stored.state.presses;
      held.storedItems = itemsOf(stored.state, log);
    }
    return held;
  }

  /** A preview's copy: starts from the world's saved state and never writes it back. */
  static async loadSandboxed(
    worldId: string,
    states: WorldStateRepository,
    log: () => Logger,
  ): Promise<PersistentWorldState> {
    const held = await PersistentWorldState.load(worldId, states, log);
    held.discarded = true;
    return held;
  }

  get savedRevision(): number {
    return this.revision;
  }

  /** Where the item was last put, as saved or changed here; undefined when it rests where the scene puts it. */
  itemPose(entity: string): ItemPose | undefined {
    const unsaved = this.unsavedItems.get(entity);
    return unsaved === null ? undefined : (unsaved ?? this.storedItems.get(entity));
  }

  /**
   * Records that an item was put down at `pose`; saved with the next snapshot. Resolves once a snapshot
   * holding this pose (or a later move of the item) is committed; rejects if that save failed (the writer
   * retries; nobody has to wait on it). Undefined where nothing is ever stored (a preview's copy).
   */
  itemMoved(entity: string, pose: ItemPose): Promise<void> | undefined {
    this.unsavedItems.set(entity, { ...pose });
    return this.discarded ? undefined : this.markDirty();
  }

  /** Forgets the pose of items the scene no longer has, so a later item with the same id starts fresh. */
  forgetItemsExcept(keep: ReadonlySet<string>): void {
    let changed = false;
    for (const entity of new Set([...this.storedItems.keys(), ...this.unsavedItems.keys()])) {
      if (keep.has(entity) || this.unsavedItems.get(entity) === null) continue;
      this.unsavedItems.set(entity, null);
      changed = true;
    }
    if (changed) void this.markDirty();
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

  /**
   * A change nobody has to wait on (item moves): resolves once stored; a failure is logged and retried by
   * the writer, so the promise is marked handled here.
   */
  private markDirty(): Promise<void> {
    const saved = this.writer.markDirty();
    saved.catch(() => undefined);
    return saved;
  }

  private async save(): Promise<void> {
    if (this.discarded) return;
    for (let attempt = 0; attempt < 5; attempt++) {
      const delta = this.unsavedPresses;
      const presses = this.storedPresses + delta;
      const changedItems = new Map(this.unsavedItems);
      const items = new Map(this.storedItems);
      for (const [entity, pose] of changedItems) {
        if (pose) items.set(entity, pose);
        else items.delete(entity);
      }
      const snapshot: WorldSnapshot = { v: 1, presses, items: Object.fromEntries(items) };
      if (await this.states.compareAndSave(this.worldId, this.revision, snapshot)) {
        this.revision += 1;
        this.storedPresses = presses;
        this.storedItems = items;
        this.unsavedPresses -= delta;
        this.presses = presses + this.unsavedPresses;
        // Changes made while saving stay unsaved for the next snapshot.
        for (const [entity, pose] of changedItems)
          if (this.unsavedItems.get(entity) === pose) this.unsavedItems.delete(entity);
        return;
      }
      const stored = await this.states.load(this.worldId);
      this.revision = stored?.revision ?? 0;
      this.storedPresses = stored?.state.presses ?? 0;
      this.storedItems = itemsOf(stored?.state, this.log);
    }
    throw new Error('world state: other instances of this world kept saving first; retrying shortly');
  }
}
