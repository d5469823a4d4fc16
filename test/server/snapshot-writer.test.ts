import { describe, expect, it } from '@jest/globals';
import { SnapshotWriter } from '../../server/rooms/snapshot-writer.js';
import { waitFor } from '../helpers/wait.js';

/** A save that takes `ms` and records what it stored (the counter's value when it started). */
function recordingStore(ms = 5) {
  let counter = 0;
  const saved: number[] = [];
  let failNext = 0;
  return {
    change: () => ++counter,
    saved,
    failNextSaves: (n: number) => (failNext = n),
    save: async () => {
      const value = counter;
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('disk full');
      }
      saved.push(value);
    },
  };
}

describe('SnapshotWriter', () => {
  it('coalesces many changes into few writes and acknowledges each only after a save containing it', async () => {
    const store = recordingStore();
    const writer = new SnapshotWriter({ save: store.save, onError: () => undefined, minIntervalMs: 50 });
    const acks: Array<Promise<number>> = [];
    const started = performance.now();
    for (let i = 0; i < 100; i++) {
      const value = store.change();
      acks.push(writer.markDirty().then(() => value));
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const acknowledged = await Promise.all(acks);
    const elapsedMs = performance.now() - started;
    // Each acknowledged change is in some save that committed before the acknowledgement resolved.
    for (const value of acknowledged) expect(Math.max(...store.saved)).toBeGreaterThanOrEqual(value);
    expect(store.saved[store.saved.length - 1]).toBe(100);
    // At most one save per 50 ms (plus the first, immediate one), however many changes came.
    expect(store.saved.length).toBeLessThanOrEqual(Math.floor(elapsedMs / 50) + 2);
    expect(store.saved.length).toBeLessThan(20);
    await writer.close();
  });

  it('refuses the acknowledgement of a failed save, keeps the change and retries', async () => {
    const store = recordingStore();
    const errors: unknown[] = [];
    const writer = new SnapshotWriter({
      save: store.save,
      onError: (e) => errors.push(e),
      retryDelayMs: 20,
      minIntervalMs: 0,
    });
    store.failNextSaves(1);
    store.change();
    await expect(writer.markDirty()).rejects.toThrow(
      /saving failed; the change is kept in memory and retried/,
    );
    expect(errors).toHaveLength(1);
    await waitFor(
      () => store.saved.length,
      (n) => n > 0,
      { what: 'the retried save' },
    );
    expect(store.saved).toEqual([1]);
    await writer.close();
  });

  it('saves what is pending on close, then refuses changes', async () => {
    const store = recordingStore();
    const writer = new SnapshotWriter({ save: store.save, onError: () => undefined, minIntervalMs: 10_000 });
    store.change();
    await writer.markDirty(); // first save is immediate
    store.change();
    const second = writer.markDirty(); // waits for the interval…
    await writer.close(); // …but close saves it now
    await second;
    expect(store.saved).toEqual([1, 2]);
    await expect(writer.markDirty()).rejects.toThrow(/room is closing/);
  });

  it('reports when the last changes could not be saved before closing', async () => {
    const store = recordingStore(1);
    const writer = new SnapshotWriter({
      save: store.save,
      onError: () => undefined,
      retryDelayMs: 10_000,
      minIntervalMs: 0,
    });
    store.failNextSaves(10);
    store.change();
    await expect(writer.markDirty()).rejects.toThrow();
    await expect(writer.close()).rejects.toThrow(/could not be saved before closing/);
  });
});
