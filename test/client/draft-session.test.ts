/**
 * The studio's draft session against a fake server that behaves like the real PATCH (If-Match, 412 when
 * stale): edits apply at once, save debounced as one PATCH, undo and redo, a drag merges into one step,
 * a stale save re-applies this page's edits onto the other writer's draft, an edit whose entity someone
 * deleted is dropped and said, a lost connection keeps everything pending, invalid edits are refused.
 */
import { describe, expect, it } from '@jest/globals';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { DraftSession, setCommand, type DraftTransport } from '../../client/src/apps/studio/draft-session.js';

const entity = (x: number, order = 'a0') => ({ order, transform: { position: [x, 0, 0] } });

/** A server draft with ETags; `down` makes it unreachable. */
function fakeServer(initial: unknown) {
  let doc = JSON.parse(JSON.stringify(initial)) as unknown;
  let revision = 1;
  const server = {
    down: false,
    patches: [] as Operation[][],
    get doc() {
      return doc;
    },
    etag: () => `"r${revision}"`,
    /** Another writer's save. */
    write(operations: Operation[]) {
      doc = fastJsonPatch.applyPatch(doc, operations, true, false).newDocument;
      revision += 1;
    },
    transport: {
      load: () =>
        Promise.resolve({ body: JSON.parse(JSON.stringify(doc)) as unknown, etag: `"r${revision}"` }),
      patch: (etag: string, operations: Operation[]) => {
        if (server.down) return Promise.reject(new Error('Failed to fetch'));
        if (etag !== `"r${revision}"`)
          return Promise.resolve({ ok: false as const, status: 412, detail: 'stale' });
        server.patches.push(operations);
        server.write(operations);
        return Promise.resolve({ ok: true as const, etag: `"r${revision}"` });
      },
    } satisfies DraftTransport,
  };
  return server;
}

function memoryStore() {
  let saved: Operation[] = [];
  return {
    read: () => saved,
    write: (ops: Operation[]) => (saved = [...ops]),
    get saved() {
      return saved;
    },
  };
}

const position = (path: string, before: number, after: number) =>
  setCommand('move', `/entities/${path}/transform/position`, [before, 0, 0], [after, 0, 0]);

