/**
 * The server's configuration: read from the environment once at boot, validated, then injected.
 * Business code never reads process.env.
 */
import path from 'node:path';
import { envSchema, type LOG_LEVELS } from './env-schema.js';
import type { TrustProxy } from './trust-proxy.js';
import {
  parseBudgetOverrides,
  type Budget,
  type ProfileName,
  type S3StoreOptions,
} from '../../asset-pipeline/index.js';
import { parseChains, type ChainConfig, type Gateways } from '../../nft-bridge/index.js';

export interface AppConfig {
  /** TCP port for HTTP and WebSockets (one port for both); 0 picks a free one. */
  port: number;
  host: string;
  /** Absolute directory for the embedded data (database cluster, assets, voice keys, dev chain). */
  dataDir: string;
  /** PostgreSQL connection string; absent → the embedded database under dataDir. */
  databaseUrl: string | undefined;
  /**
   * Without DATABASE_URL: `postgres` runs PostgreSQL as a child process (DATA_DIR/postgres); `pglite` runs
   * PGlite in this process (DATA_DIR/pglite: heavier, and its queries share the rooms' thread).
   */
  embeddedDatabase: 'postgres' | 'pglite';
  /** Redis connection string; absent → in-process presence and matchmaking driver. */
  redisUrl: string | undefined;
  /** Public base URL of the service (links, sign-in origins); with Redis, also each process's address. */
  publicUrl: string | undefined;
  /**
   * The path under publicUrl at which the reverse proxy reaches this process only (e.g. /p1), when several
   * processes share one publicUrl: visitors' room sockets go to `<publicUrl><publicRoomPath>/…`.
   */
  publicRoomPath: string | undefined;
  /** Which proxies in front may name the client (Express `trust proxy`); undefined: none. */
  trustProxy: TrustProxy | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** auto: pino-pretty lines when stdout is a terminal, JSON lines otherwise. */
  logFormat: 'auto' | 'pretty' | 'json';
  /** How long a graceful shutdown may take before the process exits anyway, in milliseconds. */
  shutdownTimeoutMs: number;
  /** Visitors per world instance; a full instance sends newcomers to another (created when needed). */
  worldCapacity: number;
  /** How often each room checks whether the embed keys its clients came through were revoked, in ms. */
  embedRevocationCheckMs: number;
  auth: AuthConfig;
  /** Requests per minute per client address on /auth routes, and per caller on writes. */
  rateLimits: {
    authPerMinute: number;
    guestsPerMinute: number;
    writesPerMinute: number;
    voiceTokensPerMinute: number;
  };
  /** Area of interest per client; `enabled: false` sends every avatar to everyone (benchmark baseline). */
  interest: InterestConfig;
  /** Voice through LiveKit; undefined when LIVEKIT_URL is unset (voice off, and the player says so). */
  livekit: LiveKitConfig | undefined;
  /** The embedded dev LiveKit; undefined when LIVEKIT_URL is set or DEV_VOICE=off. */
  devVoice: DevVoiceConfig | undefined;
  assets: AssetsConfig;
  /** Chains read for wallets and NFTs: NFT_CHAINS, or the embedded dev chain. */
  chains: ChainsConfig;
}

export interface AssetsConfig {
  /** Largest upload accepted, in bytes (refused while streaming). */
  uploadMaxBytes: number;
  /** Budgets per profile: the defaults with ASSET_BUDGETS applied. */
  budgets: Record<ProfileName, Budget>;
  /** Where optimized files are kept (content-addressed): DATA_DIR/assets. */
  storeDir: string;
  /** Where uploads wait for their job: DATA_DIR/uploads. */
  uploadsDir: string;
  /** Pipeline jobs run at once by this process (each in a worker thread). */
  concurrency: number;
  /** Chromium for thumbnails; absent there → assets have no thumbnail and their report says why. */
  chromiumPath: string;
  /** An S3-compatible bucket for optimized files instead of storeDir; undefined → the local directory. */
  s3: S3StoreOptions | undefined;
}

export interface LiveKitConfig {
  /** As given (ws(s) or http(s)); this server's API calls use its http(s) form. */
  url: string;
  /**
   * What browsers and bots connect to (LIVEKIT_PUBLIC_URL, else `url`). May be a path on this server's
   * origin (the embedded LiveKit's /livekit-signal): clients resolve it against the page's address.
   */
  publicUrl: string;
  apiKey: string;
  apiSecret: string;
}

