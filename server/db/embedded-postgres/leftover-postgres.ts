/**
 * A PostgreSQL left running by a server that was killed (SIGKILL leaves its child behind): found by the
 * cluster's postmaster.pid, stopped before a new one starts — unless the server that started it still runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseUnavailableError } from '../database-errors.js';
import { layoutOf } from './cluster-layout.js';

/** What the cluster reports while it runs (pino-compatible). */
export interface ClusterLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** How long a fast shutdown may take before SIGQUIT (immediate shutdown), in ms. */
export const STOP_GRACE_MS = 20_000;

/** Whether `pid` runs (a zombie — exited, not yet reaped by an init that may never reap it — does not). */
export const processRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) is all there is
  }
};

async function readPid(file: string): Promise<number> {
  const first = (await readFile(file, 'utf8').catch(() => '')).split('\n')[0] ?? '';
  const pid = Number(first.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

/** Whether `pid` is a postmaster of this cluster (Linux: by its command line; elsewhere: alive). */
async function isPostmasterOf(pid: number, cluster: string): Promise<boolean> {
  if (!processRunning(pid)) return false;
  if (!existsSync('/proc/self/cmdline')) return true;
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return commandLine.includes(cluster);
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (!processRunning(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !processRunning(pid);
}

/**
 * Stops the PostgreSQL a killed server left running on this cluster. Refuses when the server that started
 * it still runs: two servers must not share one DATA_DIR.
 */
export async function stopLeftoverPostgres(dataDir: string, log?: ClusterLog): Promise<void> {
  const layout = layoutOf(dataDir);
  const pid = await readPid(path.join(layout.cluster, 'postmaster.pid'));
  if (!pid || !(await isPostmasterOf(pid, layout.cluster))) return;
  const owner = await readPid(layout.owner);
  if (owner && owner !== process.pid && processRunning(owner))
    throw new DatabaseUnavailableError(
      `DATA_DIR=${dataDir} is in use by another server (pid ${owner}): stop it, or give this one another DATA_DIR (if no server runs, delete ${layout.owner})`,
    );
  log?.warn({ postgresPid: pid }, 'embedded PostgreSQL: stopping the one a stopped server left running');
  const started = performance.now();
  const how = await stopPostmaster(pid);
  // How long the start waited for it (a fast shutdown writes a checkpoint first), for whoever wonders why
  // a restart was slow.
  log?.warn(
    { postgresPid: pid, stoppedInMs: Math.round(performance.now() - started), how },
    'embedded PostgreSQL: the leftover one stopped',
  );
}

async function stopPostmaster(pid: number): Promise<'fast' | 'immediate' | 'killed'> {
  process.kill(pid, 'SIGINT');
  if (await waitForExit(pid, STOP_GRACE_MS)) return 'fast';
  process.kill(pid, 'SIGQUIT');
  if (await waitForExit(pid, 5_000)) return 'immediate';
  process.kill(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
  return 'killed';
}
