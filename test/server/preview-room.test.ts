/**
 * Preview instances: a world's editors join its saved draft (not the published version) in a room of its
 * own kind; saving the draft refreshes running previews at once; visitors and anonymous callers are
 * refused; a preview never writes the world's saved state and never counts as a live instance.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RoomName, type SceneV1DocumentInput } from '../../protocol/index.js';
import type { RunningServer } from '../../server/index.js';
import {
  createOrg,
  createWorld,
  grantWorldRoles,
  ok,
  registerAccount,
  replaceDraft,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

let server: RunningServer;
let owner: SignedIn;
let editor: SignedIn;
let visitor: SignedIn;
const joined: Visitor[] = [];

const spawnAt = (x: number): SceneV1DocumentInput => ({
  schema: 1,
  entities: [
    {
      id: 'spawn',
      transform: { position: [x, 0, 0] },
      components: [{ type: 'spawn-point', name: 'main', default: true }],
    },
    {
      id: 'lever',
      transform: { position: [x + 1, 0, 0] },
      components: [{ type: 'interactable', action: 'trigger', reach: 5 }],
    },
  ],
});
const sceneVersion = (v: Visitor) => (v.room.state as { sceneVersion: number }).sceneVersion;
const presses = (v: Visitor) => (v.room.state as { presses: number }).presses;

beforeAll(async () => {
  server = await startInProcessServer();
  owner = await registerAccount(server.url, 'Owner');
  editor = await registerAccount(server.url, 'Editor');
  visitor = await registerAccount(server.url, 'Visitor');
  await createOrg(owner.api, 'studio-co', 'Studio');
  await createWorld(owner.api, 'studio-co', { slug: 'workshop', name: 'Workshop', visibility: 'public' });
  await grantWorldRoles(owner.api, 'workshop', [
    [editor, 'editor'],
    [visitor, 'visitor'],
  ]);
  await replaceDraft(owner.api, 'workshop', spawnAt(0));
  await ok(
    sdk.scenesPublish({ client: owner.api, path: { slug: 'workshop' }, body: { message: 'live' } }),
    201,
  );
  await replaceDraft(owner.api, 'workshop', spawnAt(20)); // the draft moves on; the live world does not
});

afterAll(async () => {
  for (const v of joined) await v.leave().catch(() => undefined);
  await server?.close();
});

describe('preview instances', () => {
  it('runs the saved draft for an editor, apart from the live instance', async () => {
    const live = await joinWorld(server.url, { world: 'workshop', name: 'Live' }, visitor.token);
    joined.push(live);
    const preview = await joinWorld(
      server.url,
      { world: 'workshop', name: 'Ed' },
      editor.token,
      RoomName.preview,
    );
    joined.push(preview);
    expect(preview.room.roomId).not.toBe(live.room.roomId);
    const me = await waitFor(() => preview.self(), Boolean, { what: 'own avatar in the preview' });
    expect(Math.hypot(me!.x - 20, me!.z)).toBeCloseTo(2, 1); // on the ring around the draft's spawn point
    const there = await waitFor(() => live.self(), Boolean, { what: 'own avatar in the live world' });
    expect(Math.hypot(there!.x, there!.z)).toBeCloseTo(2, 1); // the published spawn point
    expect(sceneVersion(live)).toBe(1);
    // Previews are not instances visitors are counted in.
    const instances = await ok(sdk.worldsListInstances({ client: owner.api, path: { slug: 'workshop' } }));
    expect(instances).toMatchObject({ population: 1, instances: [{ clients: 1, roomId: live.room.roomId }] });
  });

  it('reloads the draft in running previews when it is saved, and never touches the live world', async () => {
    const preview = joined[1]!;
    const before = sceneVersion(preview);
    await replaceDraft(editor.api, 'workshop', spawnAt(40));
    await waitFor(
      () => sceneVersion(preview),
      (v) => v > before,
      { what: 'the preview to load the saved draft' },
    );
    expect(sceneVersion(joined[0]!)).toBe(1);
  });

  it('keeps presses made in a preview out of the world’s saved state', async () => {
    const [live, preview] = joined.splice(0, 2) as [Visitor, Visitor];
    preview.room.send('press', {});
    await waitFor(
      () => presses(preview),
      (n) => n === 1,
      { what: 'the press to count in the preview' },
    );
    await preview.leave();
    await live.leave();
    // Once both rooms are gone, a new live instance loads the world's saved state: no press in it.
    await waitFor(
      async () =>
        (await ok(sdk.worldsListInstances({ client: owner.api, path: { slug: 'workshop' } }))).instances,
      (list) => list.length === 0,
      { what: 'the live instance to close' },
    );
    const again = await joinWorld(server.url, { world: 'workshop', name: 'Back' }, visitor.token);
    joined.push(again);
    await waitFor(() => again.self(), Boolean, { what: 'own avatar' });
    expect(presses(again)).toBe(0);
  });

  it('refuses visitors and anonymous callers, naming who may preview', async () => {
    await expect(
      joinWorld(server.url, { world: 'workshop' }, visitor.token, RoomName.preview),
    ).rejects.toMatchObject({ code: 403, message: expect.stringMatching(/^preview: /) });
    await expect(
      joinWorld(server.url, { world: 'workshop' }, undefined, RoomName.preview),
    ).rejects.toMatchObject({
      code: 401,
      message: expect.stringContaining('previews of "workshop" are for its editors; sign in as one'),
    });
  });
});