export interface DevVoiceConfig {
  /** The LiveKit server binary; undefined → the one `npm run voice:install` builds. */
  binary: string | undefined;
  /** DATA_DIR/voice: the generated keys and LiveKit's config. */
  dir: string;
  /** Signalling on 127.0.0.1 (browsers reach it through this server's port). */
  port: number;
  /** Media: one UDP port, and ICE over TCP where UDP is blocked. Both must be open to visitors. */
  udpPort: number;
  tcpPort: number;
  /** The address visitors reach media at. */
  nodeIp: string;
  /** LIVEKIT_PUBLIC_URL, when browsers must use another address than this server's /livekit-signal. */
  publicUrl: string | undefined;
}

export interface ChainsConfig {
  /** From NFT_CHAINS; undefined → the dev chain (unless devChain is false). */
  chains: ChainConfig[] | undefined;
  devChain: boolean;
  /** DATA_DIR/chain: the dev chain's state and where its demo collections are. */
  devChainDir: string;
  /** Seconds between dev chain blocks. */
  devBlockSeconds: number;
  /** The dev chain's RPC port on 127.0.0.1 (browser wallets and scripts connect to it); 0 = a free one. */
  devPort: number;
  /** Where ipfs:// and ar:// token URIs are fetched from. */
  gateways: Gateways;
}

export interface AuthConfig {
  /** Token-signing key; absent → one generated on first boot and kept in the database. */
  secret: string | undefined;
  /** The operator admin created on first boot, if configured. */
  operator: { email: string; password: string } | undefined;
  /** Lifetime of access tokens, in seconds; refresh tokens rotate to get new ones. */
  accessTokenTtlSeconds: number;
}

export interface InterestConfig {
  enabled: boolean;
  /** An avatar enters a client's interest within this distance, in metres. */
  radius: number;
  /** An avatar already in interest leaves beyond this distance (radius × 1.2), in metres. */
  leaveRadius: number;
  /** Most other avatars in one client's interest. */
  k: number;
  /** Avatars already in interest rank as if at this fraction of their distance (K-cap hysteresis). */
  incumbentFactor: number;
  /** Interest grid cell side (radius / 8, at least 2 m), in metres. */
  cellSize: number;
  /** Each client's interest is recomputed every this many ticks (INTEREST_REFRESH_MS / 50 ms). */
  refreshTicks: number;
}

const SECRET_VARIABLES = new Set([
  'AUTH_SECRET',
  'OPERATOR_PASSWORD',
  'LIVEKIT_API_SECRET',
  'ASSET_S3_SECRET_ACCESS_KEY',
  // RPC URLs often carry the provider's API key.
  'NFT_CHAINS',
]);

