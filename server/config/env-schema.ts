/**
 * The environment variables the server reads, as one zod schema: each variable's type, default and the
 * message that names the fix. parseConfig (app-config.ts) turns the parsed values into AppConfig.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { pemFileSchema } from './pem-file.js';
import { parseTrustProxy } from './trust-proxy.js';
import { parseBudgetOverrides } from '../../asset-pipeline/index.js';
import { parseChains } from '../../nft-bridge/index.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const urlWithProtocol = (protocols: string[], example: string) =>
  z
    .string()
    .url(`must be a URL such as ${example}`)
    .refine((value) => !URL.canParse(value) || protocols.includes(new URL(value).protocol), {
      message: `must start with ${protocols.map((p) => `${p}//`).join(' or ')} (for example ${example})`,
    });

/** A JSON string that `parse` accepts; its error message (which names the field and the fix) is the issue. */
const jsonCheckedBy = (parse: (json: string) => unknown) =>
  z.string().superRefine((json, context) => {
    try {
      parse(json);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

export const envSchema = z
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
    EMBEDDED_DATABASE: z
      .enum(['postgres', 'pglite'], {
        message:
          'must be postgres (the default: PostgreSQL run by the server under DATA_DIR) or pglite (in process)',
      })
      .default('postgres'),
    REDIS_URL: urlWithProtocol(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').optional(),
    PUBLIC_URL: urlWithProtocol(['http:', 'https:'], 'https://worlds.example.com').optional(),
    PUBLIC_ROOM_PATH: z
      .string()
      .regex(
        /^\/[A-Za-z0-9_-]{1,40}$/,
        'must be one path segment starting with /, e.g. /p1 (the path at which the proxy reaches this process only)',
      )
      .optional(),
    TRUST_PROXY: z
      .string()
      .transform((value, context) => {
        const parsed = parseTrustProxy(value);
        if (typeof parsed === 'string') {
          context.addIssue({ code: 'custom', message: parsed });
          return z.NEVER;
        }
        return parsed;
      })
      .optional(),
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
    // How sticky a client's area of interest is, and how often it is recomputed: in a crowd the K nearest
    // change all the time, and each change costs a view update on the server and a schema decode on the
    // client. Measured with bench:room (docs/architecture.md, performance).
    INTEREST_INCUMBENT_FACTOR: z.coerce
      .number({ message: 'must be a fraction from 0.1 to 1, e.g. 0.6' })
      .min(0.1, 'must be at least 0.1')
      .max(1, 'must be at most 1 (1: no preference for avatars already in view)')
      .default(0.6),
    INTEREST_REFRESH_MS: z.coerce
      .number({ message: 'must be a time in milliseconds, e.g. 800' })
      .int('must be a whole number of milliseconds, e.g. 800')
      .min(50, 'must be at least 50 ms (one tick)')
      .max(5000, 'must be at most 5000 ms (newcomers would stay unseen that long)')
      .default(800),
    WORLD_CAPACITY: z.coerce
      .number({ message: 'must be a whole number of visitors per instance, e.g. 1000' })
      .int('must be a whole number of visitors per instance, e.g. 1000')
      .min(1, 'must be at least 1')
      .max(5000, 'must be at most 5000')
      .default(1000),
    EMBED_REVOCATION_CHECK_SECONDS: z.coerce
      .number({ message: 'must be a whole number of seconds, e.g. 30' })
      .int('must be a whole number of seconds, e.g. 30')
      .min(1, 'must be at least 1')
      .max(60, 'must be at most 60: a revoked embed key must end running embeds within a minute')
      .default(30),
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
    RATE_LIMIT_GUESTS_PER_MINUTE: z.coerce
      .number({ message: 'must be a whole number of new guests, e.g. 600' })
      .int('must be a whole number of new guests')
      .min(1, 'must be at least 1')
      .default(600),
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
    ASSET_BUDGETS: jsonCheckedBy(parseBudgetOverrides).optional(),
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
    NFT_CHAINS: jsonCheckedBy(parseChains).optional(),
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
  .refine((env) => !env.PUBLIC_ROOM_PATH || env.PUBLIC_URL, {
    path: ['PUBLIC_ROOM_PATH'],
    message:
      'needs PUBLIC_URL: it is the path under PUBLIC_URL at which the proxy reaches this process, e.g. PUBLIC_URL=https://worlds.example.com PUBLIC_ROOM_PATH=/p1',
  })
  .refine((env) => !env.REDIS_URL || env.PUBLIC_URL, {
    path: ['PUBLIC_URL'],
    message:
      'is required when REDIS_URL is set: each process needs its own public address, e.g. PUBLIC_URL=http://10.0.0.5:2567',
  });
