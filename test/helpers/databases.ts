/**
 * The two databases a server runs on, opened bare (no server) for tests of migrations and repositories:
 * embedded PGlite in a temp directory, and a fresh schema on the test PostgreSQL. Use with describe.each.
 */
import { openDatabase, type OpenDatabase } from '../../server/index.js';
import { tempDir } from './server-process.js';
import { createPostgresSchema } from './services.js';

export type OpenedDatabase = { database: OpenDatabase; cleanup: () => Promise<void> };

export const DATABASE_BACKENDS: Array<[string, () => Promise<OpenedDatabase>]> = [
  [
    'PGlite',
    async () => {
      const database = await openDatabase({ dataDir: await tempDir(), databaseUrl: undefined });
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
