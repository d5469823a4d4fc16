/**
 * PostgreSQL's own dump and restore programs (pg_dump, pg_restore), run as child processes. pg_dump must be
 * the server's major version or newer; PG_BIN_DIR names a folder that holds the right ones, otherwise the
 * PATH's are used. The password travels in PGPASSWORD, never on the command line (where `ps` shows it).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { redactUrl } from '../db/index.js';

const run = promisify(execFile);

/** The connection string without its password, and the password for PGPASSWORD. */
function connection(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  // libpq reads %20 as a space but not URL's '+' (e.g. options=-c search_path=…).
  url.search = [...url.searchParams]
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  return { url: url.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

function program(name: 'pg_dump' | 'pg_restore'): string {
  const dir = process.env.PG_BIN_DIR;
  return dir ? path.join(dir, name) : name;
}

async function pgTool(name: 'pg_dump' | 'pg_restore', args: string[], databaseUrl: string): Promise<void> {
  const { url, env } = connection(databaseUrl);
  try {
    await run(program(name), [...args, `--dbname=${url}`], { env, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failure = error as { code?: string; stderr?: string };
    if (failure.code === 'ENOENT')
      throw new Error(
        `backup: ${name} is not installed: install PostgreSQL's client programs (Debian: apt-get install postgresql-client) or set PG_BIN_DIR to the folder that holds them`,
        { cause: error },
      );
    const said = (failure.stderr ?? '')
      .trim()
      .split('\n')
      .slice(-3)
      .join(' ')
      .replaceAll(databaseUrl, redactUrl(databaseUrl));
    const fix = /version mismatch/.test(said)
      ? ': use a pg_dump of the server’s major version or newer (PG_BIN_DIR=/usr/lib/postgresql/<version>/bin)'
      : '';
    throw new Error(
      `backup: ${name} failed on ${redactUrl(databaseUrl)}: ${said || (error as Error).message}${fix}`,
      {
        cause: error,
      },
    );
  }
}

/** Dumps one schema in pg_dump's custom format (compressed, restorable table by table) to `file`. */
export async function dumpSchema(databaseUrl: string, schema: string, file: string): Promise<void> {
  await pgTool(
    'pg_dump',
    ['--format=custom', '--no-owner', '--no-privileges', `--schema=${schema}`, `--file=${file}`],
    databaseUrl,
  );
}

/**
 * Restores a dump into the database in one transaction (all or nothing). `listFile` (from `pg_restore -l`,
 * edited) chooses the entries; without it, everything.
 */
export async function restoreDump(databaseUrl: string, file: string, listFile?: string): Promise<void> {
  await pgTool(
    'pg_restore',
    [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      ...(listFile ? [`--use-list=${listFile}`] : []),
      file,
    ],
    databaseUrl,
  );
}

/** The dump's table of contents (`pg_restore --list`), one entry a line. */
export async function dumpContents(file: string): Promise<string> {
  try {
    const { stdout } = await run(program('pg_restore'), ['--list', file], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    throw new Error(`backup: pg_restore could not read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
