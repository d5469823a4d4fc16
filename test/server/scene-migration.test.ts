/**
 * Migration 0008 on both databases: a database written before scene schema 2 (the demo world's draft and
 * versions as schema 1, one version that cannot be converted) comes out with every convertible document in
 * schema 2 — the very scene a new install seeds — and the other left byte for byte, recorded and reported.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pino from 'pino';
import {
  canonicalJson,
  etagOf,
  migrateTo,
  migrateToLatest,
  reportSceneConversionProblems,
} from '../../server/index.js';
import { DATABASE_BACKENDS, storedWorld } from '../helpers/databases.js';
import { demoSceneBeforeItsLook } from '../helpers/scene-v1.js';

/** Two entities that are each other's parents: schema 1 stored it; no conversion can. */
const CYCLIC_V1 = canonicalJson({
  schema: 1,
  entities: [
    { id: 'x', parent: 'y', transform: { position: [0, 0, 0] } },
    { id: 'y', parent: 'x', transform: { position: [0, 0, 0] } },
  ],
});

describe.each(DATABASE_BACKENDS)('scene schema 2 migration on %s', (_name, open) => {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  afterAll(async () => handle?.cleanup());

  it('converts stored schema 1 drafts and versions, leaves the unconvertible one as it was and reports it', async () => {
    handle = await open();
    const { db } = handle.database;
    await migrateTo(db, '0007-world-media');
    const demoV1 = canonicalJson(
      JSON.parse(await readFile(new URL('../fixtures/scenes-v1/demo-world.json', import.meta.url), 'utf8')),
    );
    const v2Already = canonicalJson(demoSceneBeforeItsLook());
    // The demo world as a 0007 server stored it (today's seed writes today's schema).
    const world = await storedWorld(db, 'demo', demoV1);
    for (const [version, body] of [
      [1, demoV1],
      [2, CYCLIC_V1],
      [3, v2Already],
    ] as const)
      await sql`
        insert into scene_versions (world_id, version, body, etag, message)
        values (${world.id}, ${version}, ${body}, ${etagOf(body)}, 'before schema 2')`.execute(db);

    expect((await migrateToLatest(db))[0]).toBe('0008-scene-schema-2'); // and every later one

    const draft = await db
      .selectFrom('scene_draft_documents')
      .select(['body', 'etag'])
      .where('world_id', '=', world.id)
      .executeTakeFirstOrThrow();
    expect(draft).toEqual({ body: v2Already, etag: etagOf(v2Already) });
    const versions = await db
      .selectFrom('scene_versions')
      .select(['version', 'body', 'etag'])
      .where('world_id', '=', world.id)
      .orderBy('version')
      .execute();
    expect(versions).toEqual([
      { version: 1, body: v2Already, etag: etagOf(v2Already) },
      { version: 2, body: CYCLIC_V1, etag: etagOf(CYCLIC_V1) },
      { version: 3, body: v2Already, etag: etagOf(v2Already) },
    ]);
    const problems = await db
      .selectFrom('scene_conversion_problems')
      .select(['version', 'entity', 'reason'])
      .execute();
    expect(problems).toEqual([
      { version: 2, entity: 'x', reason: expect.stringContaining("each other's parents") },
    ]);

    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    expect(await reportSceneConversionProblems(db, logger)).toBe(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      world: 'demo',
      version: 2,
      entity: 'x',
      msg: expect.stringContaining('world "demo" version 2 is still schema 1'),
    });
  });
});
