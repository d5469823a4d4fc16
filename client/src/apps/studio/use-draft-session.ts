/**
 * Opens one world for the editor: reads the world (and this account's role in it), then — for owners and
 * editors only — its draft session (live with the other editors, unless `mib.studio.saveMode` asks for
 * REST saves), whose changes redraw the scene source. While open, the world and the
 * role are read again every few seconds: deleted, or no longer an editor, and the session is locked
 * read-only with the reason.
 */
import { useEffect, useState } from 'react';
import { worldsGet } from '../../shared/api/generated/sdk.gen.js';
import type { World } from '../../shared/api/generated/types.gen.js';
import { showScene, type SceneSource } from '../../shared/scene/scene-source.js';
import { accountAccessToken } from '../../shared/net/guest-session.js';
import { DraftSession, type EditorSession } from './draft-session.js';
import { browserPendingStore, draftTransport, saveModeOf } from './draft-transport.js';
import { setEntityIdTag } from './entity-ids.js';
import { LiveDraftSession } from './live/live-draft-session.js';
import { ORIGIN, problemText, studioClient } from './studio-api.js';

/** How often the open world and this account's role in it are read again, in ms. */
const ACCESS_POLL_MS = 5_000;

export const editorRole = (world: World | null) => world?.role === 'owner' || world?.role === 'editor';

export function useDraftSession(slug: string, source: SceneSource, onSignedOut: () => void) {
  const [world, setWorld] = useState<World | null>(null);
  const [session, setSession] = useState<EditorSession | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [, setTick] = useState(0);
  /** Counts saves, so what reads the saved draft (the budget) reads it again. */
  const [saves, setSaves] = useState(0);

  useEffect(() => {
    let live = true;
    let opened: EditorSession | null = null;
    void (async () => {
      const client = await studioClient();
      if (!client) return onSignedOut();
      const info = await worldsGet({ client, path: { slug } });
      if (!live) return;
      if (!info.data)
        return setProblem(
          info.response.status === 404
            ? `There is no world "${slug}" you can see. Check the address, or sign in with an account that may edit it.`
            : problemText(info.error, info.response, `open world "${slug}"`),
        );
      setWorld(info.data);
      // Not an editor: a page that says so, never an editor that cannot load what it needs.
      if (!editorRole(info.data)) return;
      let wasSaved = true;
      let savedEtag = '';
      let shown: unknown = null;
      const onChange = () => {
        // Redraw only when the scene itself changed (not for a save state or another editor's camera).
        if (draft.scene !== shown) showScene(source, draft.scene);
        shown = draft.scene;
        setTick((n) => n + 1);
        const saved = draft.state.kind === 'saved';
        // Live, others' saves count too (the budget reads the saved draft): a new ETag is a new save.
        const etag = draft instanceof LiveDraftSession ? draft.etag : '';
        if ((saved && !wasSaved) || etag !== savedEtag) setSaves((n) => n + 1);
        wasSaved = saved;
        savedEtag = etag;
      };
      const mode = saveModeOf(localStorage);
      const draft: EditorSession =
        mode === 'live'
          ? new LiveDraftSession({
              endpoint: ORIGIN,
              slug,
              token: () => accountAccessToken(ORIGIN),
              onIdTag: setEntityIdTag,
              onChange,
            })
          : new DraftSession(draftTransport(slug, onSignedOut, mode), browserPendingStore(slug), onChange);
      opened = draft;
      await draft
        .open()
        .catch((error: unknown) =>
          setProblem(`The draft cannot be opened: ${error instanceof Error ? error.message : String(error)}`),
        );
      if (live) setSession(draft);
    })();
    return () => {
      live = false;
      if (opened instanceof LiveDraftSession) void opened.close();
      setEntityIdTag('');
    };
    // Opened once per world; onSignedOut is the app's and stays the same.
  }, [slug, source]);

  useEffect(() => {
    if (!session) return;
    const timer = setInterval(() => {
      void (async () => {
        const client = await studioClient();
        if (!client || session.readOnly) return;
        const { data, response } = await worldsGet({ client, path: { slug } });
        // No answer at all (the server busy or the network away): the next check will tell.
        if (!response) return;
        if (response.status === 404) session.lock('this world no longer exists (it was deleted)');
        else if (data && !editorRole(data)) {
          setWorld(data);
          session.lock(
            `your role in this world is now ${data.role ?? 'none'}; only owners and editors may edit it — ask an owner`,
          );
        }
      })();
    }, ACCESS_POLL_MS);
    return () => clearInterval(timer);
  }, [session, slug]);

  return { world, setWorld, session, problem, setProblem, saves };
}
