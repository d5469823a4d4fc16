/**
 * The two databases a server runs on, opened bare (no server) for tests of migrations and repositories:
 * PGlite in a temp directory (EMBEDDED_DATABASE=pglite), and a fresh schema on the test PostgreSQL (the
 * embedded PostgreSQL of `npm start` is the same engine). Use with describe.each.
 */
import { sql, type Kysely } from 'kysely';
import {
  DEFAULT_ORG_SLUG,
  etagOf,
  openDatabase,
  type Database,
  type OpenDatabase,
} from '../../server/index.js';
import { tempDir } from './server-process.js';
import { createPostgresSchema } from './services.js';

export type OpenedDatabase = { database: OpenDatabase; cleanup: () => Promise<void> };

export const DATABASE_BACKENDS: Array<[string, () => Promise<OpenedDatabase>]> = [
  [
    'PGlite',
    async () => {
      const database = await openDatabase({
        dataDir: await tempDir(),
        databaseUrl: undefined,
        embeddedDatabase: 'pglite',
      });
      return { database, cleanup: () => database.close() };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const schema = await createPostgresSchema();
      const database = await openDatabase({ dataDir: '/nonexistent', databaseUrl: schema.url });
      return {
        database,
        cleanup: async () => {
          await database.close();
          await schema.drop();
        },
      };
    },
  ],
];

/**
 * A world of the default organization with `draft` stored whole, written with SQL alone, so it works on
 * the schema of any migration since 0002 (for tests of later migrations' conversions).
 */
export async function storedWorld(
  db: Kysely<Database>,
  slug: string,
  draft: string,
): Promise<{ id: string }> {
  const { rows } = await sql<{ id: string }>`
    insert into worlds (slug, name, org_id)
    select ${slug}, ${slug}, id from organizations where slug = ${DEFAULT_ORG_SLUG}
    returning id`.execute(db);
  const world = rows[0]!;
  await sql`
    insert into scene_drafts (world_id, revision, body, etag)
    values (${world.id}, 1, ${draft}, ${etagOf(draft)})`.execute(db);
  return world;
}
