import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, parseConfig, startServer, type RunningServer } from '../../server/index.js';
import { tempDir } from './server-process.js';
import { createPostgresSchema } from './services.js';

/**
 * Starts the whole server inside the test process on a free port, on a PostgreSQL schema of its own
 * (dropped on close). `DATABASE_URL: ''` gives it the embedded database in a temp dir instead, as `npm
 * start` runs (the embedded PostgreSQL; with `EMBEDDED_DATABASE: 'pglite'`, PGlite). A cluster costs about a
 * second to make and start; a schema a few milliseconds.
 */
export async function startInProcessServer(
  env: Record<string, string> = {},
  options: { logLines?: string[] } = {},
): Promise<RunningServer> {
  const schema = env.DATABASE_URL === undefined ? await createPostgresSchema() : undefined;
  const config = parseConfig({
    ...(schema ? { DATABASE_URL: schema.url } : {}),
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: await tempDir(),
    LOG_LEVEL: 'warn',
    // The dev chain (anvil) only where a test asks for it (DEV_CHAIN=on): each server would start its own.
    DEV_CHAIN: 'off',
    // The embedded LiveKit likewise (DEV_VOICE=on): it takes fixed ports; tests start their own LiveKit.
    DEV_VOICE: 'off',
    DEV_CHAIN_PORT: '0',
    ...env,
  });
  const logLines = options.logLines;
  // The server's own logger configuration (redaction included), writing into the test's array.
  const logger = logLines
    ? createLogger(
        config,
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            logLines.push(chunk.toString());
            done();
          },
        }),
      )
    : undefined;
  // The built player (and its asset renderer page), as `npm start` serves it.
  const clientDir = path.resolve('dist/client');
  const running = await startServer(config, logger ? { logger, clientDir } : { clientDir }).catch(
    async (error: unknown) => {
      await schema?.drop();
      throw error;
    },
  );
  if (!schema) return running;
  const close = running.close.bind(running);
  running.close = async () => {
    await close();
    await schema.drop();
  };
  return running;
}
