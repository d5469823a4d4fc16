/**
 * A put-down item's acknowledgement: the promise the room waits on before it tells the mover `itemSaved`
 * resolves only once a snapshot holding the pose has committed, never for a save that failed, and not at
 * all where nothing is stored (a preview's copy).
 */
import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import type { WorldSnapshot, WorldStateRepository } from '../../server/db/index.js';
import { PersistentWorldState } from '../../server/rooms/persistent-world-state.js';

/** A repository whose saves wait until released; `fail` makes the next save throw. */
function gatedRepository() {
  const committed: WorldSnapshot[] = [];
  let release: () => void = () => undefined;
  let fail = false;
  let revision = 0;
  const repository = {
    load: () => Promise.resolve(undefined),
    compareAndSave: async (_world: string, expected: number, state: WorldSnapshot) => {
      await new Promise<void>((resolve) => (release = resolve));
      if (fail) {
        fail = false;
        throw new Error('connection terminated');
      }
      if (expected !== revision) return false;
      revision += 1;
      committed.push(structuredClone(state));
      return true;
    },
  };
  return {
    repository: repository as unknown as WorldStateRepository,
    committed,
    release: () => release(),
    failNext: () => (fail = true),
  };
}

const log = () => pino({ level: 'silent' });
const settled = async (promise: Promise<void>) => {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  return state;
};

describe('PersistentWorldState.itemMoved', () => {
  it('resolves only after a snapshot holding the pose committed', async () => {
    const store = gatedRepository();
    const state = await PersistentWorldState.load('w', store.repository, log);
    const saved = state.itemMoved('crate', { x: 1, y: 0, z: 2, yaw: 0.5 })!;
    expect(await settled(saved)).toBe('pending');
    store.release();
    await saved;
    expect(store.committed.at(-1)?.items).toEqual({ crate: { x: 1, y: 0, z: 2, yaw: 0.5 } });
  });

  it('rejects when the save that held it failed (the writer retries; the move is not acknowledged)', async () => {
    const store = gatedRepository();
    const state = await PersistentWorldState.load('w', store.repository, log);
    store.failNext();
    const saved = state.itemMoved('crate', { x: 3, y: 0, z: 4, yaw: 0 })!;
    store.release();
    expect(await settled(saved)).toBe('rejected');
    expect(store.committed).toHaveLength(0);
  });

  it('gives nothing to wait on in a preview, whose state is never stored', async () => {
    const store = gatedRepository();
    const state = await PersistentWorldState.loadSandboxed('w', store.repository, log);
    expect(state.itemMoved('crate', { x: 1, y: 0, z: 1, yaw: 0 })).toBeUndefined();
  });
});
