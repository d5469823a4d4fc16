/**
 * A PostgreSQL cluster of the harness' own (initdb in a temporary folder, its own port), so it can be
 * stopped with `-m immediate` — a crash of the database, WAL replay on the next start — without touching
 * the services other tests share. Uses Debian's binaries (`npm run services` installs them); as root it runs
 * them as the `postgres` user, as PostgreSQL requires.
 */
import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../shared/server-process.js';

const run = promisify(execFile);

export interface PrivatePostgres {
  url: string;
  /** `pg_ctl stop -m immediate`: every backend killed, no checkpoint. */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** Stops it (fast) and leaves its folder for the OS to clean. */
  close(): Promise<void>;
}

async function binDir(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const versions = await readdir(root).catch(() => []);
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest)
    throw new Error(`no PostgreSQL server programs under ${root}: run \`npm run services\` (installs them)`);
  return path.join(root, newest, 'bin');
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await binDir();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mib-private-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await chown(dir, ...(await postgresIds()));
  const pg = (program: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, program), ...args])
      : run(path.join(bin, program), args);
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const start = async (): Promise<void> => {
    await pg('pg_ctl', [
      ...['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60'],
      ...['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`],
      'start',
    ]);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crash: async () => {
      await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    start,
    close: async () => {
      await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
    },
  };
}

async function postgresIds(): Promise<[number, number]> {
  const { stdout } = await run('id', ['postgres']);
  const uid = Number(/uid=(\d+)/.exec(stdout)?.[1]);
  const gid = Number(/gid=(\d+)/.exec(stdout)?.[1]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid))
    throw new Error('no `postgres` user to run PostgreSQL as: run `npm run services` (installs PostgreSQL)');
  return [uid, gid];
}
