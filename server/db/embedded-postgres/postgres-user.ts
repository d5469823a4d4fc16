/**
 * Who the embedded PostgreSQL runs as. PostgreSQL refuses to run as root, so a server run as root starts it
 * as DATA_DIR's owner (when not root) or as `nobody`, gives it its files, and first checks that this user
 * can reach the binaries and DATA_DIR at all.
 */
import { chown, stat } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseUnavailableError } from '../database-errors.js';
import type { PostgresBinaries } from './postgres-binaries.js';

export interface PostgresUser {
  uid: number;
  gid: number;
}

const NOBODY = 65534;

/** Who PostgreSQL runs as: this user, or (as root) DATA_DIR's owner, or nobody. */
export async function runAs(dataDir: string): Promise<PostgresUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const owner = await stat(dataDir);
  return owner.uid !== 0 ? { uid: owner.uid, gid: owner.gid } : { uid: NOBODY, gid: NOBODY };
}

/** Raised when, as root, the user PostgreSQL runs as cannot reach the binaries or DATA_DIR. */
export class PostgresUserCannotReach extends DatabaseUnavailableError {
  override name = 'PostgresUserCannotReach';
}

/** Whether `user` may traverse every directory down to `target` (and enter `target`). */
async function traversable(user: PostgresUser, target: string): Promise<string | undefined> {
  let current = path.resolve(target);
  const chain: string[] = [];
  for (;;) {
    chain.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dir of chain) {
    const info = await stat(dir);
    const bit = info.uid === user.uid ? 0o100 : info.gid === user.gid ? 0o010 : 0o001;
    if ((info.mode & bit) === 0) return dir;
  }
  return undefined;
}

export async function checkReachable(
  user: PostgresUser | undefined,
  binaries: PostgresBinaries,
  dataDir: string,
): Promise<void> {
  if (!user) return;
  for (const target of [path.dirname(binaries.postgres), dataDir]) {
    const blocked = await traversable(user, target);
    if (blocked)
      throw new PostgresUserCannotReach(
        `run as root, the embedded PostgreSQL runs as uid ${user.uid} (PostgreSQL refuses root), which cannot enter ${blocked}: run the server as an ordinary user, or allow entering that directory (chmod o+x ${blocked}), or set DATABASE_URL`,
      );
  }
}

export async function giveTo(user: PostgresUser | undefined, ...paths: string[]): Promise<void> {
  if (!user) return;
  for (const file of paths) await chown(file, user.uid, user.gid);
}
