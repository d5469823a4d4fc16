/**
 * Migration 0011 on both databases: every schema 2 draft is split one row per entity, reads back through
 * `scene_draft_documents` byte for byte (and its `bytes` is the text's length), a draft in another form stays
 * whole, and going back down joins every draft whole again with the same bytes.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { canonicalJson, migrateTo, migrateToLatest } from '../../server/index.js';
import { demoScene } from '../../server/db/demo-scene.js';
import { DATABASE_BACKENDS, storedWorld } from '../helpers/databases.js';

/** A schema 1 document (the 0008 migration could not convert it; it is stored as it was). */
const SCHEMA_1 = canonicalJson({ schema: 1, entities: [{ id: 'x', parent: 'x', transform: {} }] });
const EMPTY = canonicalJson({ schema: 2, entities: {} });
/** Ids a locale's collation would order otherwise (it folds case and skips "-" and "_"); RFC 8785 sorts by code unit. */
const AWKWARD = canonicalJson({
  schema: 2,
  entities: Object.fromEntries(
    ['b', 'B', 'a_1', 'a-1', 'A', '0', 'a1', 'z'].map((id, index) => [
      id,
      { name: `"${id}" \\ {}`, order: `a${index}`, transform: { position: [index, 0.1, -1e-7] } },
    ]),
  ),
});

describe.each(DATABASE_BACKENDS)('draft entities migration on %s', (_name, open) => {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  afterAll(async () => handle?.cleanup());

  it('splits schema 2 drafts per entity, reads them back byte for byte, and joins them again going down', async () => {
    handle = await open();
    const { db } = handle.database;
    await migrateTo(db, '0010-draft-body-uncompressed');
    const bodies = {
      demo: canonicalJson(demoScene()),
      awkward: AWKWARD,
      empty: EMPTY,
      legacy: SCHEMA_1,
    };
    const ids: Record<string, string> = {};
    for (const [slug, body] of Object.entries(bodies)) ids[slug] = (await storedWorld(db, slug, body)).id;

    await migrateToLatest(db);
    const read = async () =>
      Object.fromEntries(
        await Promise.all(
          Object.keys(bodies).map(async (slug): Promise<[string, { body: string; bytes: number }]> => {
            const row = await db
              .selectFrom('scene_draft_documents')
              .select(['body', 'bytes'])
              .where('world_id', '=', ids[slug]!)
              .executeTakeFirstOrThrow();
            return [slug, { body: row.body, bytes: Number(row.bytes) }];
          }),
        ),
      );
    const expected = Object.fromEntries(
      Object.entries(bodies).map(([slug, body]) => [slug, { body, bytes: Buffer.byteLength(body) }]),
    );
    expect(await read()).toEqual(expected);
    const stored = await db
      .selectFrom('scene_drafts')
      .select(['world_id', 'body'])
      .execute()
      .then((rows) => new Map(rows.map((row) => [row.world_id, row.body])));
    expect(stored.get(ids.demo!)).toBeNull();
    expect(stored.get(ids.awkward!)).toBeNull();
    expect(stored.get(ids.legacy!)).toBe(SCHEMA_1);
    const rows = await sql<{ count: string }>`
      select count(*) from scene_draft_entities where world_id = ${ids.demo!}`.execute(db);
    expect(Number(rows.rows[0]!.count)).toBe(Object.keys(demoScene().entities).length);

    await migrateTo(db, '0010-draft-body-uncompressed');
    const whole = await sql<{
      world_id: string;
      body: string;
    }>`select world_id, body from scene_drafts`.execute(db);
    expect(new Map(whole.rows.map((row) => [row.world_id, row.body]))).toEqual(
      new Map(Object.entries(bodies).map(([slug, body]) => [ids[slug]!, body])),
    );
  });
});
