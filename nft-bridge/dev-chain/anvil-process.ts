/**
 * The embedded dev chain: anvil from the npm package `@foundry-rs/anvil` (its binary ships in a
 * per-platform optional package; nothing is downloaded). Its state persists in a file (written every few
 * seconds and on exit), and it mines a block every `blockTimeSeconds` so confirmations advance.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/** anvil's default chain id. */
export const DEV_CHAIN_ID = 31337;

export interface AnvilOptions {
  /** Chain state file (loaded at start, written every `stateIntervalSeconds` and on exit). */
  stateFile: string;
  /** A block every this many seconds, transactions or not. */
  blockTimeSeconds: number;
  /** 0 picks a free port. */
  port?: number;
  stateIntervalSeconds?: number;
}

export interface RunningAnvil {
  /** http://127.0.0.1:<port> */
  rpcUrl: string;
  /** Stops anvil, which writes its state file first. */
  stop(): Promise<void>;
}

const PLATFORM_PACKAGES: Record<string, string | undefined> = {
  'linux-x64': '@foundry-rs/anvil-linux-amd64',
  'linux-arm64': '@foundry-rs/anvil-linux-arm64',
  'darwin-x64': '@foundry-rs/anvil-darwin-amd64',
  'darwin-arm64': '@foundry-rs/anvil-darwin-arm64',
  'win32-x64': '@foundry-rs/anvil-win32-amd64',
};

/** Where this platform's anvil binary is; an error that says what to do when it is not installed. */
export function anvilBinary(): string {
  const platform = `${process.platform}-${process.arch}`;
  const name = PLATFORM_PACKAGES[platform];
  if (!name)
    throw new Error(
      `the dev chain needs anvil, which has no build for ${platform}; set NFT_CHAINS to an RPC endpoint instead`,
    );
  try {
    const manifest = createRequire(import.meta.url).resolve(`${name}/package.json`);
    return path.join(path.dirname(manifest), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
  } catch {
    throw new Error(
      `the dev chain needs ${name}, which npm did not install; run npm ci again, or set NFT_CHAINS to an RPC endpoint`,
    );
  }
}

const STARTUP_TIMEOUT_MS = 15_000;

/**
 * An anvil left running on the same state file by a server that crashed or was killed would keep the port
 * and write the file over ours: stop it first. Its pid is kept beside the state file.
 */
async function stopLeftover(pidFile: string, stateFile: string): Promise<void> {
  const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0) return;
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!commandLine.includes('anvil') || !commandLine.includes(stateFile)) return;
  // SIGTERM, then SIGKILL if it is still running after 5 s (a loaded machine can take that long).
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    if (!isRunning(pid)) return;
    process.kill(pid, signal);
    for (let waited = 0; waited < 5_000 && isRunning(pid); waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether process `pid` exists and has not exited (a zombie waiting for its parent has). */
export function isRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false; // gone
  }
  // "<pid> (<command>) <state> …": the state follows the last ")".
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

export async function startAnvil(options: AnvilOptions): Promise<RunningAnvil> {
  const pidFile = `${options.stateFile}.anvil.pid`;
  await mkdir(path.dirname(options.stateFile), { recursive: true });
  await stopLeftover(pidFile, options.stateFile);
  const child: ChildProcess = spawn(
    anvilBinary(),
    [
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port ?? 0),
      '--chain-id',
      String(DEV_CHAIN_ID),
      '--block-time',
      String(options.blockTimeSeconds),
      '--state',
      options.stateFile,
      '--state-interval',
      String(options.stateIntervalSeconds ?? 5),
      '--hardfork',
      'cancun',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // If this process exits without stopping it (an uncaught error), anvil goes with it.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  if (child.pid) await writeFile(pidFile, String(child.pid));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`anvil did not start within ${STARTUP_TIMEOUT_MS} ms: ${output.slice(-500)}`));
    }, STARTUP_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`anvil exited (code ${code}) before listening: ${output.slice(-500).trim()}`));
    };
    child.once('exit', onExit);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`anvil could not be started: ${error.message}`));
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Listening on (\S+):(\d+)/.exec(output);
      if (!listening) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume(); // keep draining: anvil logs every request
      resolve({
        rpcUrl: `http://${listening[1]}:${listening[2]}`,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
