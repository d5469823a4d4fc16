/** The server's public surface, for tests, benchmarks and tools that embed it. */
export { startServer, type RunningServer, type StartOptions } from './start-server.js';
export { parseConfig, ConfigError, type AppConfig } from './config/app-config.js';
export * from './db/index.js';
export { createLogger } from './observability/logger.js';
export { SERVER_NODE_FLAGS } from './node-flags.js';
