/**
 * The crash harness' live collaborator: a studio session (the studio's own LiveDraftSession) adding
 * entities to a world's draft in the editor room, each with a unique id. An edit counts as acknowledged
 * only once the session says *saved* — the server wrote every change it holds — with that edit made
 * before. It keeps one session for the whole run: across a kill the session goes offline, keeps its edits
 * and merges them when it is back (the next *saved* then acknowledges them too).
 */
import { LiveDraftSession } from '../../client/src/apps/studio/live/live-draft-session.js';
import { call } from '../shared/bench-api.js';
import type { Ledger } from './writers.js';
import { EDIT_PREFIX } from './writers.js';

/** The world the collaborator edits (its own: the REST editor hammers the demo draft). */
export const COLLAB_WORLD = 'crash-collab';
/** Edits made between two waits for *saved*. */
const BURST = 5;
/** How long one wait for *saved* may take before the burst is left unacknowledged for now, in ms. */
const SAVED_WITHIN_MS = 8_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes the collaborator's world (an organization and a world of the operator's). */
export async function createCollabWorld(url: string, token: string): Promise<void> {
  await call(`${url}/orgs`, { method: 'POST', token, json: { slug: 'crash-org', name: 'Crash' } });
  await call(`${url}/orgs/crash-org/worlds`, {
    method: 'POST',
    token,
    json: { slug: COLLAB_WORLD, name: 'Crash collab' },
  });
}

export interface CollabWriter {
  /** Why edits were not made or kept (read-only, or taken back by the room), the first few. */
  refusals: string[];
  /** Waits (up to `settleMs`) for the last edits to be saved, acknowledges them if so, and leaves. */
  stop(settleMs: number): Promise<void>;
}

export async function startCollabWriter(
  url: string,
  token: () => Promise<string>,
  ledger: Ledger,
  nextId: () => string,
): Promise<CollabWriter> {
  const session = new LiveDraftSession({ endpoint: url, slug: COLLAB_WORLD, token });
  await session.open();
  const refusals: string[] = [];
  /** Edits made and not yet covered by a *saved*. */
  let unconfirmed: string[] = [];
  let takenBack = 0;
  const confirmIfSaved = (): boolean => {
    if (session.state.kind !== 'saved') return false;
    // Saved, and still there: the room takes back an edit it refuses (a correction), and saves the rest.
    for (const id of unconfirmed)
      if (session.scene.entities[id]) ledger.editsAcknowledged.add(id);
      else if (++takenBack <= 5) refusals.push(`the room took back ${id}`);
    unconfirmed = [];
    return true;
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      for (let i = 0; i < BURST && running; i++) {
        // A new entity's id ends in this connection's tag (the room refuses others: live-draft.ts).
        const id = `${EDIT_PREFIX}${nextId()}-${session.idTag}`;
        ledger.editsSent.add(id);
        const problem = session.run({
          label: `add ${id}`,
          forward: [
            {
              op: 'add',
              path: `/entities/${id}`,
              value: { name: id, order: 'a0', transform: { position: [0, 0, 0] }, components: {} },
            },
          ],
          backward: [{ op: 'remove', path: `/entities/${id}` }],
        });
        if (problem === null) unconfirmed.push(id);
        else if (refusals.length < 5) refusals.push(problem);
        await sleep(50);
      }
      const deadline = performance.now() + SAVED_WITHIN_MS;
      while (running && !confirmIfSaved() && performance.now() < deadline) await sleep(25);
    }
  })();
  return {
    refusals,
    stop: async (settleMs) => {
      running = false;
      await loop;
      const deadline = performance.now() + settleMs;
      while (!confirmIfSaved() && performance.now() < deadline) await sleep(50);
      await session.close();
    },
  };
}
