/**
 * A real LiveKit server for one test file: the binary `npm run services` builds, on free ports (signalling,
 * one UDP mux port, ICE over TCP), its webhooks pointed at that file's own server, so parallel files never
 * clash. A machine without the binary fails the test and names the fix; it never skips.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  defaultLiveKitBinary,
  startLiveKitProcess,
  type LiveKitProcessOptions,
  type RunningLiveKit,
} from '../../server/voice/dev-livekit/livekit-process.js';
import { freeUdpPort } from '../../bench/shared/server-process.js';
import { freePort, tempDir } from './server-process.js';

export interface TestLiveKit extends RunningLiveKit {
  apiKey: string;
  apiSecret: string;
  /** The server environment that points at this LiveKit. */
  env: Record<string, string>;
  /** Starts it again on the same ports and keys (after `kill()` or `stop()`). */
  restart(): Promise<void>;
}

export { freeUdpPort };

export function liveKitBinary(): string {
  const binary = process.env.LIVEKIT_SERVER_BINARY || defaultLiveKitBinary();
  if (!existsSync(binary))
    throw new Error(
      `this test needs the real LiveKit server, which is not installed at ${binary}: run \`npm run services\` ` +
        '(it builds it once with go install; `npm test` runs it first)',
    );
  return binary;
}

/**
 * Starts LiveKit on ports that were free a moment ago. LiveKit binds them on every interface, and one can
 * be taken in between (another process's connection on an ephemeral port): it then exits with "address
 * already in use", and is started again on other ports, up to 3 times.
 */
async function startOnFreePorts(
  base: Omit<LiveKitProcessOptions, 'port' | 'tcpPort' | 'udpPort'>,
): Promise<{ running: RunningLiveKit; options: LiveKitProcessOptions }> {
  for (let attempt = 1; ; attempt++) {
    const options = {
      ...base,
      port: await freePort(),
      tcpPort: await freePort(),
      udpPort: await freeUdpPort(),
    };
    try {
      return { running: await startLiveKitProcess(options), options };
    } catch (error) {
      if (attempt >= 3 || !/address already in use/.test((error as Error).message)) throw error;
    }
  }
}

/** Starts LiveKit whose webhooks go to http://127.0.0.1:<serverPort>/livekit/webhook. */
export async function startTestLiveKit(serverPort: number): Promise<TestLiveKit> {
  const binary = liveKitBinary();
  const apiKey = 'APItest';
  const apiSecret = randomBytes(24).toString('base64url');
  const workDir = path.join(await tempDir('mib-livekit-'), 'livekit');
  const base = {
    binary,
    workDir,
    apiKey,
    apiSecret,
    webhookUrl: `http://127.0.0.1:${serverPort}/livekit/webhook`,
    logLevel: process.env.TEST_LIVEKIT_LOG_LEVEL ?? 'warn',
  };
  const started = await startOnFreePorts(base);
  const options = started.options;
  let running = started.running;
  const handle: TestLiveKit = {
    apiKey,
    apiSecret,
    get url() {
      return running.url;
    },
    get pid() {
      return running.pid;
    },
    get exited() {
      return running.exited;
    },
    env: { LIVEKIT_URL: running.url, LIVEKIT_API_KEY: apiKey, LIVEKIT_API_SECRET: apiSecret },
    output: () => running.output(),
    stop: () => running.stop(),
    kill: () => running.kill(),
    restart: async () => {
      await running.stop();
      running = await startLiveKitProcess(options);
    },
  };
  return handle;
}
