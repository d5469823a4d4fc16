/**
 * Live editing through a running server: two studios (the studio's own LiveDraftSession, in Node) on one
 * world's draft — changes relayed both ways, conflicts with defined results, per-editor undo, the server's
 * corrections, saves the REST API reads (with authorship in the audit log), a REST edit merged into the live
 * draft, a dropped connection that comes back and merges, a demoted editor turned read-only, and bad input
 * that closes only its sender.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@colyseus/sdk';
import { matchMaker } from '@colyseus/core';
import * as Y from 'yjs';
import { EditorMessage, liveEntitiesJson, RoomName, writeLiveEntity } from '../../protocol/index.js';
import type { RunningServer } from '../../server/index.js';
import { LiveDraftSession } from '../../client/src/apps/studio/live/live-draft-session.js';
import { LOCAL_ORIGIN } from '../../client/src/apps/studio/live/live-replica.js';
import { setCommand } from '../../client/src/apps/studio/draft-session.js';
import { grantWorldRoles, ok, worldWithEditor, replaceDraft, sdk, type SignedIn } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { waitFor } from '../helpers/wait.js';

const SLUG = 'atelier';
const entity = (name: string, x: number, extra: Record<string, unknown> = {}) => ({
  name,
  order: 'a0',
  transform: { position: [x, 0, 0] },
  components: {},
  ...extra,
});

let server: RunningServer;
let owner: SignedIn;
let editor: SignedIn;
const sessions: LiveDraftSession[] = [];

async function studio(who: SignedIn): Promise<LiveDraftSession> {
  const session = new LiveDraftSession({
    endpoint: server.url,
    slug: SLUG,
    token: () => Promise.resolve(who.token),
  });
  await session.open();
  sessions.push(session);
  return session;
}

const savedDraft = async () => {
  const { data, response } = await sdk.scenesDraft({ client: owner.api, path: { slug: SLUG } });
  return {
    draft: data as { entities: Record<string, { name?: string; transform: { position: number[] } }> },
    etag: response.headers.get('etag')!,
  };
};
const liveJson = (s: LiveDraftSession) => JSON.stringify(liveEntitiesJson(s.replica.doc));
const converged = (a: LiveDraftSession, b: LiveDraftSession) =>
  waitFor(
    () => [liveJson(a), liveJson(b)],
    ([x, y]) => x === y,
    { what: 'both studios to hold the same draft' },
  );
const move = (s: LiveDraftSession, id: string, x: number) =>
  s.run(
    setCommand(`move ${id}`, `/entities/${id}/transform/position`, s.scene.entities[id]!.transform.position, [
      x,
      0,
      0,
    ]),
  );
const rename = (s: LiveDraftSession, id: string, name: string) =>
  s.run(setCommand(`rename ${id}`, `/entities/${id}/name`, s.scene.entities[id]!.name, name));

beforeAll(async () => {
  server = await startInProcessServer();
  ({ owner, editor } = await worldWithEditor(server.url, SLUG, {
    owner: 'Olive',
    editor: 'Eddie',
    world: 'Atelier',
  }));
  await replaceDraft(owner.api, SLUG, {
    schema: 2,
    entities: {
      hall: entity('Hall', 0),
      lamp: entity('Lamp', 1, { parent: 'hall' }),
      chair: entity('Chair', 2, { order: 'a1' }),
      table: entity('Table', 3, { order: 'a2' }),
    },
  });
});

afterAll(async () => {
  for (const session of sessions) await session.close().catch(() => undefined);
  await server?.close();
});

describe('the live editor room', () => {
  let a: LiveDraftSession;
  let b: LiveDraftSession;

  it('relays a change to the other studio and saves it for REST readers', async () => {
    a = await studio(owner);
    b = await studio(editor);
    expect(Object.keys(b.scene.entities).sort()).toEqual(['chair', 'hall', 'lamp', 'table']);
    expect(move(a, 'lamp', 7)).toBeNull();
    await waitFor(
      () => b.scene.entities['lamp']!.transform.position[0],
      (x) => x === 7,
      { what: 'B to see the lamp move' },
    );
    await waitFor(
      () => a.state.kind,
      (kind) => kind === 'saved',
      { what: 'A’s change saved' },
    );
    const { draft } = await savedDraft();
    expect(draft.entities['lamp']!.transform.position).toEqual([7, 0, 0]);
    const audit = await ok(
      sdk.worldsAudit({ client: owner.api, path: { slug: SLUG }, query: { limit: 20 } }),
    );
    const save = audit.items.find((item) => item.action === 'scene.draft-save');
    expect(save?.detail).toMatchObject({ editors: [owner.session.account.id] });
    expect(b.others().map((o) => o.name)).toEqual(['Olive']);
  });

  it('merges edits of one entity: last writer per property, both kept otherwise', async () => {
    rename(a, 'chair', 'Armchair');
    move(b, 'chair', 9);
    move(a, 'table', 4);
    move(b, 'table', 5);
    await converged(a, b);
    const chair = a.scene.entities['chair']!;
    expect(chair.name).toBe('Armchair');
    expect(chair.transform.position).toEqual([9, 0, 0]);
    expect([4, 5]).toContain(a.scene.entities['table']!.transform.position[0]);
  });

  it('undoes only the studio’s own change', async () => {
    rename(a, 'hall', 'Great hall');
    await converged(a, b);
    move(b, 'hall', 12);
    await converged(a, b);
    a.undo();
    await converged(a, b);
    expect(b.scene.entities['hall']!.name).toBe('Hall');
    expect(b.scene.entities['hall']!.transform.position).toEqual([12, 0, 0]);
  });

  it('lets a delete win over an edit, and tells the editor who lost', async () => {
    const before = a.notices.length;
    a.setPresence({ selection: ['table'], camera: null, pointer: null }); // A is working on the table
    b.run({ label: 'delete table', forward: [{ op: 'remove', path: '/entities/table' }], backward: [] });
    move(a, 'table', 20);
    await converged(a, b);
    expect(a.scene.entities['table']).toBeUndefined();
    expect(a.notices.slice(before).join(' ')).toMatch(
      /“table” was deleted by another editor while you had it selected/,
    );
  });

  it('refuses a reparent cycle made by two editors at once, and both end the same', async () => {
    // hall ← lamp already; A puts hall under lamp while B puts lamp under chair: fine. Then a real cycle.
    a.run(setCommand('reparent chair', '/entities/chair/parent', undefined, 'lamp'));
    b.run(setCommand('reparent lamp', '/entities/lamp/parent', 'hall', 'chair'));
    await converged(a, b);
    const parents = Object.fromEntries(
      Object.entries(a.scene.entities).map(([id, e]) => [id, e.parent ?? null]),
    );
    expect(parents['chair'] === 'lamp' && parents['lamp'] === 'chair').toBe(false);
    const { draft } = await (async () => {
      await waitFor(
        () => a.state.kind,
        (k) => k === 'saved',
        { what: 'saved' },
      );
      return savedDraft();
    })();
    expect(Object.keys(draft.entities).sort()).toEqual(Object.keys(a.scene.entities).sort());
  });

  it('corrects a change that breaks the schema: its author matches the server, the other never sees it', async () => {
    const seen: string[] = [];
    const watch = setInterval(() => seen.push(JSON.stringify(liveEntitiesJson(b.replica.doc)['hall'])), 5);
    const before = a.notices.length;
    a.replica.doc.transact(
      () =>
        writeLiveEntity(a.replica.doc, 'hall', {
          ...liveEntitiesJson(a.replica.doc)['hall'],
          name: 'x'.repeat(500),
        }),
      LOCAL_ORIGIN,
    );
    a.run(
      setCommand(
        'nudge',
        '/entities/chair/transform/position',
        a.scene.entities['chair']!.transform.position,
        [1, 1, 1],
      ),
    );
    await waitFor(
      () => a.notices.length,
      (n) => n > before,
      { what: 'A to be told' },
    );
    clearInterval(watch);
    expect(a.notices.at(-1)).toMatch(/Your change was not kept: .*120/);
    await converged(a, b);
    expect(a.scene.entities['hall']!.name).not.toHaveLength(500);
    expect(seen.some((text) => text.includes('x'.repeat(500)))).toBe(false);
  });

  it('merges a REST edit made while editors are live, instead of overwriting it', async () => {
    await waitFor(
      () => [a.state.kind, b.state.kind],
      (k) => k.every((x) => x === 'saved'),
      { what: 'quiet' },
    );
    const { etag } = await savedDraft();
    await ok(
      sdk.scenesPatch({
        client: owner.api,
        path: { slug: SLUG },
        headers: { 'If-Match': etag },
        body: [{ op: 'replace', path: '/entities/hall/name', value: 'Renamed over REST' }] as never,
      }),
    );
    move(b, 'hall', 30);
    await waitFor(
      () => a.scene.entities['hall']!.name,
      (n) => n === 'Renamed over REST',
      { what: 'the REST edit live' },
    );
    await converged(a, b);
    await waitFor(
      () => b.state.kind,
      (k) => k === 'saved',
      { what: 'saved again' },
    );
    const { draft } = await savedDraft();
    expect(draft.entities['hall']).toMatchObject({
      name: 'Renamed over REST',
      transform: { position: [30, 0, 0] },
    });
  });

  it('takes a paste of thousands of entities, sent in paced chunks, without cutting the studio off', async () => {
    // About 500 kB: 160 chunks, more than an editor may send in a second.
    const ids = Array.from({ length: 4_000 }, (_, i) => `bulk-${i}-${a.idTag}`);
    const forward = ids.map((id, i) => ({
      op: 'add' as const,
      path: `/entities/${id}`,
      value: {
        name: `Bulk ${i}`,
        order: `b${i.toString(36)}`,
        transform: { position: [i, 0, 0] },
        components: {},
      },
    }));
    expect(a.run({ label: 'paste', forward, backward: [] })).toBeNull();
    await waitFor(
      () => ids.filter((id) => b.scene.entities[id]).length,
      (n) => n === ids.length,
      { what: 'B to receive the whole paste', timeoutMs: 30_000 },
    );
    expect(a.state.kind).not.toBe('read-only');
    a.run({
      label: 'clear',
      forward: ids.map((id) => ({ op: 'remove' as const, path: `/entities/${id}` })),
      backward: [],
    });
    await converged(a, b);
    await waitFor(
      () => a.state.kind,
      (k) => k === 'saved',
      { what: 'the clear saved', timeoutMs: 30_000 },
    );
  });

  it('keeps editing through a dropped connection and merges on the way back', async () => {
    const listing = (await matchMaker.query({ name: RoomName.editor }))[0]!;
    const live = matchMaker.getLocalRoomById(listing.roomId);
    const clientOfA = live.clients.find(
      (c) => c.sessionId === (a as unknown as { room: { sessionId: string } }).room.sessionId,
    )!;
    (clientOfA.ref as unknown as { terminate(): void }).terminate(); // as a network drop (1006)
    await waitFor(
      () => a.state.kind,
      (k) => k === 'offline',
      { what: 'A offline' },
    );
    rename(a, 'chair', 'Offline chair');
    move(b, 'chair', 33);
    await waitFor(
      () => a.state.kind,
      (k) => k === 'saved',
      { what: 'A back and saved', timeoutMs: 30_000 },
    );
    await converged(a, b);
    expect(b.scene.entities['chair']).toMatchObject({
      name: 'Offline chair',
      transform: { position: [33, 0, 0] },
    });
  });

  it('closes a studio that sends garbage or forges another editor’s changes, and only that one', async () => {
    const join = async (clientId: number) => {
      const client = new Client(server.url);
      client.auth.token = editor.token;
      return client.joinOrCreate(RoomName.editor, { world: SLUG, clientId });
    };
    const garbage = await join(123456);
    const closed = new Promise<number>((resolve) => garbage.onLeave((code) => resolve(code)));
    garbage.send(EditorMessage.chunk, {
      kind: 'update',
      seq: 1,
      part: 0,
      parts: 1,
      bytes: new Uint8Array([9, 9, 9, 9]),
    });
    expect(await closed).toBe(4002);
    // An update written by A's Yjs client id, sent by someone else.
    const forger = await join(654321);
    const forgerClosed = new Promise<number>((resolve) => forger.onLeave((code) => resolve(code)));
    const fake = new Y.Doc();
    Y.applyUpdate(fake, Y.encodeStateAsUpdate(a.replica.doc));
    fake.clientID = a.replica.doc.clientID; // after the state: Yjs changes an id it sees in use
    fake.getMap<Y.Map<unknown>>('entities').get('hall')!.set('name', 'Forged');
    const update = Y.encodeStateAsUpdate(fake, Y.encodeStateVector(a.replica.doc));
    forger.send(EditorMessage.chunk, { kind: 'update', seq: 1, part: 0, parts: 1, bytes: update });
    expect(await forgerClosed).toBe(4002);
    move(a, 'hall', 31);
    await converged(a, b);
    expect(b.scene.entities['hall']!.name).not.toBe('Forged');
    expect(b.scene.entities['hall']!.transform.position).toEqual([31, 0, 0]);
  });

  it('answers one state vector per connection: a second closes it (each answer is the whole draft)', async () => {
    const client = new Client(server.url);
    client.auth.token = editor.token;
    const room = await client.joinOrCreate(RoomName.editor, { world: SLUG, clientId: 777001 });
    const closed = new Promise<number>((resolve) => room.onLeave((code) => resolve(code)));
    const vector = { kind: 'vector', seq: 0, part: 0, parts: 1, bytes: new Uint8Array([0]) };
    room.send(EditorMessage.chunk, vector);
    room.send(EditorMessage.chunk, vector);
    expect(await closed).toBe(4002);
    move(a, 'hall', 32);
    await converged(a, b);
  });

  it('turns a demoted editor read-only, with the reason', async () => {
    await grantWorldRoles(owner.api, SLUG, [[editor, 'visitor']]);
    await waitFor(
      () => b.state.kind,
      (k) => k === 'read-only',
      { what: 'B read-only' },
    );
    expect(b.readOnly).toBe(true);
    expect(b.state).toMatchObject({
      reason: expect.stringMatching(/your role in this world is now visitor/),
    });
    expect(move(b, 'hall', 99)).toMatch(/your role in this world is now visitor/);
    expect(liveJson(b)).toBe(liveJson(a));
  });
});
