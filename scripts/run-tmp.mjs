/**
 * One temporary directory per test or bench run. The run's processes get it as TMPDIR, so everything they
 * write there (servers' data, embedded PostgreSQL, browser profiles, podman contexts, LiveKit configs) goes
 * away when the run ends — a test or bench that forgets its own cleanup, or is killed by a timeout, cannot
 * fill the disk run after run. KEEP_RUN_TMP=1 keeps it for a post-mortem.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** @param {string} prefix e.g. 'mib-test-run-' */
export function makeRunTmp(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    remove() {
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