/** A configuration problem: its message is one line that names the variable and the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the configuration from an environment map (normally process.env). */
export function parseConfig(env: Record<string, string | undefined>, cwd = process.cwd()): AppConfig {
  // Treat empty strings as unset: `FOO= npm start` should mean "default", not "invalid".
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = issue?.path.join('.') ?? 'environment';
    // Secrets are never echoed, not even when they are wrong.
    const given = SECRET_VARIABLES.has(variable) ? '<redacted>' : env[variable];
    throw new ConfigError(
      `config: ${variable}=${JSON.stringify(given ?? '')} is invalid: ${issue?.message ?? 'invalid value'}`,
    );
  }
  const value = result.data;
  return {
    port: value.PORT,
    host: value.HOST,
    dataDir: path.resolve(cwd, value.DATA_DIR),
    databaseUrl: value.DATABASE_URL,
    embeddedDatabase: value.EMBEDDED_DATABASE,
    redisUrl: value.REDIS_URL,
    publicUrl: value.PUBLIC_URL,
    publicRoomPath: value.PUBLIC_ROOM_PATH,
    trustProxy: value.TRUST_PROXY,
    logLevel: value.LOG_LEVEL,
    logFormat: value.LOG_FORMAT,
    shutdownTimeoutMs: value.SHUTDOWN_TIMEOUT_MS,
    worldCapacity: value.WORLD_CAPACITY,
    embedRevocationCheckMs: value.EMBED_REVOCATION_CHECK_SECONDS * 1000,
    auth: {
      secret: value.AUTH_SECRET,
      operator:
        value.OPERATOR_EMAIL && value.OPERATOR_PASSWORD
          ? { email: value.OPERATOR_EMAIL.toLowerCase(), password: value.OPERATOR_PASSWORD }
          : undefined,
      accessTokenTtlSeconds: value.ACCESS_TOKEN_TTL_SECONDS,
    },
    rateLimits: {
      authPerMinute: value.RATE_LIMIT_AUTH_PER_MINUTE,
      guestsPerMinute: value.RATE_LIMIT_GUESTS_PER_MINUTE,
      writesPerMinute: value.RATE_LIMIT_WRITES_PER_MINUTE,
      voiceTokensPerMinute: value.RATE_LIMIT_VOICE_TOKENS_PER_MINUTE,
    },
    interest: {
      enabled: value.INTEREST_MANAGEMENT === 'on',
      radius: value.INTEREST_RADIUS,
      leaveRadius: value.INTEREST_RADIUS * 1.2,
      k: value.INTEREST_K,
      incumbentFactor: value.INTEREST_INCUMBENT_FACTOR,
      cellSize: Math.max(2, value.INTEREST_RADIUS / 8),
      refreshTicks: Math.max(1, Math.round(value.INTEREST_REFRESH_MS / 50)),
    },
    livekit:
      value.LIVEKIT_URL && value.LIVEKIT_API_KEY && value.LIVEKIT_API_SECRET
        ? {
            url: value.LIVEKIT_URL,
            publicUrl: value.LIVEKIT_PUBLIC_URL ?? value.LIVEKIT_URL,
            apiKey: value.LIVEKIT_API_KEY,
            apiSecret: value.LIVEKIT_API_SECRET,
          }
        : undefined,
    devVoice:
      value.LIVEKIT_URL || value.DEV_VOICE === 'off'
        ? undefined
        : {
            binary: value.LIVEKIT_SERVER_BINARY,
            dir: path.join(path.resolve(cwd, value.DATA_DIR), 'voice'),
            port: value.DEV_VOICE_PORT,
            udpPort: value.DEV_VOICE_UDP_PORT,
            tcpPort: value.DEV_VOICE_TCP_PORT,
            nodeIp: value.DEV_VOICE_NODE_IP,
            publicUrl: value.LIVEKIT_PUBLIC_URL,
          },
    chains: {
      chains: value.NFT_CHAINS ? parseChains(value.NFT_CHAINS) : undefined,
      devChain: value.DEV_CHAIN === 'on',
      devChainDir: path.join(path.resolve(cwd, value.DATA_DIR), 'chain'),
      devBlockSeconds: value.DEV_CHAIN_BLOCK_SECONDS,
      devPort: value.DEV_CHAIN_PORT,
      gateways: {
        ipfs: value.NFT_IPFS_GATEWAY,
        arweave: value.NFT_ARWEAVE_GATEWAY,
        ...(value.NFT_GATEWAY_CA_FILE ? { ca: value.NFT_GATEWAY_CA_FILE } : {}),
      },
    },
    assets: {
      uploadMaxBytes: value.ASSET_UPLOAD_MAX_BYTES,
      budgets: parseBudgetOverrides(value.ASSET_BUDGETS),
      storeDir: path.join(path.resolve(cwd, value.DATA_DIR), 'assets'),
      uploadsDir: path.join(path.resolve(cwd, value.DATA_DIR), 'uploads'),
      concurrency: value.ASSET_JOB_CONCURRENCY,
      chromiumPath: value.CHROMIUM_PATH,
      s3: value.ASSET_S3_BUCKET
        ? {
            bucket: value.ASSET_S3_BUCKET,
            prefix: value.ASSET_S3_PREFIX,
            region: value.ASSET_S3_REGION,
            ...(value.ASSET_S3_ENDPOINT ? { endpoint: value.ASSET_S3_ENDPOINT } : {}),
            ...(value.ASSET_S3_ACCESS_KEY_ID && value.ASSET_S3_SECRET_ACCESS_KEY
              ? {
                  credentials: {
                    accessKeyId: value.ASSET_S3_ACCESS_KEY_ID,
                    secretAccessKey: value.ASSET_S3_SECRET_ACCESS_KEY,
                  },
                }
              : {}),
          }
        : undefined,
    },
  };
}

/**
 * Colyseus' public address (host[:port][/path], no scheme) of this process's room sockets, when a public
 * URL is set: PUBLIC_URL's host and path, then PUBLIC_ROOM_PATH (the proxy's route to this process).
 */
export function publicAddressOf(config: Pick<AppConfig, 'publicUrl' | 'publicRoomPath'>): string | undefined {
  if (!config.publicUrl) return undefined;
  const url = new URL(config.publicUrl);
  return `${url.host}${url.pathname.replace(/\/$/, '')}${config.publicRoomPath ?? ''}`;
}
