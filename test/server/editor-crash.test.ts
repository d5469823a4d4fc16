/**
 * The server process dies (SIGKILL) while two studios edit live, with changes applied but not yet saved.
 * Started again on the same port and data directory, the studios join again by themselves, re-send what
 * the saved draft lacks (the Yjs state kept with the draft continues the same history), and the draft saved
 * afterwards holds every change either studio saw applied.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { liveEntitiesJson } from '../../protocol/index.js';
import { LiveDraftSession } from '../../client/src/apps/studio/live/live-draft-session.js';
import { setCommand } from '../../client/src/apps/studio/draft-session.js';
import {
  apiClient,
  ok,
  type registerAccount,
  worldWithEditor,
  replaceDraft,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

const SLUG = 'crashpad';
type Account = Awaited<ReturnType<typeof registerAccount>>;
let dataDir: string;
let server: ServerProcess;
let owner: Account;
let editor: Account;
const sessions: LiveDraftSession[] = [];

beforeAll(async () => {
  dataDir = await tempDir();
  server = await startServerProcess({ DATA_DIR: dataDir });
  ({ owner, editor } = await worldWithEditor(server.url, SLUG, {
    owner: 'Owner',
    editor: 'Editor',
    world: 'Crash pad',
  }));
  await replaceDraft(owner.api, SLUG, {
    schema: 2,
    entities: {
      left: { name: 'Left', order: 'a0', transform: { position: [0, 0, 0] }, components: {} },
      right: { name: 'Right', order: 'a1', transform: { position: [1, 0, 0] }, components: {} },
    },
  });
});

afterAll(async () => {
  for (const session of sessions) await session.close().catch(() => undefined);
  await server?.stop();
});

describe('live editing through a server crash', () => {
  it('loses nothing a studio saw applied', async () => {
    const studio = async (who: SignedIn) => {
      const session = new LiveDraftSession({
        endpoint: server.url,
        slug: SLUG,
        token: () => Promise.resolve(who.token),
      });
      await session.open();
      sessions.push(session);
      return session;
    };
    const a = await studio(owner);
    const b = await studio(editor);
    // Saved once, so the Yjs state is kept with the draft; then changes that are only applied.
    a.run(setCommand('rename left', '/entities/left/name', 'Left', 'Saved left'));
    await waitFor(
      () => a.state.kind,
      (k) => k === 'saved',
      { what: 'the first change saved' },
    );
    a.run(setCommand('rename left', '/entities/left/name', 'Saved left', 'Applied left'));
    b.run(setCommand('move right', '/entities/right/transform/position', [1, 0, 0], [5, 0, 0]));
    await waitFor(
      () => [a.state.kind, b.state.kind],
      (kinds) => kinds.every((k) => k === 'applied'),
      { what: 'both changes applied (relayed), not yet saved', intervalMs: 5 },
    );
    await server.stop('SIGKILL');
    server = await startServerProcess({ DATA_DIR: dataDir, PORT: String(server.port) });
    await waitFor(
      () => [a.state, b.state],
      (states) => states.every((state) => state.kind === 'saved'),
      { what: 'both studios back and saved', timeoutMs: 60_000 },
    );
    const token = (
      await ok(
        sdk.authLogin({
          client: apiClient(server.url),
          body: { email: owner.email, password: owner.password },
        }),
      )
    ).accessToken;
    const draft = await ok(sdk.scenesDraft({ client: apiClient(server.url, token), path: { slug: SLUG } }));
    expect(draft.entities['left']!.name).toBe('Applied left');
    expect(draft.entities['right']!.transform.position).toEqual([5, 0, 0]);
    expect(JSON.stringify(liveEntitiesJson(a.replica.doc))).toBe(
      JSON.stringify(liveEntitiesJson(b.replica.doc)),
    );
    // Each studio says that what the crash held back was sent again.
    for (const studio of [a, b])
      expect(studio.notices.join(' ')).toMatch(/Back online: changes the server did not have yet/);
  });
});
