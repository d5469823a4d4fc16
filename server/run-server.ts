/**
 * The server's process (run by main.ts, the entry point of `npm start`): reads the configuration, starts,
 * and shuts down gracefully on SIGTERM/SIGINT. Any start-up failure is one clear line on stderr and exit
 * code 1.
 */
import { ConfigError, parseConfig } from './config/app-config.js';
import { DatabaseUnavailableError } from './db/index.js';
import { PresenceUnavailableError } from './rooms/matchmaking-backend.js';
import { isPrettyLogging } from './observability/logger.js';
import { startBanner } from './start-banner.js';
import { startServer } from './start-server.js';

const KNOWN_STARTUP_ERRORS = [ConfigError, DatabaseUnavailableError, PresenceUnavailableError];

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const server = await startServer(config);
  if (isPrettyLogging(config))
    process.stdout.write(
      startBanner({
        config,
        port: server.port,
        database: server.database.kind,
        devChainRpc: server.devChain?.rpcUrl,
        devVoice: server.devVoice?.ports,
      }),
    );
  let signalled = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = true;
    server.logger.info({ signal }, 'received signal');
    const deadline = setTimeout(() => {
      server.logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting anyway');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  const known = KNOWN_STARTUP_ERRORS.some((type) => error instanceof type);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`mib-server: cannot start: ${message}\n`);
  if (!known && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
