/**
 * The compose deployment's topology as processes on this machine (infra/compose.yaml without containers):
 * two server processes sharing PostgreSQL and Redis, a real LiveKit, and Debian's nginx running the
 * configuration rendered from infra/proxy/nginx.conf.template by infra/proxy/render.sh — the very template
 * compose's proxy renders. Everything a visitor does goes through the proxy: pages, API, matchmaking, each
 * process's room sockets (/p1/…, /p2/…) and LiveKit's signalling.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningLiveKit } from '../../server/voice/dev-livekit/livekit-process.js';
import { Client } from '@colyseus/sdk';
import { startBenchLiveKit } from './bench-livekit.js';
import { freePort } from './server-process.js';
import { wrapRoom, type Visitor } from './visitors.js';

/** The checkout: the nearest folder up from here with infra/proxy (from bench/shared or dist/bench/shared). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'infra', 'proxy', 'render.sh'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('topology: infra/proxy/render.sh not found above this file');
    dir = parent;
  }
  return dir;
}
const REPO = repoRoot();
const SERVER_ENTRY = path.join(REPO, 'dist/server/main.js');
const RENDER = path.join(REPO, 'infra/proxy/render.sh');

/** The routes the proxy gives the two processes (PUBLIC_ROOM_PATH=/p1, /p2), as in compose. */
export const ROUTES = ['p1', 'p2'] as const;
export type Route = (typeof ROUTES)[number];

export interface TopologyProcess {
  route: Route;
  /** Its own address (tests only: visitors go through the proxy). */
  directUrl: string;
  pid(): number;
  output(): string;
  /** SIGTERM; resolves with the exit code and how long the drain took, in ms. */
  stop(): Promise<{ code: number | null; ms: number }>;
  /** SIGKILL: a crash, or an engine that does not wait (no drain). */
  kill(): Promise<{ code: number | null; ms: number }>;
  /** Starts it again with the same settings (a rolling restart's second half). */
  start(): Promise<void>;
}

