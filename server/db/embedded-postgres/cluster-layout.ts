/**
 * Where the embedded PostgreSQL keeps its files under DATA_DIR: the cluster (DATA_DIR/postgres), its log,
 * the pid of the server that runs it, and its Unix socket's folder (the cluster itself, or a short folder
 * under the temp dir when that path would be too long for a socket).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The socket's port number (part of its file name; nothing listens on TCP). */
export const PORT = 5432;
/** A Unix socket's path must fit sockaddr_un (108 bytes on Linux, 104 on macOS). */
const MAX_SOCKET_PATH = 100;

export interface Layout {
  dataDir: string;
  cluster: string;
  socketDir: string;
  log: string;
  /** The pid of the server process that runs the cluster now. */
  owner: string;
}

export function layoutOf(dataDir: string): Layout {
  const cluster = path.join(dataDir, 'postgres');
  const socketFile = path.join(cluster, `.s.PGSQL.${PORT}`);
  const socketDir =
    Buffer.byteLength(socketFile) <= MAX_SOCKET_PATH
      ? cluster
      : path.join(os.tmpdir(), `mib-pg-${createHash('sha256').update(cluster).digest('hex').slice(0, 12)}`);
  return {
    dataDir,
    cluster,
    socketDir,
    log: path.join(dataDir, 'postgres.log'),
    owner: path.join(dataDir, 'postgres.owner'),
  };
}

/** Whether DATA_DIR holds an embedded PostgreSQL cluster already. */
export function clusterExists(dataDir: string): boolean {
  return existsSync(path.join(layoutOf(dataDir).cluster, 'PG_VERSION'));
}
