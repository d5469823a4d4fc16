/** A LiveKit server of a benchmark's own (the binary `npm run services` builds), on free loopback ports. */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  defaultLiveKitBinary,
  startLiveKitProcess,
  type RunningLiveKit,
} from '../../server/voice/dev-livekit/livekit-process.js';
import { freePort, freeUdpPort } from './server-process.js';

export interface BenchLiveKit {
  livekit: RunningLiveKit;
  apiKey: string;
  /** Fresh per run, 32 characters (LiveKit refuses shorter ones outside --dev). */
  apiSecret: string;
}

export async function startBenchLiveKit(options: {
  /** Its config, pid file and log go in `<workDir>/livekit`. */
  workDir: string;
  apiKey: string;
  webhookUrl?: string;
  logLevel?: string;
}): Promise<BenchLiveKit> {
  const apiSecret = randomBytes(24).toString('base64url');
  const livekit = await startLiveKitProcess({
    binary: process.env.LIVEKIT_SERVER_BINARY || defaultLiveKitBinary(),
    workDir: path.join(options.workDir, 'livekit'),
    apiKey: options.apiKey,
    apiSecret,
    port: await freePort(),
    udpPort: await freeUdpPort(),
    tcpPort: await freePort(),
    ...(options.webhookUrl && { webhookUrl: options.webhookUrl }),
    logLevel: options.logLevel ?? 'warn',
  });
  return { livekit, apiKey: options.apiKey, apiSecret };
}
