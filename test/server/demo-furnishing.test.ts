/**
 * The demo plaza's furniture: the solids it is made of face outwards (a face wound the wrong way is
 * invisible from outside), every piece passes the asset pipeline as a prop, and furnishing stores and
 * records the assets, takes them from its cache the second time and rebuilds a damaged cache entry.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NodeIO } from '@gltf-transform/core';
import { sql } from 'kysely';
import pino from 'pino';
import { DEFAULT_BUDGETS, LocalAssetStore, gltfIO, processAsset } from '../../asset-pipeline/index.js';
import { AssetJobsRepository, furnishDemoWorld } from '../../server/assets/index.js';
import { MeshBuilder } from '../../server/assets/demo-furnishing/mesh-builder.js';
import { furnitureGlb } from '../../server/assets/demo-furnishing/furniture-models.js';
import { buildStaticWorld, overlapsFootprint } from '../../protocol/index.js';
import { demoScene } from '../../server/db/demo-scene.js';
import {
  DEMO_FURNITURE,
  migrateToLatest,
  openDatabase,
  type DemoFurniture,
  type OpenDatabase,
} from '../../server/index.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/services.js';

type V = [number, number, number];
const sub = (a: V, b: V): V => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: V, b: V): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: V, b: V): V => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];

/** Each triangle of a GLB's primitives: corners and the normal stored at its first corner. */
async function triangles(glb: Uint8Array): Promise<{ corners: [V, V, V]; normal: V }[]> {
  const document = await new NodeIO().readBinary(glb);
  const out: { corners: [V, V, V]; normal: V }[] = [];
  for (const mesh of document.getRoot().listMeshes())
    for (const primitive of mesh.listPrimitives()) {
      const positions = primitive.getAttribute('POSITION')!;
      const normals = primitive.getAttribute('NORMAL')!;
      const indices = primitive.getIndices()!.getArray()!;
      for (let i = 0; i < indices.length; i += 3) {
        const corner = (k: number): V => positions.getElement<V>(indices[i + k]!, [0, 0, 0]);
        const corners: [V, V, V] = [corner(0), corner(1), corner(2)];
        out.push({ corners, normal: normals.getElement<V>(indices[i]!, [0, 0, 0]) });
      }
    }
  return out;
}

describe('the demo furniture’s solids', () => {
  it('wind every face outwards, with normals that agree', async () => {
    const centre: V = [1, 2, 3];
    const solids: Array<[string, (m: MeshBuilder) => MeshBuilder]> = [
      ['box', (m) => m.box('a', centre, [1, 0.5, 2])],
      ['cylinder', (m) => m.cylinder('a', centre[0], centre[2], 1.5, 2.5, 0.4, 0.2)],
      ['ball', (m) => m.ball('a', centre, 0.7, [1, 0.6, 1])],
    ];
    for (const [name, build] of solids) {
      const glb = await build(new MeshBuilder({ a: { color: '#808080', roughness: 1 } })).glb(name);
      const faces = await triangles(glb);
      expect(faces.length).toBeGreaterThan(8);
      for (const { corners, normal } of faces) {
        const [a, b, c] = corners;
        const wound = cross(sub(b, a), sub(c, a));
        const middle: V = [(a[0] + b[0] + c[0]) / 3, (a[1] + b[1] + c[1]) / 3, (a[2] + b[2] + c[2]) / 3];
        // Outwards: away from the solid's centre; the stored normal on the wound side.
        expect({ name, outwards: dot(wound, sub(middle, centre)) > 0 }).toEqual({ name, outwards: true });
        expect({ name, agrees: dot(wound, normal) > 0 }).toEqual({ name, agrees: true });
      }
    }
  });

  it('pass the asset pipeline as props without a warning, each piece, without being fitted', async () => {
    for (const name of DEMO_FURNITURE) {
      const glb = await furnitureGlb(name);
      expect(await furnitureGlb(name)).toEqual(glb); // the same bytes every time
      const { report, glb: optimized } = await processAsset(glb, { profile: 'prop' }); // throws when refused
      // Colours ride in the vertices (kept by the pipeline): a piece is one draw, two with a glowing part.
      const primitives = (await (await gltfIO()).readBinary(optimized))
        .getRoot()
        .listMeshes()
        .flatMap((mesh) => mesh.listPrimitives());
      expect({ name, draws: primitives.length <= 2 }).toEqual({ name, draws: true });
      for (const primitive of primitives) expect(primitive.getAttribute('COLOR_0')).not.toBeNull();
      expect({ name, warnings: report.warnings, fitted: report.fitted }).toEqual({
        name,
        warnings: [],
        fitted: {},
      });
      expect(report.budget.every((check) => check.ok)).toBe(true);
    }
  });
});

