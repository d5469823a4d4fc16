/**
 * Composes the server: config → logger → database (migrated, seeded) → matchmaking backend → NestJS
 * control plane and Colyseus rooms on one HTTP server. Returns a handle whose close() is the graceful
 * shutdown: stop joins, let rooms persist and close, then close HTTP and the database.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { publicAddressOf, type AppConfig } from './config/app-config.js';
import {
  SceneVersionsRepository,
  WorldStateRepository,
  WorldsRepository,
  migrateToLatest,
  reportSceneConversionProblems,
  openDatabase,
  type OpenDatabase,
} from './db/index.js';
import {
  AccessService,
  ScenesService,
  AccountsService,
  Authenticator,
  InstanceDirectory,
  ModerationService,
  SessionTokens,
  EmbedTokens,
  EmbedService,
  UsageService,
  loadSigningKey,
  SharedRateLimits,
} from './control-plane/index.js';
import { LocalAssetStore, S3AssetStore } from '../asset-pipeline/index.js';
import {
  AssetJobRunner,
  AssetJobsRepository,
  registerAssetJobMetrics,
  AssetLibrary,
  AvatarWardrobe,
  WorldThumbnails,
  renderAssetFiles,
  AssetsService,
  BullmqJobDispatch,
  DatabaseJobDispatch,
  defaultFurnishingCache,
  seedFurnishedDemoWorld,
} from './assets/index.js';
import {
  SiweNoncesRepository,
  WalletSignInService,
  WalletsRepository,
  startChains,
  type ChainRuntime,
} from './wallets/index.js';
import { createNftServices } from './nft/index.js';
import { AppModule } from './http/app.module.js';
import { AllowedMethods } from './http/allowed-methods.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { registerReadinessMetrics, type ReadinessCheck } from './http/readiness.js';
import { serveApiDocs, servePlayer, useBodyParsers } from './http/http-pipeline.js';
import { createLogger, isPrettyLogging } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { createMatchmakingBackend } from './rooms/matchmaking-backend.js';
import { createRoomHost } from './rooms/room-host.js';
import { EditorAdmission } from './rooms/editor/editor-room-deps.js';
import { LiveDraftStore } from './rooms/editor/live-draft-store.js';
import { JoinAdmission } from './rooms/join-admission.js';
import { ModerationDesk } from './rooms/room-moderation.js';
import { NftEvents, RoomEvents } from './rooms/room-events.js';
import {
  DEFAULT_VOICE_PARAMS,
  LiveKitAdmin,
  VoiceAssignments,
  VoiceGate,
  VoiceTokens,
  VoiceWebhooks,
  type VoiceBackend,
} from './voice/index.js';
import { startDevVoice, type DevVoice } from './voice/dev-livekit/dev-voice.js';

export interface RunningServer {
  /** Base URL the server listens on, e.g. http://127.0.0.1:2567 */
  url: string;
  port: number;
  logger: Logger;
  database: OpenDatabase;
  /** The embedded dev chain and its demo collections, when this server runs one. */
  devChain: ChainRuntime['devChain'];
  /** The embedded dev LiveKit, when this server runs one. */
  devVoice: DevVoice | undefined;
  /** Graceful shutdown; safe to call more than once. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Directory of the built player (Vite output); defaults to dist/client next to the compiled server. */
  clientDir?: string;
  /** Where the demo world's processed furniture is kept between installations (null: nowhere). */
  furnishingCache?: string | null;
  logger?: Logger;
}

/** How long a SIWE nonce may wait to be signed, and the oldest message accepted, in seconds. */
const SIWE_NONCE_TTL_SECONDS = 600;

const DEFAULT_CLIENT_DIR = fileURLToPath(new URL('../client', import.meta.url));

