/**
 * Composes the server: config → logger → database (migrated, seeded) → matchmaking backend → NestJS
 * control plane and Colyseus rooms on one HTTP server. Returns a handle whose close() is the graceful
 * shutdown: stop joins, let rooms persist and close, then close HTTP and the database.
 */
import { existsSync } from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { publicAddressOf, type AppConfig } from './config/app-config.js';
import {
  WorldStateRepository,
  WorldsRepository,
  migrateToLatest,
  openDatabase,
  seedDemoWorld,
  type OpenDatabase,
} from './db/index.js';
import { AppModule } from './http/app.module.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { createMatchmakingBackend } from './rooms/matchmaking-backend.js';
import { createRoomHost } from './rooms/room-host.js';

export interface RunningServer {
  /** Base URL the server listens on, e.g. http://127.0.0.1:2567 */
  url: string;
  port: number;
  logger: Logger;
  database: OpenDatabase;
  /** Graceful shutdown; safe to call more than once. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Directory of the built player (Vite output); defaults to dist/client next to the compiled server. */
  clientDir?: string;
  logger?: Logger;
}

const DEFAULT_CLIENT_DIR = fileURLToPath(new URL('../client/', import.meta.url));

export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config);
  const database = await openDatabase(config);
  let app: NestExpressApplication | undefined;
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0)
      logger.info({ migrations: applied, database: database.kind }, 'database migrated');
    const worlds = new WorldsRepository(database.db);
    const states = new WorldStateRepository(database.db);
    await seedDemoWorld(worlds);

    const metrics = createMetrics();
    const backend = await createMatchmakingBackend(config);
    const rooms = await createRoomHost(
      backend,
      {
        worlds,
        states,
        logger,
        metrics,
        interest: config.interest,
        capacity: config.worldCapacity,
        instanceLock: backend.instanceLock,
      },
      publicAddressOf(config),
    );

    app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({
        logger,
        registry: metrics.registry,
        worlds,
        readinessChecks: [
          { name: 'database', probe: () => database.ping() },
          { name: 'presence', probe: () => backend.ping() },
        ],
      }),
      { bufferLogs: true },
    );
    app.useLogger(app.get(NestPinoLogger));
    app.useGlobalFilters(new ProblemDetailsFilter(logger));
    app.disable('x-powered-by');
    app.use(metrics.httpMiddleware);
    app.use(rooms.matchmakingMiddleware);

    const openApi = new DocumentBuilder()
      .setTitle('metaverse-in-a-box')
      .setDescription('Control plane of a self-hosted real-time 3D world service.')
      .setVersion('0.1.0')
      .build();
    SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app!, openApi), {
      jsonDocumentUrl: 'docs-json',
    });

    const clientDir = options.clientDir ?? DEFAULT_CLIENT_DIR;
    if (existsSync(clientDir)) app.useStaticAssets(clientDir, { index: 'index.html', maxAge: '1h' });
    else
      logger.warn({ clientDir }, 'the player is not built, so / has nothing to serve: run `npm run build`');

    await app.init();
    const httpServer: http.Server = app.getHttpServer();
    await rooms.attach(httpServer);
    await app.listen(config.port, config.host);
    const port = (httpServer.address() as AddressInfo).port;
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    logger.info(
      { url, database: database.kind, presence: backend.kind, publicUrl: config.publicUrl },
      'server listening',
    );

    let closing: Promise<void> | undefined;
    const nest = app;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        logger.info('shutting down: no new joins; rooms are saving their state');
        await rooms.shutdown();
        await nest.close();
        await database.close();
        logger.info('shutdown complete');
      })();
      return closing;
    };
    return { url, port, logger, database, close };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
}
