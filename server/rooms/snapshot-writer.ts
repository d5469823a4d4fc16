/**
 * Writes a room's persistent state to the database one save at a time, at most one save per
 * `minIntervalMs`, coalescing every change that arrives meanwhile into the next save (many changes → few
 * writes). A change is acknowledged (its waiter resolved) only after a save that includes it has
 * committed, so an acknowledged change survives any later crash; a crash loses at most the unacknowledged
 * changes of the last interval.
 */
export interface SnapshotWriterOptions {
  /** Stores the state as it is now; called with no overlap. */
  save: () => Promise<void>;
  /** Told about a failed save; the writer retries after `retryDelayMs`. */
  onError: (error: unknown) => void;
  /** Milliseconds to wait before retrying a failed save. */
  retryDelayMs?: number;
  /** Least time between the starts of two saves, in milliseconds (default 200). */
  minIntervalMs?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class SnapshotWriter {
  private dirty = false;
  private inFlight: Promise<void> | undefined;
  private waiting: Waiter[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastStartedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: SnapshotWriterOptions) {}

  /** Records that the state changed; resolves once a save containing the change has committed. */
  markDirty(): Promise<void> {
    if (this.closed)
      return Promise.reject(new Error('world state: the room is closing; try again in a moment'));
    this.dirty = true;
    const acknowledged = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.kick();
    return acknowledged;
  }

  /** Saves any pending change (up to three tries) and stops; later changes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.inFlight) await this.inFlight.catch(() => undefined);
    for (let attempt = 0; this.dirty && attempt < 3; attempt++) await this.run();
    if (this.dirty)
      throw new Error(
        'world state: the last changes could not be saved before closing (see the errors logged above)',
      );
  }

  private kick(): void {
    if (this.closed || this.inFlight || this.retryTimer || !this.dirty) return;
    const wait = this.lastStartedAt + (this.options.minIntervalMs ?? 200) - performance.now();
    if (wait > 0) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.kick();
      }, wait);
      return;
    }
    void this.run();
  }

  private run(): Promise<void> {
    this.lastStartedAt = performance.now();
    const batch = this.waiting;
    this.waiting = [];
    this.dirty = false;
    const attempt = this.options.save().then(
      () => {
        for (const waiter of batch) waiter.resolve();
      },
      (error: unknown) => {
        this.options.onError(error);
        // Not acknowledged: the callers learn it failed; the state stays dirty and is saved again.
        const failure = new Error('world state: saving failed; the change is kept in memory and retried');
        for (const waiter of batch) waiter.reject(failure);
        this.dirty = true;
        if (!this.closed) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.kick();
          }, this.options.retryDelayMs ?? 1_000);
        }
        throw error;
      },
    );
    this.inFlight = attempt.finally(() => {
      this.inFlight = undefined;
      this.kick();
    });
    return this.inFlight.catch(() => undefined);
  }
}
