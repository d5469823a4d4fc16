/** Starts the built server as its own process for a benchmark and stops it again. */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../server/node-flags.js';

const SERVER_ENTRY = fileURLToPath(new URL('../../server/main.js', import.meta.url));

export interface BenchServer {
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A TCP port on loopback that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * `nodeArgs` go to the server's node, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] to profile it. A
 * PORT in `env` is used (e.g. when PUBLIC_URL must name it); otherwise a free one is picked.
 */
export async function startBenchServer(
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<BenchServer> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mib-bench-'));
  // Enterable by `nobody`, whom the embedded PostgreSQL runs as when the benchmark runs as root.
  await chmod(dataDir, 0o711);
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, SERVER_ENTRY], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      DEV_CHAIN_PORT: '0',
      // No embedded LiveKit unless a benchmark asks (bench:voice starts its own).
      DEV_VOICE: 'off',
      // Node options for the server alone (the bots keep theirs), to compare GC settings in one command.
      ...(process.env.BENCH_SERVER_NODE_OPTIONS && { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Its log lines (stdout) are read and dropped — or appended to BENCH_SERVER_LOG when set, to see why a
  // run went wrong: a pipe nobody reads fills up, and a server that logs a lot (bench:reliability's
  // fuzzers get a warning each) then hangs on its way out, flushing into it.
  if (process.env.BENCH_SERVER_LOG)
    child.stdout?.pipe(createWriteStream(process.env.BENCH_SERVER_LOG, { flags: 'a' }));
  else child.stdout?.resume();
  // A benchmark stopped half way (Ctrl+C, a time limit) must not leave its server running.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`bench: the server exited with code ${child.exitCode} while starting`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('bench: the server did not become ready within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: child.pid!,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Reads one sample of a Prometheus text metric, e.g. metric(text, 'mib_room_tick_ms', 'quantile="0.99"'). */
export function metric(text: string, name: string, labels = ''): number {
  const escaped = labels.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^${name}${labels ? `\\{${escaped}\\}` : ''} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

/** A UDP port on loopback that was free a moment ago. */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
