/**
 * The draft session's link to the server (GET and PATCH …/scene/draft with the signed-in account's token)
 * and to the browser (unsaved operations in localStorage, per world, until the server has them).
 */
import type { Operation } from 'fast-json-patch';
import { scenesDraft, scenesPatch, scenesReplace } from '../../shared/api/generated/sdk.gen.js';
import type { DraftTransport, PendingStore } from './draft-session.js';
import { studioClient } from './studio-api.js';

/**
 * How edits reach the server: 'live' (the studio's way: the editor room, with everyone else editing the
 * world), or alone over REST — 'patch' (the operations, a JSON Patch) or 'replace' (the whole document,
 * PUT). `bench:studio` measures the REST ones, chosen with localStorage `mib.studio.saveMode`.
 */
export type SaveMode = 'live' | 'patch' | 'replace';

export function saveModeOf(storage: Pick<Storage, 'getItem'>): SaveMode {
  try {
    const mode = storage.getItem('mib.studio.saveMode');
    return mode === 'replace' || mode === 'patch' ? mode : 'live';
  } catch {
    return 'live';
  }
}

export function draftTransport(
  slug: string,
  onSignedOut: () => void,
  mode: Exclude<SaveMode, 'live'> = 'patch',
): DraftTransport {
  const client = async () => {
    const made = await studioClient();
    if (!made) {
      onSignedOut();
      throw new Error('the session ended; sign in again');
    }
    return made;
  };
  return {
    async load() {
      const { data, response } = await scenesDraft({ client: await client(), path: { slug } });
      if (!data) throw new Error(`the draft could not be read (HTTP ${response.status})`);
      return { body: data, etag: response.headers.get('etag') ?? '' };
    },
    async patch(etag: string, operations: Operation[], document: unknown) {
      // The new ETag is all a save needs back: not the whole draft to download and parse (RFC 7240).
      const headers = { 'If-Match': etag, Prefer: 'return=minimal' };
      const { response, error } =
        mode === 'replace'
          ? await scenesReplace({
              client: await client(),
              path: { slug },
              headers,
              body: document as never,
            })
          : await scenesPatch({
              client: await client(),
              path: { slug },
              headers,
              body: operations as never,
            });
      if (response.ok) return { ok: true as const, etag: response.headers.get('etag') ?? '' };
      const problem = error as { detail?: string } | undefined;
      return {
        ok: false as const,
        status: response.status,
        detail: problem?.detail ?? `HTTP ${response.status}`,
      };
    },
  };
}

export function browserPendingStore(slug: string): PendingStore {
  const key = `mib.studio.pending.${slug}`;
  return {
    read() {
      try {
        const raw = localStorage.getItem(key);
        return raw ? (JSON.parse(raw) as Operation[]) : [];
      } catch {
        return [];
      }
    },
    write(operations) {
      try {
        if (operations.length === 0) localStorage.removeItem(key);
        else localStorage.setItem(key, JSON.stringify(operations));
      } catch {
        // Storage off or full: the edits still save while the page stays open.
      }
    },
  };
}
