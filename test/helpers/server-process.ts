/**
 * Starts the built server (`dist/server/main.js`) as a separate process, the way `npm start` does, and
 * stops it with a signal. `npm test` builds first; running jest alone needs `npm run build` once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../../server/node-flags.js';

export const SERVER_ENTRY = path.resolve('dist/server/main.js');

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` and resolves with the exit code (null if killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ExitedProcess {
  code: number | null;
  output: string;
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A fresh directory, enterable by others (the embedded PostgreSQL runs as `nobody` when tests run as root). */
export async function tempDir(prefix = 'mib-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o711);
  return dir;
}

function requireBuild(): void {
  if (!existsSync(SERVER_ENTRY)) {
    throw new Error(`${SERVER_ENTRY} is missing: run \`npm run build\` (npm test does it before jest)`);
  }
}

function launch(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  requireBuild();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, SERVER_ENTRY], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      // The run's temporary directory (scripts/run-tests.mjs removes it when jest ends).
      TMPDIR: os.tmpdir(),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // The dev chain (anvil) only where a test asks for it (DEV_CHAIN=on): each server would start its own.
      DEV_CHAIN: 'off',
      // The embedded LiveKit likewise (DEV_VOICE=on): it takes fixed ports; tests start their own LiveKit.
      DEV_VOICE: 'off',
      DEV_CHAIN_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Starts the server and resolves once it logs that it is listening. */
export async function startServerProcess(
  env: Record<string, string>,
  // Generous: on a 2-core CI machine two test workers may each be starting servers and browsers at once.
  timeoutMs = 60_000,
): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const { child, output } = launch({ ...env, PORT: String(port) });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start within ${timeoutMs} ms:\n${output()}`)),
      timeoutMs,
    );
    const onData = (): void => {
      if (output().includes('"msg":"server listening"')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening:\n${output()}`));
    });
  });
  // A server that dies under a test leaves only refused connections behind: say why it ended.
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping)
      console.error(
        `server on port ${port} exited (code ${code}, signal ${signal}) without being stopped; its last output:\n${output().slice(-4000)}`,
      );
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output,
    stop: async (signal = 'SIGTERM') => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * One of several server processes sharing `databaseUrl` and `redisUrl`, as behind a balancer: on a port
 * of its own, named by its PUBLIC_URL (Redis needs one), with a data folder of its own.
 */
export async function startSharedServerProcess(
  databaseUrl: string,
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const port = await freePort();
  return startServerProcess({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    REDIS_URL: redisUrl,
    DATABASE_URL: databaseUrl,
    DATA_DIR: await tempDir(),
    ...env,
  });
}

/** Runs the server expecting it to fail at start-up; resolves with its exit code and output. */
export async function runServerExpectingExit(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ExitedProcess> {
  const { child, output } = launch(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output: output() };
}
