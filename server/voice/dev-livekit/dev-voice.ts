/**
 * The embedded dev voice of `npm start` (the dev chain's pattern): when LIVEKIT_URL is unset and the LiveKit
 * binary is installed, a LiveKit server runs beside this one — its keys generated once and kept under
 * DATA_DIR/voice, its webhooks sent here, its signalling reachable through this server's port
 * (/livekit-signal), restarted if it dies, stopped with this server. Without the binary the world starts
 * at once and one line says how to get voice; voice never holds the world up.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { DevVoiceConfig, LiveKitConfig } from '../../config/app-config.js';
import { defaultLiveKitBinary, startLiveKitProcess, type RunningLiveKit } from './livekit-process.js';
import { LIVEKIT_SERVER_TAG } from './livekit-release.js';
import { createSignalProxy, LIVEKIT_PROXY_PATH, type SignalProxy } from './signal-proxy.js';

export interface DevVoice {
  /** What the rest of the server uses, as if LIVEKIT_URL pointed there. */
  livekit: LiveKitConfig;
  proxy: SignalProxy;
  /** Signalling port on loopback, UDP media port, ICE/TCP port, media address: for the start banner. */
  ports: { signal: number; udp: number; tcp: number; nodeIp: string };
  stop(): Promise<void>;
}

const keysSchema = z.object({ apiKey: z.string().min(3), apiSecret: z.string().min(32) });

/** The key pair, made on first start and kept (mode 0600) so tokens survive a restart. */
async function loadOrCreateKeys(dir: string): Promise<z.infer<typeof keysSchema>> {
  const file = path.join(dir, 'keys.json');
  const stored = await readFile(file, 'utf8').catch(() => undefined);
  if (stored !== undefined) {
    const parsed = keysSchema.safeParse(JSON.parse(stored));
    if (parsed.success) return parsed.data;
  }
  const keys = {
    apiKey: `APIdev${randomBytes(6).toString('hex')}`,
    apiSecret: randomBytes(32).toString('base64url'),
  };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

/** Pauses before restarting a LiveKit that died, in milliseconds (doubling, at most the last). */
const RESTART_PAUSES_MS = [500, 1_000, 2_000, 5_000, 10_000];

/**
 * Starts the embedded LiveKit, or answers undefined (voice off) with one log line saying why and how to
 * turn it on. `serverPort` is this server's port: LiveKit posts its webhooks there.
 */
export async function startDevVoice(
  config: DevVoiceConfig,
  serverPort: number,
  publicUrl: string | undefined,
  logger: Logger,
): Promise<DevVoice | undefined> {
  const binary = config.binary ?? defaultLiveKitBinary();
  if (!existsSync(binary)) {
    logger.info(
      { binary },
      `voice is off: the LiveKit server ${LIVEKIT_SERVER_TAG} is not installed; run \`npm run voice:install\` (once), then start again`,
    );
    return undefined;
  }
  if (serverPort === 0) {
    logger.info('voice is off: the embedded LiveKit needs a fixed PORT (its webhooks come back to it)');
    return undefined;
  }
  const keys = await loadOrCreateKeys(config.dir);
  const options = {
    binary,
    workDir: path.join(config.dir, 'livekit'),
    ...keys,
    port: config.port,
    udpPort: config.udpPort,
    tcpPort: config.tcpPort,
    nodeIp: config.nodeIp,
    webhookUrl: `http://127.0.0.1:${serverPort}/livekit/webhook`,
  };
  let running: RunningLiveKit;
  try {
    running = await startLiveKitProcess(options);
  } catch (error) {
    logger.warn(
      { err: error },
      `voice is off: the embedded LiveKit server did not start (${(error as Error).message})`,
    );
    return undefined;
  }
  let stopping = false;
  let restarts = 0;
  const supervise = (): void => {
    void running.exited.then(async (code) => {
      if (stopping) return;
      const pause = RESTART_PAUSES_MS[Math.min(restarts, RESTART_PAUSES_MS.length - 1)]!;
      restarts += 1;
      logger.warn(
        { code, pauseMs: pause, output: running.output().slice(-500) },
        'embedded LiveKit server exited; restarting it',
      );
      await new Promise((resolve) => setTimeout(resolve, pause));
      if (stopping) return;
      try {
        running = await startLiveKitProcess(options);
        logger.info('embedded LiveKit server running again');
        restarts = 0;
      } catch (error) {
        logger.error({ err: error }, 'embedded LiveKit server did not start again; trying later');
        running = { ...running, exited: Promise.resolve(null) };
      }
      supervise();
    });
  };
  supervise();
  const signalUrl = `ws://127.0.0.1:${config.port}`;
  return {
    livekit: {
      url: signalUrl,
      // Browsers reach signalling through this server's origin unless told otherwise.
      publicUrl:
        config.publicUrl ??
        (publicUrl ? new URL(LIVEKIT_PROXY_PATH, publicUrl).toString() : LIVEKIT_PROXY_PATH),
      apiKey: keys.apiKey,
      apiSecret: keys.apiSecret,
    },
    proxy: createSignalProxy({ host: '127.0.0.1', port: config.port }),
    ports: { signal: config.port, udp: config.udpPort, tcp: config.tcpPort, nodeIp: config.nodeIp },
    stop: async () => {
      stopping = true;
      await running.stop();
    },
  };
}
