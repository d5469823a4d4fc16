/**
 * Loads the world's published scene through the generated REST client and hands it to prediction (the same
 * obstacles the room simulates) and to rendering. Called at join and whenever the room reports a newer
 * scene version; an older answer arriving late never replaces a newer scene. Its bytes count toward the
 * loading bar (store.entryProgress).
 */
import { buildStaticWorld, sceneFromAnySchema } from '../../../../protocol/index.js';
import { createClient, createConfig } from '../api/generated/client/index.js';
import { scenesDraft, scenesPublished } from '../api/generated/sdk.gen.js';
import { accountAccessToken } from './guest-session.js';
import type { WorldStore } from '../world/world-store.js';

export async function loadScene(
  store: WorldStore,
  endpoint: string,
  world: string,
  /** The version the room runs: a preview's is its draft's revision (the draft answer carries none). */
  roomVersion: number,
  /** The token the room was joined with (a private world's scene is for those it admits), if any. */
  joinedWith: () => Promise<string | null> = () => Promise.resolve(null),
): Promise<void> {
  const client = createClient(createConfig({ baseUrl: endpoint }));
  // A preview: the editor's own session (the draft is for the world's editors); else the join's token.
  const token = store.preview ? await accountAccessToken(endpoint) : await joinedWith().catch(() => null);
  client.setConfig({ headers: token ? { authorization: `Bearer ${token}` } : {} });
  const { data, response } = store.preview
    ? await scenesDraft({ client, path: { slug: world } })
    : await scenesPublished({ client, path: { slug: world } });
  if (response.status === 404 && !store.preview) return; // nothing published yet: the bare ground
  if (!response.ok && store.preview)
    throw new Error(
      `the world's draft could not be loaded (HTTP ${response.status}); sign in as one of its editors`,
    );
  if (!response.ok) throw new Error(`the world's scene could not be loaded (HTTP ${response.status})`);
  // The document is read whole by the client; its size counts once it is in.
  const bytes = Number(response.headers.get('content-length') ?? 0) || JSON.stringify(data ?? null).length;
  store.entryProgress.total += bytes;
  store.entryProgress.loaded += bytes;
  const version = store.preview ? roomVersion : Number(response.headers.get('scene-version') ?? 0);
  if (version <= store.sceneVersion) return;
  // A version the server could not convert is still schema 1: read it the way the server does.
  const parsed = sceneFromAnySchema(data);
  if (!parsed.ok) throw new Error(`the world's scene is not valid: ${parsed.reason} (at ${parsed.path})`);
  store.scene = parsed.scene;
  store.staticWorld = buildStaticWorld(parsed.scene);
  store.sceneVersion = version;
}