export interface Topology {
  /** The site, as visitors see it: http://127.0.0.1:<port> through nginx. */
  url: string;
  /** LiveKit's signalling through nginx (what the servers hand browsers). */
  livekitPublicUrl: string;
  processes: Record<Route, TopologyProcess>;
  livekit: RunningLiveKit;
  /** The rendered nginx configuration (for the record). */
  proxyConfig: string;
  /** Renders the same template with TLS on a port of its own, for a check of TLS termination. */
  renderTls(cert: string, key: string): Promise<{ url: string; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

export interface TopologyOptions {
  databaseUrl: string;
  redisUrl: string;
  /** Extra settings for both processes. */
  env?: Record<string, string>;
  logLevel?: string;
}

export function nginxBinary(): string {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx'])
    if (spawnSync(candidate, ['-v']).status === 0) return candidate;
  throw new Error(
    "the topology needs nginx, which is not installed: run `npm run services` (it installs Debian's nginx)",
  );
}

/** Renders the template with `settings` (PROXY_* variables) into `file`. */
function render(file: string, settings: Record<string, string>): void {
  const result = spawnSync('sh', [RENDER, file], { env: { PATH: process.env.PATH ?? '', ...settings } });
  if (result.status !== 0)
    throw new Error(`infra/proxy/render.sh failed: ${result.stderr.toString() || result.stdout.toString()}`);
}

/** Starts nginx on `config` in the foreground; resolves once `port` answers. */
async function startNginx(config: string, prefix: string, port: number): Promise<ChildProcess> {
  const child = spawn(nginxBinary(), ['-c', config, '-p', prefix, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}: ${errors}`);
    const answered = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) }).then(
      () => true,
      (error: unknown) => !/ECONNREFUSED/.test(String((error as { cause?: unknown }).cause ?? error)),
    );
    if (answered) return child;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port} within 10 s: ${errors}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

function serverProcess(route: Route, port: number, env: Record<string, string>): TopologyProcess {
  let child: ChildProcess | undefined;
  let log = '';
  const directUrl = `http://127.0.0.1:${port}`;
  const start = async (): Promise<void> => {
    child = spawn(process.execPath, [SERVER_ENTRY], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const running = child;
    running.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    running.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const killOnExit = (): void => void running.kill('SIGKILL');
    process.once('exit', killOnExit);
    running.once('exit', () => process.off('exit', killOnExit));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (running.exitCode !== null)
        throw new Error(`server ${route} exited with code ${running.exitCode} while starting:\n${log}`);
      const ready = await fetch(`${directUrl}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`server ${route} was not ready within 60 s:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  return {
    route,
    directUrl,
    pid: () => child?.pid ?? 0,
    output: () => log,
    start,
    stop: async () => {
      const started = performance.now();
      const code = child ? await stopChild(child) : null;
      return { code, ms: performance.now() - started };
    },
    kill: async () => {
      const started = performance.now();
      const code = child ? await stopChild(child, 'SIGKILL') : null;
      return { code, ms: performance.now() - started };
    },
  };
}

export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'mib-topology-'));
  const proxyPort = await freePort();
  const livekitProxyPort = await freePort();
  const internalPort = await freePort();
  // Webhooks reach whichever process is up through the proxy's internal listener, as in compose.
  const { livekit, apiKey, apiSecret } = await startBenchLiveKit({
    workDir: work,
    apiKey: 'APItopology',
    webhookUrl: `http://127.0.0.1:${internalPort}/livekit/webhook`,
  });
  const url = `http://127.0.0.1:${proxyPort}`;
  const livekitPublicUrl = `ws://127.0.0.1:${livekitProxyPort}`;
  const ports = { p1: await freePort(), p2: await freePort() };
  const processes = Object.fromEntries(
    ROUTES.map((route) => [
      route,
      serverProcess(route, ports[route], {
        HOST: '127.0.0.1',
        LOG_LEVEL: options.logLevel ?? 'info',
        LOG_FORMAT: 'json',
        DEV_CHAIN: 'off',
        DEV_VOICE: 'off',
        DATA_DIR: path.join(work, `data-${route}`),
        DATABASE_URL: options.databaseUrl,
        REDIS_URL: options.redisUrl,
        PUBLIC_URL: url,
        PUBLIC_ROOM_PATH: `/${route}`,
        TRUST_PROXY: 'loopback',
        LIVEKIT_URL: livekit.url,
        LIVEKIT_PUBLIC_URL: livekitPublicUrl,
        LIVEKIT_API_KEY: apiKey,
        LIVEKIT_API_SECRET: apiSecret,
        ...options.env,
      }),
    ]),
  ) as Record<Route, TopologyProcess>;
  const proxyState = path.join(work, 'nginx');
  await mkdir(proxyState, { recursive: true });
  const common = {
    PROXY_PROCESSES: ROUTES.map((route) => `${route}=127.0.0.1:${ports[route]}`).join(' '),
    PROXY_LIVEKIT_UPSTREAM: new URL(livekit.url).host,
    PROXY_STATE_DIR: proxyState,
    PROXY_ERROR_LOG: path.join(proxyState, 'error.log'),
  };
  const proxyConfig = path.join(proxyState, 'nginx.conf');
  const children: ChildProcess[] = [];
  try {
    render(proxyConfig, {
      ...common,
      PROXY_LISTEN: `127.0.0.1:${proxyPort}`,
      PROXY_LIVEKIT_LISTEN: `127.0.0.1:${livekitProxyPort}`,
      PROXY_INTERNAL_LISTEN: `127.0.0.1:${internalPort}`,
      PROXY_ACCESS_LOG: 'off',
    });
    await Promise.all(ROUTES.map((route) => processes[route].start()));
    children.push(await startNginx(proxyConfig, proxyState, proxyPort));
  } catch (error) {
    await Promise.all(ROUTES.map((route) => processes[route].stop()));
    await livekit.stop();
    throw error;
  }
  return {
    url,
    livekitPublicUrl,
    processes,
    livekit,
    proxyConfig,
    async renderTls(cert, key) {
      const state = path.join(work, `nginx-tls-${children.length}`);
      await mkdir(state, { recursive: true });
      const port = await freePort();
      const config = path.join(state, 'nginx.conf');
      render(config, {
        ...common,
        PROXY_STATE_DIR: state,
        PROXY_ERROR_LOG: path.join(state, 'error.log'),
        PROXY_ACCESS_LOG: 'off',
        PROXY_LISTEN: `127.0.0.1:${port} ssl`,
        PROXY_LIVEKIT_LISTEN: `127.0.0.1:${await freePort()} ssl`,
        PROXY_INTERNAL_LISTEN: `127.0.0.1:${await freePort()}`,
        PROXY_REDIRECT_LISTEN: `127.0.0.1:${await freePort()}`,
        PROXY_TLS_CERT: cert,
        PROXY_TLS_KEY: key,
      });
      const child = spawn(nginxBinary(), ['-c', config, '-p', state, '-g', 'daemon off;'], {
        stdio: 'ignore',
      });
      children.push(child);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { url: `https://127.0.0.1:${port}`, stop: () => stopChild(child).then(() => undefined) };
    },
    async stop() {
      await Promise.all(children.map((child) => stopChild(child)));
      await Promise.all(ROUTES.map((route) => processes[route].stop()));
      await livekit.stop();
    },
  };
}

/** A visitor that entered through the proxy, and the process its room is on. */
export interface Entered {
  visitor: Visitor;
  /** From the address the matchmaker gave the seat (<proxy>/p1 or /p2). */
  route: Route;
}

/** Joins `world` through the proxy as the SDK does, keeping the seat reservation to see where it went. */
export async function enterThroughProxy(
  topology: Pick<Topology, 'url'>,
  world: string,
  name: string,
): Promise<Entered> {
  const response = await fetch(`${topology.url}/matchmake/joinOrCreate/world`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ world, name, color: '#3366ff' }),
  });
  if (!response.ok) throw new Error(`join ${world}: ${response.status} ${await response.text()}`);
  const reservation = (await response.json()) as { publicAddress?: string };
  const host = new URL(topology.url).host;
  const route = ROUTES.find((r) => reservation.publicAddress === `${host}/${r}`);
  if (!route)
    throw new Error(`join ${world}: the seat's address ${reservation.publicAddress} names no process`);
  const room = await new Client(topology.url).consumeSeatReservation(reservation as never);
  return { visitor: await wrapRoom(room), route };
}