describe('studio draft session', () => {
  it('applies edits at once, saves them as one PATCH, and undoes and redoes them', async () => {
    const server = fakeServer({ schema: 2, entities: { a: entity(0), b: entity(5, 'a1') } });
    const session = new DraftSession(server.transport, memoryStore(), undefined, 10_000);
    await session.open();
    expect(session.run(position('a', 0, 1), 0)).toBeNull();
    expect(session.run(position('b', 5, 6), 5_000)).toBeNull();
    expect(session.scene.entities.a!.transform.position).toEqual([1, 0, 0]);
    expect(session.state.kind).toBe('pending');
    await session.flush();
    expect(server.patches).toHaveLength(1);
    expect(session.state.kind).toBe('saved');
    session.undo();
    expect(session.scene.entities.b!.transform.position).toEqual([5, 0, 0]);
    session.redo();
    session.undo();
    await session.flush();
    expect(
      (server.doc as { entities: Record<string, { transform: { position: number[] } }> }).entities.b!
        .transform.position,
    ).toEqual([5, 0, 0]);
  });

  it('merges a drag of one property into one undo step', async () => {
    const server = fakeServer({ schema: 2, entities: { a: entity(0) } });
    const session = new DraftSession(server.transport, memoryStore(), undefined, 10_000);
    await session.open();
    for (let x = 1; x <= 5; x += 1) session.run(position('a', x - 1, x), x * 100);
    expect(session.scene.entities.a!.transform.position).toEqual([5, 0, 0]);
    session.undo();
    expect(session.scene.entities.a!.transform.position).toEqual([0, 0, 0]);
    expect(session.canUndo).toBe(false);
  });

  it('re-applies its unsaved edits onto another writer’s save, and drops and says what no longer applies', async () => {
    const server = fakeServer({ schema: 2, entities: { a: entity(0), b: entity(5, 'a1') } });
    const session = new DraftSession(server.transport, memoryStore(), undefined, 10_000);
    await session.open();
    session.run(position('a', 0, 2), 0);
    session.run(position('b', 5, 7), 5_000);
    // Meanwhile another writer adds an entity and deletes b.
    server.write([
      { op: 'add', path: '/entities/c', value: entity(9, 'a2') },
      { op: 'remove', path: '/entities/b' },
    ]);
    await session.flush();
    const doc = server.doc as { entities: Record<string, { transform: { position: number[] } }> };
    expect(Object.keys(doc.entities).sort()).toEqual(['a', 'c']);
    expect(doc.entities.a!.transform.position).toEqual([2, 0, 0]);
    expect(session.notices.join(' ')).toMatch(
      /An edit could not be kept \(\/entities\/b\/transform\/position\)/,
    );
    expect(session.state.kind).toBe('saved');
  });

  it('keeps edits while the server cannot be reached, in the browser too, and saves them on return', async () => {
    const server = fakeServer({ schema: 2, entities: { a: entity(0) } });
    const store = memoryStore();
    const session = new DraftSession(server.transport, store, undefined, 10_000);
    await session.open();
    server.down = true;
    session.run(position('a', 0, 3), 0);
    await session.flush();
    expect(session.state).toMatchObject({ kind: 'offline' });
    expect(store.saved).toHaveLength(1);
    // The page reloads while offline: a new session finds the edit and saves it once the server is back.
    server.down = false;
    const again = new DraftSession(server.transport, store, undefined, 10_000);
    await again.open();
    expect(again.scene.entities.a!.transform.position).toEqual([3, 0, 0]);
    await again.flush();
    expect(store.saved).toEqual([]);
    expect(
      (server.doc as { entities: { a: { transform: { position: number[] } } } }).entities.a.transform
        .position,
    ).toEqual([3, 0, 0]);
  });

  it('refuses an edit that would make the scene invalid, changing nothing', async () => {
    const server = fakeServer({ schema: 2, entities: { a: entity(0) } });
    const session = new DraftSession(server.transport, memoryStore(), undefined, 10_000);
    await session.open();
    const problem = session.run(setCommand('parent', '/entities/a/parent', undefined, 'a'), 0);
    expect(problem).toMatch(/cannot be its own parent/);
    expect(session.scene.entities.a!.parent).toBeUndefined();
    expect(session.state.kind).toBe('saved');
  });

  it('applies an edit of some entities to those alone: the others stay the same objects, and the scene-wide rules still hold', async () => {
    const server = fakeServer({
      schema: 2,
      entities: {
        a: entity(0),
        b: { ...entity(5, 'a1'), parent: 'a' },
        c: { ...entity(9, 'a2'), components: { 'spawn-point': { name: 'main', default: true } } },
      },
    });
    const session = new DraftSession(server.transport, memoryStore(), undefined, 10_000);
    await session.open();
    const before = session.scene;
    expect(session.run(position('b', 5, 6), 0)).toBeNull();
    expect(session.scene).not.toBe(before);
    expect(session.scene.entities.a).toBe(before.entities.a);
    expect(session.scene.entities.c).toBe(before.entities.c);
    expect(session.scene.entities.b).not.toBe(before.entities.b);
    expect(session.scene.entities.b!.transform.position).toEqual([6, 0, 0]);
    expect(before.entities.b!.transform.position).toEqual([5, 0, 0]); // the scene before is left as it was
    // An edit that breaks a rule across entities is refused as a whole-document parse refuses it.
    expect(session.run(setCommand('parent', '/entities/a/parent', undefined, 'b'), 0)).toMatch(
      /parent|cycle/,
    );
    expect(
      session.run(
        {
          label: 'second spawn',
          forward: [
            {
              op: 'add',
              path: '/entities/d',
              value: { ...entity(1, 'a3'), components: { 'spawn-point': { name: 'two', default: true } } },
            },
          ],
          backward: [{ op: 'remove', path: '/entities/d' }],
        },
        0,
      ),
    ).toMatch(/marked default/);
    expect(Object.keys(session.scene.entities).sort()).toEqual(['a', 'b', 'c']);
    // Defaults are filled in for a touched entity as for a whole parse.
    expect(session.scene.entities.b!.components).toEqual({});
  });
});
