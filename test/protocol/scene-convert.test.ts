/**
 * Schema 1 → 2 on real schema 1 documents: the demo world's scene as the server seeded it, and a world
 * archive exported by the server before schema 2 (test/fixtures/scenes-v1/). And what cannot be converted
 * is refused with the entity and the reason.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import {
  buildStaticWorld,
  componentsOf,
  convertSceneV1,
  sceneDocumentSchema,
  sceneEntities,
  type SceneV1DocumentInput,
} from '../../protocol/index.js';
import { demoScene } from '../../server/db/demo-scene.js';
import { demoSceneBeforeItsLook, fromV1 } from '../helpers/scene-v1.js';

const fixture = async (name: string): Promise<unknown> =>
  JSON.parse(await readFile(new URL(`../fixtures/scenes-v1/${name}`, import.meta.url), 'utf8'));

const at = (x: number): { position: [number, number, number] } => ({ position: [x, 0, 0] });

describe('converting schema 1 scenes', () => {
  it('turns the demo world v1 scene into exactly the schema 2 scene a new install seeds (but its look)', async () => {
    const converted = convertSceneV1(await fixture('demo-world.json'));
    expect(converted).toMatchObject({ ok: true, changes: [] });
    if (!converted.ok) return;
    expect(converted.scene).toEqual(demoSceneBeforeItsLook());
    // Same simulation: spawn points, seats, colliders and frames are where they were.
    expect(buildStaticWorld(converted.scene)).toEqual(buildStaticWorld(demoScene()));
  });

  it('converts every scene of an archive the server exported before schema 2, keeping order and meaning', async () => {
    const archive = (await fixture('demo-world-archive.json')) as {
      draft: string;
      versions: { body: string }[];
    };
    const bodies = [archive.draft, ...archive.versions.map((v) => v.body)];
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    for (const body of bodies) {
      const v1 = JSON.parse(body) as { entities: { id: string; components: { type: string }[] }[] };
      const converted = convertSceneV1(v1);
      if (!converted.ok) throw new Error(converted.reason);
      expect(sceneDocumentSchema.safeParse(converted.scene).success).toBe(true);
      // The same entities, in the same order, with the same components.
      expect(sceneEntities(converted.scene).map((e) => e.id)).toEqual(v1.entities.map((e) => e.id));
      for (const entity of sceneEntities(converted.scene))
        expect(componentsOf(entity).map((c) => c.type)).toEqual(
          v1.entities.find((e) => e.id === entity.id)!.components.map((c) => c.type),
        );
    }
  });

  it('keeps sibling order under each parent and makes keys a new entity can go between', () => {
    const scene = fromV1({
      schema: 1,
      entities: [
        { id: 'b', transform: at(0) },
        { id: 'room', transform: at(1) },
        { id: 'lamp', parent: 'room', transform: at(2) },
        { id: 'a', transform: at(3) },
        { id: 'chair', parent: 'room', transform: at(4) },
      ],
    });
    expect(sceneEntities(scene).map((e) => e.id)).toEqual(['b', 'room', 'lamp', 'chair', 'a']);
    const roots = ['b', 'room', 'a'].map((id) => scene.entities[id]!.order);
    expect([...roots].sort()).toEqual(roots);
    expect(scene.entities.lamp!.order < scene.entities.chair!.order).toBe(true);
  });

  it('moves a second component of one type to a child entity at the same place, and says so', () => {
    const converted = convertSceneV1({
      schema: 1,
      entities: [
        {
          id: 'lamps',
          transform: { position: [1, 2, 3] },
          components: [
            { type: 'light', kind: 'point', intensity: 5 },
            { type: 'light', kind: 'point', intensity: 9 },
          ],
        },
      ],
    } satisfies SceneV1DocumentInput);
    expect(converted.ok).toBe(true);
    if (!converted.ok) return;
    expect(converted.scene.entities['lamps-light-2']).toMatchObject({
      parent: 'lamps',
      transform: { position: [0, 0, 0] },
      components: { light: { intensity: 9 } },
    });
    expect(converted.scene.entities.lamps!.components.light?.intensity).toBe(5);
    expect(converted.changes).toEqual([
      '"lamps": its second "light" component moved to child entity "lamps-light-2"',
    ]);
  });

  it.each([
    [
      'a duplicate id',
      {
        schema: 1,
        entities: [
          { id: 'x', transform: at(0) },
          { id: 'x', transform: at(1) },
        ],
      },
      { entity: 'x', path: '/entities/1/id', reason: 'entity id "x" is used twice' },
    ],
    [
      'a missing parent',
      { schema: 1, entities: [{ id: 'x', parent: 'gone', transform: at(0) }] },
      { entity: 'x', path: '/entities/0/parent' },
    ],
    [
      'a parent cycle',
      {
        schema: 1,
        entities: [
          { id: 'x', parent: 'y', transform: at(0) },
          { id: 'y', parent: 'x', transform: at(1) },
        ],
      },
      { reason: expect.stringContaining('each other') },
    ],
    [
      'a portal to a spawn point the scene lacks',
      {
        schema: 1,
        entities: [{ id: 'gate', transform: at(0), components: [{ type: 'portal', spawn: 'nowhere' }] }],
      },
      { entity: 'gate', reason: expect.stringContaining('no spawn point named "nowhere"') },
    ],
    [
      'an unknown component field',
      { schema: 1, entities: [{ id: 'x', transform: at(0), components: [{ type: 'text', txt: 'hi' }] }] },
      {
        entity: 'x',
        path: expect.stringContaining('/entities/0/components/0'),
        reason: expect.stringContaining('not a valid schema 1 scene'),
      },
    ],
    [
      'a child id the split would need that is taken',
      {
        schema: 1,
        entities: [
          { id: 'x-text-2', transform: at(0) },
          {
            id: 'x',
            transform: at(0),
            components: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      },
      { entity: 'x', reason: expect.stringContaining('that id is taken') },
    ],
  ])('refuses %s, naming the entity and the reason', (_, document, expected) => {
    expect(convertSceneV1(document)).toMatchObject({ ok: false, ...expected });
  });
});

describe('schema 2 documents', () => {
  const base = (entities: Record<string, unknown>) => ({ schema: 2, entities });
  const e = (extra: Record<string, unknown> = {}) => ({ order: 'a0', transform: at(0), ...extra });

  it.each([
    ['a dangling parent', base({ x: e({ parent: 'gone' }) }), ['entities', 'x', 'parent']],
    ['a parent cycle', base({ x: e({ parent: 'y' }), y: e({ parent: 'x' }) }), ['entities', 'x', 'parent']],
    [
      'a component type twice (as a list)',
      base({ x: e({ components: [{ type: 'text', text: 'a' }] }) }),
      ['entities', 'x', 'components'],
    ],
    [
      'an unknown component type',
      base({ x: e({ components: { sound: {} } }) }),
      ['entities', 'x', 'components'],
    ],
    ['a bad order key', base({ x: e({ order: 'a 0' }) }), ['entities', 'x', 'order']],
  ])('refuses %s with its path', (_, document, path) => {
    const result = sceneDocumentSchema.safeParse(document);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.slice(0, path.length)).toEqual(path);
  });
});
