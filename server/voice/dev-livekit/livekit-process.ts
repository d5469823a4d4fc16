/**
 * Runs a LiveKit server binary (built by `npm run voice:install` from its Go module) as a child process:
 * one node, no Redis, its signalling on loopback, media on one UDP mux port plus ICE over TCP, webhooks
 * to the given URL. Used by the embedded dev voice of `npm start` and by the real-LiveKit tests (one per
 * test file, on free ports). The config goes in a file readable only by this user: it holds the secret.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { machineCachePath } from '../../config/machine-cache.js';
import { LIVEKIT_SERVER_TAG } from './livekit-release.js';

export interface LiveKitProcessOptions {
  binary: string;
  /** Where the config file, pid file and log go (created, mode 0700). */
  workDir: string;
  apiKey: string;
  /** At least 32 characters (LiveKit refuses shorter secrets outside --dev). */
  apiSecret: string;
  /** Signalling (HTTP + WebSocket) port on `bindAddress`. */
  port: number;
  /** The single UDP port all media is multiplexed over. */
  udpPort: number;
  /** ICE over TCP, for visitors whose UDP is blocked. */
  tcpPort: number;
  /** Interface the signalling port listens on; media listens on every interface. Default 127.0.0.1. */
  bindAddress?: string;
  /** The address browsers reach media at (its ICE candidates). Default 127.0.0.1. */
  nodeIp?: string;
  /** Where LiveKit posts its signed webhooks, e.g. http://127.0.0.1:2567/livekit/webhook. */
  webhookUrl?: string;
  /** LiveKit's own log level (debug, info, warn, error). Default warn. */
  logLevel?: string;
}

export interface RunningLiveKit {
  /** ws://<bind>:<port>, for server-side calls and local clients. */
  url: string;
  pid: number;
  /** Everything the process wrote (its log), last 64 kB. */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<void>;
  /** SIGKILL at once (tests of a crashed LiveKit). */
  kill(): Promise<void>;
  /** Resolves with the exit code when the process exits by itself or is stopped. */
  exited: Promise<number | null>;
}

/** Where `npm run voice:install` puts the binary: outside any checkout, in a folder that names the tag. */
export function defaultLiveKitBinary(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(machineCachePath(`livekit-server-${LIVEKIT_SERVER_TAG}`, env), 'server');
}

const STARTUP_TIMEOUT_MS = 20_000;
const MAX_OUTPUT = 64 * 1024;

function configYaml(options: LiveKitProcessOptions): string {
  // JSON is YAML: every value is quoted correctly whatever it holds.
  const config = {
    port: options.port,
    bind_addresses: [options.bindAddress ?? '127.0.0.1'],
    rtc: {
      udp_port: options.udpPort,
      tcp_port: options.tcpPort,
      node_ip: options.nodeIp ?? '127.0.0.1',
      use_external_ip: false,
      enable_loopback_candidate: (options.nodeIp ?? '127.0.0.1') === '127.0.0.1',
    },
    keys: { [options.apiKey]: options.apiSecret },
    ...(options.webhookUrl ? { webhook: { api_key: options.apiKey, urls: [options.webhookUrl] } } : {}),
    room: { empty_timeout: 60, departure_timeout: 10 },
    logging: { level: options.logLevel ?? 'warn', json: false },
  };
  return JSON.stringify(config, null, 2);
}

/** A LiveKit left running by a server that was killed would hold the ports: stop it first. */
async function stopLeftover(pidFile: string, configFile: string): Promise<void> {
  const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0) return;
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!commandLine.includes(configFile)) return;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 5_000 && existsSync(`/proc/${pid}`); waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Resolves once LiveKit answers HTTP on its signalling port (its root answers "OK"). */
async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  const httpUrl = url.replace(/^ws/, 'http');
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `LiveKit server exited (${child.exitCode ?? child.signalCode}) before answering: ${output().slice(-800).trim()}`,
      );
    const answered = await fetch(httpUrl, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(
    `LiveKit server did not answer within ${STARTUP_TIMEOUT_MS} ms: ${output().slice(-800).trim()}`,
  );
}

export async function startLiveKitProcess(options: LiveKitProcessOptions): Promise<RunningLiveKit> {
  if (!existsSync(options.binary))
    throw new Error(
      `the LiveKit server ${LIVEKIT_SERVER_TAG} is not installed at ${options.binary}: run \`npm run voice:install\` (builds it with go install, once)`,
    );
  await mkdir(options.workDir, { recursive: true, mode: 0o700 });
  await chmod(options.workDir, 0o700);
  const configFile = path.join(options.workDir, 'livekit.yaml');
  const pidFile = path.join(options.workDir, 'livekit.pid');
  await stopLeftover(pidFile, configFile);
  await writeFile(configFile, configYaml(options), { mode: 0o600 });
  const child = spawn(options.binary, ['--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  // If this process dies without stopping it, LiveKit goes with it.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', killOnExit);
      resolve(code);
    }),
  );
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new Error(`the LiveKit server could not be started (${options.binary}): ${error.message}`)),
    ),
  );
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-MAX_OUTPUT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  if (child.pid) await writeFile(pidFile, String(child.pid));
  const url = `ws://${options.bindAddress ?? '127.0.0.1'}:${options.port}`;
  await Promise.race([waitUntilAnswering(url, child, () => output), spawnError]);
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(forced);
  };
  return {
    url,
    pid: child.pid ?? 0,
    output: () => output,
    stop: () => stop('SIGTERM'),
    kill: () => stop('SIGKILL'),
    exited,
  };
}
