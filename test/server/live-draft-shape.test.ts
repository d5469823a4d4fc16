/**
 * Crafted live updates that stay outside the scene's shape — another root, list content in the entities
 * map, a plain value where an entity map belongs, text, binary, nested types and subdocuments under an
 * entity's keys: no schema check sees them, so the server removes them at once, relays their removal with
 * them, puts back the entities the update touched and says it was malformed (its sender is disconnected):
 * nothing out of shape is left in the server's document or a replica's, and nothing the update carried stays.
 */
import { describe, expect, it } from '@jest/globals';
import * as Y from 'yjs';
import { idTagOf, liveDocOf, liveEntitiesJson, strayItems } from '../../protocol/index.js';
import { LiveDraft } from '../../server/rooms/editor/live-draft.js';

const BASE = {
  a: { name: 'A', order: 'a0', transform: { position: [0, 0, 0] }, components: {} },
};
const CLIENT = 777;
const author = { clientId: CLIENT, idTag: idTagOf(CLIENT) };

function setUp() {
  const server = new LiveDraft(liveDocOf(BASE));
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(server.doc));
  return { server, other };
}

/** An update of client CLIENT made by `change` on a copy of the server's document. */
function crafted(server: LiveDraft, change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(server.doc));
  doc.clientID = CLIENT;
  const before = Y.encodeStateVector(doc);
  change(doc);
  return Y.encodeStateAsUpdate(doc, before);
}

const entities = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('entities');

const outOfShape: Array<[string, (doc: Y.Doc) => void]> = [
  ['another root map', (doc) => doc.getMap('junk').set('k', 'x'.repeat(100_000))],
  ['a text root', (doc) => doc.getText('notes').insert(0, 'y'.repeat(100_000))],
  [
    'a plain value where an entity map belongs',
    (doc) => doc.getMap('entities').set(`z-${author.idTag}`, 'z'),
  ],
  ['binary under an entity key', (doc) => entities(doc).get('a')!.set('name', new Uint8Array(50_000))],
  ['text under an entity key', (doc) => entities(doc).get('a')!.set('name', new Y.Text('hidden'))],
  ['a nested map under an entity key', (doc) => entities(doc).get('a')!.set('transform/x', new Y.Map())],
  ['a subdocument under an entity key', (doc) => entities(doc).get('a')!.set('name', new Y.Doc())],
];

describe('live updates outside the scene’s shape', () => {
  it.each(outOfShape)('removes %s, relays the removal and calls the update malformed', (_, change) => {
    const seen = setUp().server;
    const staged = seen.stage(crafted(seen, change), author, () => false);
    expect(typeof staged === 'string' ? staged : staged.malformed).toMatch(/outside the scene's entities/);
    const { server, other } = setUp();
    const outcome = server.apply(crafted(server, change), author);
    // Integrated, then cleaned: the relay carries the removal with the content.
    if (outcome.kind === 'malformed') throw new Error(outcome.reason);
    Y.applyUpdate(other, outcome.relay);
    expect(strayItems(server.doc)).toEqual([]);
    expect(strayItems(other)).toEqual([]);
    expect(liveEntitiesJson(other)).toEqual(liveEntitiesJson(server.doc));
    expect(liveEntitiesJson(server.doc)).toEqual(BASE);
    // What a save stores holds none of it: the stray content is gone, not just hidden.
    expect(Y.encodeStateAsUpdate(server.doc).byteLength).toBeLessThan(2_000);
  });

  it('puts back the entities an out-of-shape update touched, its other edits included', () => {
    const { server, other } = setUp();
    const outcome = server.apply(
      crafted(server, (doc) => {
        entities(doc).get('a')!.set('order', 'a5');
        entities(doc).get('a')!.set('name', new Y.Text('hidden'));
      }),
      author,
    );
    if (outcome.kind !== 'corrected') throw new Error(`expected a correction, got ${outcome.kind}`);
    Y.applyUpdate(other, outcome.relay);
    expect(server.entities()).toEqual(BASE);
    expect(liveEntitiesJson(server.doc)).toEqual(BASE);
    expect(liveEntitiesJson(other)).toEqual(BASE);
  });

  it('removes list content written into the entities map', () => {
    const { server, other } = setUp();
    const doc = new Y.Doc(); // a document where "entities" is a list: its items land in the server's map
    doc.clientID = CLIENT;
    doc.getArray('entities').push(['w'.repeat(100_000)]);
    const outcome = server.apply(Y.encodeStateAsUpdate(doc), author);
    if (outcome.kind === 'malformed') throw new Error(outcome.reason);
    Y.applyUpdate(other, outcome.relay);
    expect(strayItems(server.doc)).toEqual([]);
    expect(strayItems(other)).toEqual([]);
    expect(Y.encodeStateAsUpdate(server.doc).byteLength).toBeLessThan(2_000);
  });

  it('relays only what it integrated of an update that depends on changes it never received', () => {
    const { server, other } = setUp();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server.doc));
    doc.clientID = CLIENT;
    const map = new Y.Map<unknown>();
    entities(doc).set(`n-${author.idTag}`, map); // never sent
    const skipped = Y.encodeStateVector(doc);
    map.set('name', 'x'.repeat(50_000)); // sent: depends on the map above
    const update = Y.encodeStateAsUpdate(doc, skipped);
    const staged = server.stage(update, author, () => false);
    if (typeof staged === 'string') throw new Error(staged);
    expect(staged.malformed).toMatch(/depends on changes the server never received/);
    Y.applyUpdate(other, staged.update);
    // Nothing of it waits in the other replica for changes that will never come, or travels again later.
    expect(other.store.pendingStructs).toBeNull();
    expect(staged.update.byteLength).toBeLessThan(1_000);
  });

  it('finds nothing out of shape in what the studio writes', () => {
    const { server } = setUp();
    const update = crafted(server, (doc) => {
      const map = new Y.Map<unknown>();
      entities(doc).set(`n-${author.idTag}`, map);
      map.set('name', 'New');
      map.set('order', 'a1');
      map.set('transform/position', [1, 2, 3]);
      map.set('components/light', true);
      entities(doc).get('a')!.set('name', 'Again');
      entities(doc).delete('a');
    });
    const staged = server.stage(update, author, () => false);
    if (typeof staged === 'string') throw new Error(staged);
    expect(staged.malformed).toBeUndefined();
    expect(strayItems(server.doc)).toEqual([]);
  });
});
