/**
 * One temporary directory per test or bench run. The run's processes get it as TMPDIR, so everything they
 * write there (servers' data, embedded PostgreSQL, browser profiles, podman contexts, LiveKit configs) goes
 * away when the run ends — a test or bench that forgets its own cleanup, or is killed by a timeout, cannot
 * fill the disk run after run. KEEP_RUN_TMP=1 keeps it for a post-mortem.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** @param {string} prefix e.g. 'mib-test-run-' */
export function makeRunTmp(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  // Enterable (not listable) by others: run as root, the embedded PostgreSQL runs as `nobody` and must
  // reach its cluster in a server's DATA_DIR under here.
  chmodSync(dir, 0o711);
  return {
    dir,
    remove() {
      stopPostgresUnder(dir);
      if (process.env.KEEP_RUN_TMP === '1') {
        console.error(`${prefix}: temporary files kept in ${dir}`);
        return;
      }
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      } catch (error) {
        console.error(`${prefix}: could not remove ${dir} (${error.code ?? error}); delete it by hand`);
      }
    },
  };
}

/**
 * Immediate shutdown (SIGQUIT) of every embedded PostgreSQL whose cluster is under `dir`: a server killed
 * by a test (SIGKILL leaves its child PostgreSQL behind) would otherwise keep one running after the run.
 * Linux only (/proc); elsewhere they stop when the machine does.
 */
function stopPostgresUnder(dir) {
  if (!existsSync('/proc/self/cmdline')) return;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args;
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const cluster = args[args.indexOf('-D') + 1];
    if (!args[0]?.endsWith('/postgres') || !cluster?.startsWith(`${dir}/`)) continue;
    try {
      process.kill(Number(entry), 'SIGQUIT');
    } catch {
      // gone meanwhile
    }
  }
}
