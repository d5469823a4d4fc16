/**
 * The server's configuration: read from the environment once at boot, validated, then injected.
 * Business code never reads process.env.
 */
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { pemFileSchema } from './pem-file.js';
import {
  parseBudgetOverrides,
  type Budget,
  type ProfileName,
  type S3StoreOptions,
} from '../../asset-pipeline/index.js';
import { parseChains } from '../../nft-bridge/index.js';
import type { ChainsConfig } from '../wallets/index.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const urlWithProtocol = (protocols: string[], example: string) =>
  z
    .string()
    .url(`must be a URL such as ${example}`)
    .refine((value) => !URL.canParse(value) || protocols.includes(new URL(value).protocol), {
      message: `must start with ${protocols.map((p) => `${p}//`).join(' or ')} (for example ${example})`,
    });

const envSchema = z
  .object({
    PORT: z.coerce
      .number({ message: 'must be a whole number from 0 to 65535 (for example 2567)' })
      .int('must be a whole number from 0 to 65535 (for example 2567)')
      .min(0, 'must be from 0 to 65535')
      .max(65535, 'must be from 0 to 65535')
      .default(2567),
    HOST: z.string().min(1, 'must name an interface, e.g. 0.0.0.0 or 127.0.0.1').default('0.0.0.0'),
    DATA_DIR: z.string().min(1, 'must be a directory path, e.g. ./data').default('./data'),
    DATABASE_URL: urlWithProtocol(
      ['postgres:', 'postgresql:'],
      'postgres://user@127.0.0.1:5432/mib',
    ).optional(),
    REDIS_URL: urlWithProtocol(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').optional(),
    PUBLIC_URL: urlWithProtocol(['http:', 'https:'], 'https://worlds.example.com').optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    INTEREST_MANAGEMENT: z
      .enum(['on', 'off'], {
        message: 'must be on or off (off sends every avatar to everyone; for benchmarks)',
      })
      .default('on'),
    INTEREST_RADIUS: z.coerce
      .number({ message: 'must be a distance in metres, e.g. 40' })
      .positive('must be more than 0 metres')
      .max(1000, 'must be at most 1000 metres')
      .default(40),
    INTEREST_K: z.coerce
      .number({ message: 'must be a whole number of avatars, e.g. 64' })
      .int('must be a whole number of avatars, e.g. 64')
      .min(1, 'must be at least 1')
      .max(1000, 'must be at most 1000')
      .default(64),
    WORLD_CAPACITY: z.coerce
      .number({ message: 'must be a whole number of visitors per instance, e.g. 1000' })
      .int('must be a whole number of visitors per instance, e.g. 1000')
      .min(1, 'must be at least 1')
      .max(5000, 'must be at most 5000')
      .default(1000),
    AUTH_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters of random text (e.g. `openssl rand -base64 48`)')
      .optional(),
    OPERATOR_EMAIL: z.string().email('must be an email address, e.g. admin@example.com').optional(),
    OPERATOR_PASSWORD: z
      .string()
      .min(12, 'must be at least 12 characters')
      .max(200, 'must be at most 200 characters')
      .optional(),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce
      .number({ message: 'must be a number of seconds, e.g. 900' })
      .int('must be a whole number of seconds')
      .min(30, 'must be at least 30 seconds')
      .max(86_400, 'must be at most 86400 seconds (one day); clients refresh instead')
      .default(900),
    RATE_LIMIT_AUTH_PER_MINUTE: z.coerce
      .number({ message: 'must be a whole number of requests, e.g. 20' })
      .int('must be a whole number of requests')
      .min(1, 'must be at least 1')
      .default(20),
    RATE_LIMIT_WRITES_PER_MINUTE: z.coerce
      .number({ message: 'must be a whole number of requests, e.g. 300' })
      .int('must be a whole number of requests')
      .min(1, 'must be at least 1')
      .default(300),
    RATE_LIMIT_VOICE_TOKENS_PER_MINUTE: z.coerce
      .number({ message: 'must be a whole number of requests, e.g. 60' })
      .int('must be a whole number of requests')
      .min(1, 'must be at least 1')
      .default(60),
    LIVEKIT_URL: urlWithProtocol(
      ['http:', 'https:', 'ws:', 'wss:'],
      'wss://voice.example.com or http://127.0.0.1:7880',
    ).optional(),
    LIVEKIT_PUBLIC_URL: urlWithProtocol(
      ['http:', 'https:', 'ws:', 'wss:'],
      'wss://voice.example.com (the LiveKit address browsers use, when it differs from LIVEKIT_URL)',
    ).optional(),
    LIVEKIT_API_KEY: z.string().min(1).max(200).optional(),
    // LiveKit's own dev mode uses a short secret ("secret"); production keys are long random strings.
    LIVEKIT_API_SECRET: z.string().min(1).optional(),
    DEV_VOICE: z
      .enum(['on', 'off'], {
        message:
          'must be on or off (on runs the embedded LiveKit server when LIVEKIT_URL is unset and it is installed)',
      })
      .default('on'),
    DEV_VOICE_PORT: z.coerce
      .number({
        message:
          'must be a port number from 1 to 65535 (the embedded LiveKit signalling, on loopback), e.g. 7880',
      })
      .int('must be a whole port number from 1 to 65535')
      .min(1, 'must be from 1 to 65535')
      .max(65_535, 'must be from 1 to 65535')
      .default(7880),
    DEV_VOICE_UDP_PORT: z.coerce
      .number({
        message:
          'must be a port number from 1 to 65535 (the UDP port all voice media goes over; open it to visitors), e.g. 7882',
      })
      .int('must be a whole port number from 1 to 65535')
      .min(1, 'must be from 1 to 65535')
      .max(65_535, 'must be from 1 to 65535')
      .default(7882),
    DEV_VOICE_TCP_PORT: z.coerce
      .number({
        message:
          'must be a port number from 1 to 65535 (voice media over TCP where UDP is blocked; open it to visitors), e.g. 7881',
      })
      .int('must be a whole port number from 1 to 65535')
      .min(1, 'must be from 1 to 65535')
      .max(65_535, 'must be from 1 to 65535')
      .default(7881),
    DEV_VOICE_NODE_IP: z
      .string()
      .refine((value) => isIP(value) !== 0, {
        message: 'must be an IP address visitors reach this machine at, e.g. 203.0.113.7 (default 127.0.0.1)',
      })
      .default('127.0.0.1'),
    LIVEKIT_SERVER_BINARY: z
      .string()
      .min(1, 'must be the path of a LiveKit server binary (default: the one `npm run voice:install` builds)')
      .optional(),
    LOG_FORMAT: z
      .enum(['auto', 'pretty', 'json'], {
        message: 'must be auto, pretty or json (auto: readable lines on a terminal, JSON lines otherwise)',
      })
      .default('auto'),
    ASSET_UPLOAD_MAX_BYTES: z.coerce
      .number({ message: 'must be a number of bytes, e.g. 268435456 (256 MB)' })
      .int('must be a whole number of bytes')
      .min(1024, 'must be at least 1024 bytes')
      .max(4 * 1024 ** 3, 'must be at most 4 GB')
      .default(256 * 1024 * 1024),
    ASSET_BUDGETS: z
      .string()
      .superRefine((json, context) => {
        try {
          parseBudgetOverrides(json);
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
        }
      })
      .optional(),
    ASSET_S3_BUCKET: z.string().min(3, 'must be a bucket name, e.g. mib-assets').optional(),
    ASSET_S3_ENDPOINT: urlWithProtocol(['http:', 'https:'], 'https://s3.example.com (MinIO, R2…)').optional(),
    ASSET_S3_REGION: z.string().min(1).default('us-east-1'),
    ASSET_S3_PREFIX: z.string().max(200).default('assets/'),
    ASSET_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    ASSET_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    CHROMIUM_PATH: z
      .string()
      .min(1, 'must be the path of a Chromium binary, e.g. /usr/bin/chromium')
      .default('/usr/bin/chromium'),
    ASSET_JOB_CONCURRENCY: z.coerce
      .number({ message: 'must be a whole number of jobs, e.g. 1' })
      .int('must be a whole number of jobs')
      .min(1, 'must be at least 1')
      .max(16, 'must be at most 16')
      .default(1),
    NFT_CHAINS: z
      .string()
      .superRefine((json, context) => {
        try {
          parseChains(json);
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
        }
      })
      .optional(),
    DEV_CHAIN: z
      .enum(['on', 'off'], {
        message: 'must be on or off (on runs a local anvil chain with demo NFTs when NFT_CHAINS is unset)',
      })
      .default('on'),
    DEV_CHAIN_PORT: z.coerce
      .number({ message: 'must be a TCP port for the dev chain RPC, e.g. 8545 (0 picks a free one)' })
      .int()
      .min(0)
      .max(65_535)
      .default(8545),
    NFT_IPFS_GATEWAY: z
      .url({
        protocol: /^https?$/,
        message: 'must be an http(s) URL of an IPFS gateway, e.g. https://ipfs.io',
      })
      .default('https://ipfs.io'),
    NFT_ARWEAVE_GATEWAY: z
      .url({
        protocol: /^https?$/,
        message: 'must be an http(s) URL of an Arweave gateway, e.g. https://arweave.net',
      })
      .default('https://arweave.net'),
    NFT_GATEWAY_CA_FILE: pemFileSchema.optional(),
    DEV_CHAIN_BLOCK_SECONDS: z.coerce
      .number({ message: 'must be a number of seconds between blocks, e.g. 1' })
      .int('must be a whole number of seconds')
      .min(1, 'must be at least 1 second')
      .max(60, 'must be at most 60 seconds')
      .default(1),
    SHUTDOWN_TIMEOUT_MS: z.coerce
      .number({ message: 'must be a number of milliseconds, e.g. 10000' })
      .int()
      .min(100, 'must be at least 100 ms')
      .default(10_000),
  })
  .refine((env) => !env.OPERATOR_EMAIL === !env.OPERATOR_PASSWORD, {
    path: ['OPERATOR_PASSWORD'],
    message:
      'and OPERATOR_EMAIL must be set together (the operator account is created from both on first boot)',
  })
  .refine((env) => !env.LIVEKIT_URL || (env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET), {
    path: ['LIVEKIT_API_SECRET'],
    message:
      'and LIVEKIT_API_KEY are required when LIVEKIT_URL is set (the key pair from your LiveKit server or LiveKit Cloud project)',
  })
  .refine((env) => !env.ASSET_S3_ACCESS_KEY_ID === !env.ASSET_S3_SECRET_ACCESS_KEY, {
    path: ['ASSET_S3_SECRET_ACCESS_KEY'],
    message:
      'and ASSET_S3_ACCESS_KEY_ID must be set together (or neither, to use the SDK default credentials)',
  })
  .refine((env) => env.ASSET_S3_BUCKET || (!env.ASSET_S3_ENDPOINT && !env.ASSET_S3_ACCESS_KEY_ID), {
    path: ['ASSET_S3_BUCKET'],
    message: 'is required when other ASSET_S3_* settings are given (the bucket assets are stored in)',
  })
  .refine((env) => !env.REDIS_URL || env.PUBLIC_URL, {
    path: ['PUBLIC_URL'],
    message:
      'is required when REDIS_URL is set: each process needs its own public address, e.g. PUBLIC_URL=http://10.0.0.5:2567',
  });

export interface AppConfig {
  /** TCP port for HTTP and WebSockets (one port for both); 0 picks a free one. */
  port: number;
  host: string;
  /** Absolute directory for embedded data (PGlite files). */
  dataDir: string;
  /** PostgreSQL connection string; absent → embedded PGlite under dataDir. */
  databaseUrl: string | undefined;
  /** Redis connection string; absent → in-process presence and matchmaking driver. */
  redisUrl: string | undefined;
  /** Public base URL of this process; with Redis, each process needs its own. */
  publicUrl: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** auto: pino-pretty lines when stdout is a terminal, JSON lines otherwise. */
  logFormat: 'auto' | 'pretty' | 'json';
  /** How long a graceful shutdown may take before the process exits anyway, in milliseconds. */
  shutdownTimeoutMs: number;
  /** Visitors per world instance; a full instance sends newcomers to another (created when needed). */
  worldCapacity: number;
  auth: AuthConfig;
  /** Requests per minute per client address on /auth routes, and per caller on writes. */
  rateLimits: { authPerMinute: number; writesPerMinute: number; voiceTokensPerMinute: number };
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
  /** Avatars already in interest rank as if at 0.9 × their distance (K-cap hysteresis). */
  incumbentFactor: number;
  /** Interest grid cell side (radius / 8, at least 2 m), in metres. */
  cellSize: number;
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
    redisUrl: value.REDIS_URL,
    publicUrl: value.PUBLIC_URL,
    logLevel: value.LOG_LEVEL,
    logFormat: value.LOG_FORMAT,
    shutdownTimeoutMs: value.SHUTDOWN_TIMEOUT_MS,
    worldCapacity: value.WORLD_CAPACITY,
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
      writesPerMinute: value.RATE_LIMIT_WRITES_PER_MINUTE,
      voiceTokensPerMinute: value.RATE_LIMIT_VOICE_TOKENS_PER_MINUTE,
    },
    interest: {
      enabled: value.INTEREST_MANAGEMENT === 'on',
      radius: value.INTEREST_RADIUS,
      leaveRadius: value.INTEREST_RADIUS * 1.2,
      k: value.INTEREST_K,
      incumbentFactor: 0.9,
      cellSize: Math.max(2, value.INTEREST_RADIUS / 8),
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

/** Colyseus' public address (host[:port][/path], no scheme) for this process, when a public URL is set. */
export function publicAddressOf(config: AppConfig): string | undefined {
  if (!config.publicUrl) return undefined;
  const url = new URL(config.publicUrl);
  return `${url.host}${url.pathname.replace(/\/$/, '')}`;
}