describe('the furnished demo scene', () => {
  const furniture = Object.fromEntries(
    DEMO_FURNITURE.map((name, i) => [name, String(i + 1).repeat(64)]),
  ) as unknown as DemoFurniture;

  it('keeps the spawn free, every seat, spawn and portal clear of colliders, and the portal leads somewhere', () => {
    const scene = demoScene(furniture);
    const world = buildStaticWorld(scene);
    const spawn = world.defaultSpawn!;
    expect(spawn.name).toBe('main');
    // Nothing within 4 m of where visitors appear.
    for (const x of [-4, -2, 0, 2, 4])
      for (const z of [-4, -2, 0, 2, 4])
        expect(world.obstacles.filter((o) => overlapsFootprint(o, spawn.x + x, spawn.z + z))).toEqual([]);
    const clear = (what: string, x: number, z: number) =>
      expect({ what, blocked: world.obstacles.some((o) => overlapsFootprint(o, x, z)) }).toEqual({
        what,
        blocked: false,
      });
    for (const item of world.interactables.values()) clear(item.entity, item.x, item.z);
    for (const point of world.spawns) clear(point.name, point.x, point.z);
    for (const portal of world.portals) {
      clear(`portal ${portal.entity}`, portal.x, portal.z);
      expect(world.spawns.map((point) => point.name)).toContain(portal.spawn);
    }
    // Every piece is placed at least once, and only the given assets are used.
    const used = Object.values(scene.entities).flatMap((entity) =>
      entity.components.model ? [entity.components.model.asset] : [],
    );
    expect(new Set(used)).toEqual(new Set(Object.values(furniture)));
  });
});

describe('furnishing a new installation', () => {
  let schema: PostgresSchema;
  let database: OpenDatabase;
  let cacheDir: string;
  let storeDir: string;
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    schema = await createPostgresSchema();
    database = await openDatabase({ dataDir: '/nonexistent', databaseUrl: schema.url });
    await migrateToLatest(database.db);
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'furnishing-cache-'));
    storeDir = await mkdtemp(path.join(os.tmpdir(), 'furnishing-store-'));
  });
  afterAll(async () => {
    await database?.close();
    await schema?.drop();
  });

  it('stores and records every piece through the pipeline, then reuses its cache', async () => {
    const deps = {
      store: new LocalAssetStore(storeDir),
      jobs: new AssetJobsRepository(database.db),
      budget: DEFAULT_BUDGETS.prop,
      logger,
      cacheDir,
    };
    const first = await furnishDemoWorld(deps);
    expect(Object.keys(first).sort()).toEqual([...DEMO_FURNITURE].sort());
    const assets = await database.db.selectFrom('assets').select(['hash', 'profile', 'created_by']).execute();
    expect(assets.map((a) => a.hash).sort()).toEqual(Object.values(first).sort());
    expect(new Set(assets.map((a) => `${a.profile}/${a.created_by}`))).toEqual(new Set(['prop/null']));
    // Each asset's file and its levels of detail are in the store and recorded.
    const files = await database.db.selectFrom('asset_files').select('hash').execute();
    expect(files.length).toBeGreaterThanOrEqual(DEMO_FURNITURE.length);
    for (const { hash } of files) expect(await deps.store.has(hash)).toBe(true);
    expect((await readdir(cacheDir)).filter((entry) => !entry.endsWith('.tmp'))).toHaveLength(
      DEMO_FURNITURE.length,
    );

    // A second installation on this machine gets the same assets from the cache.
    const second = await furnishDemoWorld({
      ...deps,
      store: new LocalAssetStore(await mkdtemp(path.join(os.tmpdir(), 'furnishing-store-'))),
    });
    expect(second).toEqual(first);

    // A damaged cache entry is not used: that piece is processed again.
    const entry = (await readdir(cacheDir))[0]!;
    const damaged = (await readdir(path.join(cacheDir, entry))).find((file) => file !== 'index.json')!;
    await writeFile(path.join(cacheDir, entry, damaged), 'not a model');
    const third = await furnishDemoWorld(deps);
    expect(Object.keys(third).sort()).toEqual([...DEMO_FURNITURE].sort());
    // … and its cache entry written anew.
    const repaired = await readFile(path.join(cacheDir, entry, damaged));
    expect(createHash('sha256').update(repaired).digest('hex')).toBe(damaged);
    const { rows } = await sql<{ count: string }>`select count(*) from assets`.execute(database.db);
    expect(Number(rows[0]!.count)).toBeGreaterThanOrEqual(DEMO_FURNITURE.length);
  });
});
