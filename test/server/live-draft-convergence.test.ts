/**
 * Live editing, driven as a property: several studios (the studio's own LiveReplica) edit one draft through
 * the server's LiveDraft with messages delivered in random interleavings — moves, renames, reparents that
 * may close a cycle, deletes against edits, adds under one parent, components added twice, undo and redo,
 * and raw writes that break the schema (a buggy or hostile studio), which the server must correct. When
 * every message has arrived, every replica holds exactly the server's document, and it is a valid scene.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as Y from 'yjs';
import {
  idTagOf,
  liveDocOf,
  liveEntitiesJson,
  sceneDocumentSchema,
  writeLiveEntity,
} from '../../protocol/index.js';
import { LiveDraft, SERVER_ORIGIN } from '../../server/rooms/editor/live-draft.js';
import { LOCAL_ORIGIN, LiveReplica } from '../../client/src/apps/studio/live/live-replica.js';

const BASE = {
  a: { name: 'A', order: 'a0', transform: { position: [0, 0, 0] }, components: {} },
  b: { name: 'B', order: 'a1', transform: { position: [1, 0, 0] }, components: {} },
  c: { name: 'C', parent: 'a', order: 'a0', transform: { position: [0, 1, 0] }, components: {} },
  d: { name: 'D', parent: 'b', order: 'a0', transform: { position: [0, 0, 1] }, components: {} },
};
const IDS = ['a', 'b', 'c', 'd'];

type Edit =
  | { kind: 'move'; id: string; x: number }
  | { kind: 'rename'; id: string; name: string }
  | { kind: 'reparent'; id: string; parent: string | null }
  | { kind: 'delete'; id: string }
  | { kind: 'add'; parent: string | null }
  | { kind: 'light'; id: string; intensity: number }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'invalid'; id: string };

type Step =
  | { kind: 'edit'; editor: number; edit: Edit }
  | { kind: 'send'; editor: number }
  | { kind: 'toServer'; editor: number }
  | { kind: 'toEditor'; editor: number };

const id = fc.constantFrom(...IDS);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('move' as const), id, x: fc.integer({ min: -50, max: 50 }) }),
  fc.record({ kind: fc.constant('rename' as const), id, name: fc.string({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant('reparent' as const), id, parent: fc.option(id, { nil: null }) }),
  fc.record({ kind: fc.constant('delete' as const), id }),
  fc.record({ kind: fc.constant('add' as const), parent: fc.option(id, { nil: null }) }),
  fc.record({ kind: fc.constant('light' as const), id, intensity: fc.integer({ min: 0, max: 100 }) }),
  fc.constant({ kind: 'undo' as const }),
  fc.constant({ kind: 'redo' as const }),
  fc.record({ kind: fc.constant('invalid' as const), id }),
);
const editors = 3;
const editor = fc.integer({ min: 0, max: editors - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('edit' as const), editor, edit }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('send' as const), editor }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('toServer' as const), editor }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('toEditor' as const), editor }) },
);

interface Studio {
  replica: LiveReplica;
  up: Uint8Array[];
  down: Uint8Array[];
  added: number;
}

function perform(studio: Studio, change: Edit): void {
  const { replica } = studio;
  const scene = replica.scene;
  const entity = 'id' in change ? scene.entities[change.id] : undefined;
  const path = 'id' in change ? `/entities/${change.id}` : '';
  switch (change.kind) {
    case 'move':
      if (entity)
        replica.run([{ op: 'replace', path: `${path}/transform/position`, value: [change.x, 0, 0] }], path);
      return;
    case 'rename':
      if (entity && change.name.trim())
        replica.run([{ op: 'replace', path: `${path}/name`, value: change.name.trim() }], `${path}/name`);
      return;
    case 'reparent':
      if (!entity) return;
      if (change.parent === null) replica.run([{ op: 'remove', path: `${path}/parent` }]);
      else
        replica.run([
          { op: entity.parent ? 'replace' : 'add', path: `${path}/parent`, value: change.parent },
        ]);
      return;
    case 'delete': {
      // The entity and its descendants, as the studio deletes.
      const doomed = new Set([change.id]);
      for (let grew = true; grew;) {
        grew = false;
        for (const [other, e] of Object.entries(scene.entities))
          if (e.parent && doomed.has(e.parent) && !doomed.has(other)) grew = doomed.add(other).size > 0;
      }
      replica.run(
        [...doomed]
          .filter((d) => scene.entities[d])
          .map((d) => ({ op: 'remove' as const, path: `/entities/${d}` })),
      );
      return;
    }
    case 'add': {
      studio.added += 1;
      const newId = `n${studio.added}-${idTagOf(replica.doc.clientID)}`;
      const value = {
        order: 'a5',
        transform: { position: [0, 0, 0] },
        components: {},
        ...(change.parent && scene.entities[change.parent] ? { parent: change.parent } : {}),
      };
      replica.run([{ op: 'add', path: `/entities/${newId}`, value }]);
      return;
    }
    case 'light':
      if (!entity) return;
      replica.run([
        {
          op: entity.components.light ? 'replace' : 'add',
          path: `${path}/components/light`,
          value: { kind: 'point', intensity: change.intensity },
        },
      ]);
      return;
    case 'undo':
      return replica.undo();
    case 'redo':
      return replica.redo();
    case 'invalid':
      // Past the studio's own checks: straight into the document, as a hostile client could.
      if (entity)
        replica.doc.transact(
          () => writeLiveEntity(replica.doc, change.id, { ...entity, transform: { position: 'nowhere' } }),
          LOCAL_ORIGIN,
        );
      return;
  }
}

function setUp(): { server: LiveDraft; studios: Studio[] } {
  const server = new LiveDraft(liveDocOf(BASE, SERVER_ORIGIN));
  const studios = Array.from({ length: editors }, () => {
    const replica = new LiveReplica();
    replica.receive(Y.encodeStateAsUpdate(server.doc));
    return { replica, up: [], down: [], added: 0 };
  });
  return { server, studios };
}

function deliverToServer(server: LiveDraft, studios: Studio[], from: number): void {
  const update = studios[from]!.up.shift();
  if (!update) return;
  const author = {
    clientId: studios[from]!.replica.doc.clientID,
    idTag: idTagOf(studios[from]!.replica.doc.clientID),
  };
  const outcome = server.apply(update, author);
  if (outcome.kind === 'malformed')
    throw new Error(`a studio's update was refused as malformed: ${outcome.reason}`);
  studios.forEach((studio, index) => {
    if (index !== from) studio.down.push(outcome.relay);
    else if (outcome.kind === 'corrected') studio.down.push(outcome.correction);
  });
}

describe('live editing converges', () => {
  it('every replica ends with the server’s document, and it is a valid scene', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), (steps) => {
        const { server, studios } = setUp();
        for (const s of steps) {
          const studio = studios[s.editor]!;
          if (s.kind === 'edit') perform(studio, s.edit);
          else if (s.kind === 'send') {
            const update = studio.replica.takeOutgoing();
            if (update) studio.up.push(update);
          } else if (s.kind === 'toServer') deliverToServer(server, studios, s.editor);
          else {
            const update = studio.down.shift();
            if (update) studio.replica.receive(update);
          }
        }
        // Quiet: everything sent, delivered and answered, until nothing moves.
        for (let round = 0; round < 50; round++) {
          let moved = false;
          studios.forEach((studio, index) => {
            const update = studio.replica.takeOutgoing();
            if (update) studio.up.push(update);
            while (studio.up.length > 0) {
              deliverToServer(server, studios, index);
              moved = true;
            }
          });
          for (const studio of studios)
            while (studio.down.length > 0) {
              studio.replica.receive(studio.down.shift()!);
              moved = true;
            }
          if (!moved) break;
        }
        const final = liveEntitiesJson(server.doc);
        expect(sceneDocumentSchema.safeParse({ schema: 2, entities: final }).success).toBe(true);
        expect(final).toEqual(server.entities());
        for (const studio of studios) {
          expect(liveEntitiesJson(studio.replica.doc)).toEqual(final);
          expect(Object.keys(studio.replica.scene.entities).sort()).toEqual(Object.keys(final).sort());
        }
      }),
      { numRuns: 300 },
    );
  });
});