export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config);
  // The embedded LiveKit starts beside the database (a fraction of a second); it never stops the start.
  const devVoiceStarting = config.devVoice
    ? startDevVoice(config.devVoice, config.port, config.publicUrl, logger).catch((error: unknown) => {
        logger.warn({ err: error }, 'voice is off: the embedded LiveKit server could not be started');
        return undefined;
      })
    : Promise.resolve(undefined);
  let devVoice: DevVoice | undefined;
  const database = await openDatabase(config, logger).catch(async (error: unknown) => {
    await (await devVoiceStarting)?.stop();
    throw error;
  });
  let app: NestExpressApplication | undefined;
  let rateLimitStorage: SharedRateLimits | undefined;
  let chains: ChainRuntime | undefined;
  let stopNft: () => Promise<void> = () => Promise.resolve();
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0)
      logger.info({ migrations: applied, database: database.kind }, 'database migrated');
    await reportSceneConversionProblems(database.db, logger);
    const worlds = new WorldsRepository(database.db);
    const states = new WorldStateRepository(database.db);

    const signingKey = await loadSigningKey(database.db, config.auth.secret);
    const sessions = new SessionTokens(database.db, signingKey, config.auth.accessTokenTtlSeconds);
    const embedTokens = new EmbedTokens(signingKey);
    const accounts = new AccountsService(database.db);
    await accounts.ensureOperator(config.auth.operator, logger);
    const authenticator = new Authenticator(database.db, sessions, embedTokens);
    const usage = new UsageService(database.db);
    const instances = new InstanceDirectory();
    const embeds = new EmbedService(database.db, embedTokens, instances, accounts);

    const metrics = createMetrics();
    const backend = await createMatchmakingBackend(config);
    // With Redis, every process counts rate limits together (else each counts its own, in memory).
    rateLimitStorage = config.redisUrl ? new SharedRateLimits(config.redisUrl, logger) : undefined;
    const roomEvents = new RoomEvents(backend.presence, logger);
    const moderation = new ModerationService(database.db, roomEvents);
    const roomAccess = new AccessService(database.db);
    // Voice is optional: without LIVEKIT_URL or the embedded LiveKit the rooms tell visitors it is off and
    // the endpoints answer 503.
    devVoice = await devVoiceStarting;
    const livekit = config.livekit ?? devVoice?.livekit;
    const voiceAdmin = livekit ? new LiveKitAdmin(livekit) : undefined;
    const voiceAssignments = new VoiceAssignments(backend.presence);
    const voiceBackend: VoiceBackend | undefined = voiceAdmin
      ? { admin: voiceAdmin, assignments: voiceAssignments, params: DEFAULT_VOICE_PARAMS }
      : undefined;
    // Uploads become jobs in the database; this process runs them in worker threads (others may too),
    // handed out by BullMQ when Redis is configured, else claimed from the table.
    const assetJobs = new AssetJobsRepository(database.db);
    const assetDispatch = config.redisUrl
      ? new BullmqJobDispatch(assetJobs, { redisUrl: config.redisUrl, prefix: 'mib' }, logger)
      : new DatabaseJobDispatch(assetJobs, true, logger);
    const s3Store = config.assets.s3 ? new S3AssetStore(config.assets.s3) : undefined;
    const assetStore = s3Store ?? new LocalAssetStore(config.assets.storeDir);
    await seedFurnishedDemoWorld(database.db, worlds, {
      store: assetStore,
      jobs: assetJobs,
      budget: config.assets.budgets.prop,
      logger,
      cacheDir: options.furnishingCache === undefined ? defaultFurnishingCache() : options.furnishingCache,
    });
    const assetRunner = new AssetJobRunner(
      assetJobs,
      assetDispatch,
      assetStore,
      {
        ...config.assets,
        renderPageDir: options.clientDir ?? DEFAULT_CLIENT_DIR,
      },
      logger,
    );
    // Wallets read the configured chains, or the embedded dev chain (anvil) started here.
    chains = await startChains(
      config.chains,
      `${config.publicUrl ?? `http://localhost:${config.port}`}/nft/metadata`,
      logger,
    );
    let listeningPort = config.port;
    const nftEvents = new NftEvents(backend.presence, logger);
    const walletSignIn = new WalletSignInService(
      database.db,
      chains,
      new SiweNoncesRepository(database.db, SIWE_NONCE_TTL_SECONDS),
      new WalletsRepository(database.db),
      sessions,
      {
        // Never the request's Host (the caller's to choose): PUBLIC_URL, or this server on loopback.
        origins: () =>
          config.publicUrl
            ? [new URL(config.publicUrl).origin]
            : [`http://localhost:${listeningPort}`, `http://127.0.0.1:${listeningPort}`],
        maxAgeSeconds: SIWE_NONCE_TTL_SECONDS,
        onUnlinked: (accountId, worlds) => nftEvents.holdingsChanged([accountId], worlds),
      },
    );
    // Bindings, token gates and the transfer indexers (started once the server listens).
    const assets = new AssetsService(assetJobs, assetRunner, assetStore, config.assets.uploadMaxBytes);
    const nft = createNftServices({
      models: assets,
      db: database.db,
      chains,
      access: new AccessService(database.db),
      scenes: new SceneVersionsRepository(database.db),
      store: assetStore,
      events: nftEvents,
      logger,
      registry: metrics.registry,
    });
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
        moderationDesk: new ModerationDesk(roomAccess, moderation),
        admission: new JoinAdmission(
          authenticator,
          roomAccess,
          instances,
          moderation,
          chains.clients.size > 0 ? nft.gates : undefined,
        ),
        scenes: new SceneVersionsRepository(database.db),
        usage,
        instances,
        embeds,
        embedRevocationCheckMs: config.embedRevocationCheckMs,
        voice: voiceBackend,
        avatars: new AvatarWardrobe(database.db),
        nft:
          chains.clients.size > 0 ? { gates: nft.gates, bindings: nft.bindings, models: assets } : undefined,
      },
      publicAddressOf(config),
      {
        worlds,
        admission: new EditorAdmission(authenticator, roomAccess),
        store: new LiveDraftStore(database.db, new ScenesService(database.db, roomEvents)),
        lock: backend.instanceLock,
        logger,
      },
    );

    const readinessChecks: ReadinessCheck[] = [
      {
        // Draining (SIGTERM): out of rotation at once, while the rooms save and send visitors on.
        name: 'accepting',
        probe: () =>
          rooms.draining
            ? Promise.reject(new Error('draining: this process is shutting down'))
            : Promise.resolve(),
      },
      { name: 'database', probe: () => database.ping() },
      { name: 'presence', probe: () => backend.ping() },
      ...(s3Store ? [{ name: 'asset-store', probe: () => s3Store.ping() }] : []),
      ...(voiceAdmin ? [{ name: 'livekit', probe: () => voiceAdmin.ping(), optional: true }] : []),
      ...(chains.clients.size > 0 ? [{ name: 'chains', probe: () => chains!.ping(), optional: true }] : []),
    ];
    registerReadinessMetrics(metrics.registry, readinessChecks);
    registerAssetJobMetrics(metrics.registry, assetJobs);

    app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({
        // On a terminal at the default level, Nest's start-up chatter and per-request lines stay out of
        // sight (warnings and errors still show); JSON-line logs keep them all.
        logger:
          !options.logger && isPrettyLogging(config) && config.logLevel === 'info'
            ? logger.child({}, { level: 'warn' })
            : logger,
        registry: metrics.registry,
        controlPlane: {
          db: database.db,
          sessions,
          accounts,
          authenticator,
          embeds,
          usage,
          instances,
          roomEvents,
          moderation,
          defaultCapacity: config.worldCapacity,
          rateLimits: config.rateLimits,
          rateLimitStorage,
        },
        voice: {
          gate: new VoiceGate(
            livekit
              ? { config: livekit, tokens: new VoiceTokens(livekit), assignments: voiceAssignments }
              : undefined,
            moderation,
          ),
          webhooks:
            livekit && voiceAdmin
              ? new VoiceWebhooks(livekit, voiceAdmin, voiceAssignments, moderation, roomEvents, logger)
              : undefined,
        },
        assets,
        library: new AssetLibrary(database.db, new AccessService(database.db)),
        thumbnails: new WorldThumbnails(
          database.db,
          new AccessService(database.db),
          assetStore,
          (scene, options) =>
            assetRunner.renderScene(scene, options, renderAssetFiles(assets, assetJobs, assetStore)),
          (worldId) => roomEvents.updated(worldId),
        ),
        wallets: { signIn: walletSignIn, access: new AccessService(database.db), accounts },
        nft: nft.module,
        readinessChecks,
      }),
      { bufferLogs: true, bodyParser: false },
    );
    app.useLogger(app.get(NestPinoLogger));
    const problems = new ProblemDetailsFilter(logger);
    app.useGlobalFilters(problems);
    app.disable('x-powered-by');
    // Behind a reverse proxy: the visitor's address (rate limits) and scheme (links) come from its headers.
    if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
    app.use(metrics.httpMiddleware);
    if (devVoice) app.use(devVoice.proxy.http);
    app.use(rooms.matchmakingMiddleware);
    useBodyParsers(app);
    problems.answerWrongMethods(new AllowedMethods(serveApiDocs(app)));
    servePlayer(app, options.clientDir ?? DEFAULT_CLIENT_DIR, logger, embeds);

    await app.init();
    const httpServer: http.Server = app.getHttpServer();
    const voiceProxy = devVoice?.proxy;
    if (voiceProxy)
      httpServer.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
        if (voiceProxy.handles(req)) voiceProxy.upgrade(req, socket, head);
      });
    await rooms.attach(httpServer, (req) => voiceProxy?.handles(req) ?? false);
    await assetRunner.start();
    await app.listen(config.port, config.host);
    const port = (httpServer.address() as AddressInfo).port;
    listeningPort = port;
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    stopNft = () => nft.stop();
    await nft.start(config.publicUrl ?? url);
    logger.info(
      { url, database: database.kind, presence: backend.kind, publicUrl: config.publicUrl },
      'server listening',
    );

    let closing: Promise<void> | undefined;
    const nest = app;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        logger.info('shutting down: no new joins; rooms are saving their state');
        // Rooms first: seats stop at once and visitors move on while the rest winds down.
        await rooms.shutdown();
        await assetRunner.stop();
        await stopNft();
        await nest.close();
        await rateLimitStorage?.close();
        await chains?.stop();
        await devVoice?.stop();
        await database.close();
        logger.info('shutdown complete');
      })();
      return closing;
    };
    return { url, port, logger, database, devChain: chains.devChain, devVoice, close };
  } catch (error) {
    await stopNft().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await rateLimitStorage?.close().catch(() => undefined);
    await chains?.stop().catch(() => undefined);
    await (devVoice ?? (await devVoiceStarting))?.stop().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
}
