import { afterAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import {
  WorldStateRepository,
  WorldsRepository,
  migrateToLatest,
  seedDemoWorld,
} from '../../server/index.js';
import { DATABASE_BACKENDS } from '../helpers/databases.js';

describe.each(DATABASE_BACKENDS)('migrations on %s', (_name, open) => {
  let handle: Awaited<ReturnType<typeof open>>;
  afterAll(async () => handle?.cleanup());

  it('apply once, then are a no-op', async () => {
    handle = await open();
    expect(await migrateToLatest(handle.database.db)).toEqual([
      '0001-worlds',
      '0002-control-plane',
      '0003-world-mutes',
      '0004-assets',
      '0005-wallets',
      '0006-nft-bindings',
      '0007-world-media',
      '0008-scene-schema-2',
      '0009-library-and-limits',
      '0010-draft-body-uncompressed',
      '0011-draft-entities',
      '0012-embed-keys',
      '0013-live-drafts',
    ]);
    expect(await migrateToLatest(handle.database.db)).toEqual([]);
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_name in ('worlds', 'world_state') order by table_name
    `.execute(handle.database.db);
    expect(rows.map((row) => row.table_name)).toEqual(['world_state', 'worlds']);
    // A draft's body is kept out of line without compression (rewritten on every save); versions' are not.
    const storage = await sql<{ relname: string; attstorage: string }>`
      select c.relname, a.attstorage from pg_attribute a join pg_class c on c.oid = a.attrelid
      where c.relname in ('scene_drafts', 'scene_versions') and a.attname = 'body'
        and c.relnamespace = current_schema()::regnamespace
      order by c.relname
    `.execute(handle.database.db);
    expect(storage.rows).toEqual([
      { relname: 'scene_drafts', attstorage: 'e' },
      { relname: 'scene_versions', attstorage: 'x' },
    ]);
  });

  it('seed the demo world idempotently', async () => {
    const worlds = new WorldsRepository(handle.database.db);
    const first = await seedDemoWorld(handle.database.db, worlds);
    const second = await seedDemoWorld(handle.database.db, worlds);
    expect(second.id).toBe(first.id);
    expect((await worlds.list()).map((world) => world.slug)).toEqual(['demo']);
    // Other worlds default to voice only; the demo shows camera video and screen share.
    expect(second).toMatchObject({ allow_camera: true, allow_screen_share: true });
  });

  it('store world state snapshots by compare-and-set, so no writer overwrites a newer one', async () => {
    const world = await new WorldsRepository(handle.database.db).findBySlug('demo');
    const states = new WorldStateRepository(handle.database.db);
    expect(await states.load(world!.id)).toBeUndefined();
    expect(await states.compareAndSave(world!.id, 0, { v: 1, presses: 1 })).toBe(true);
    expect(await states.compareAndSave(world!.id, 0, { v: 1, presses: 9 })).toBe(false); // lost the race
    expect(await states.compareAndSave(world!.id, 1, { v: 1, presses: 4 })).toBe(true);
    expect(await states.compareAndSave(world!.id, 1, { v: 1, presses: 2 })).toBe(false); // stale revision
    expect(await states.load(world!.id)).toEqual({ revision: 2, state: { v: 1, presses: 4 } });
  });

  it('reject rows the constraints forbid', async () => {
    const worlds = new WorldsRepository(handle.database.db);
    const demo = await worlds.findBySlug('demo');
    await expect(
      worlds.ensure({
        slug: 'Not A Slug',
        name: 'x',
        org_id: demo!.org_id,
        published_version: null,
        thumbnail_asset: null,
      }),
    ).rejects.toThrow(/check constraint/);
  });
});
