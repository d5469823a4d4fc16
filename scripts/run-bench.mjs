#!/usr/bin/env node
/**
 * Runs one built bench (`node scripts/run-bench.mjs dist/bench/<area>/main.js [args]`) with its own
 * temporary directory, removed when it ends (scripts/run-tmp.mjs). Output passes through untouched, so the
 * bench's last line stays its JSON figures; the exit code is the bench's.
 */
import { spawn } from 'node:child_process';
import { makeRunTmp } from './run-tmp.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('run-bench: which bench? e.g. `node scripts/run-bench.mjs dist/bench/room/main.js`');
  process.exit(2);
}
const runTmp = makeRunTmp('mib-bench-run-');
const child = spawn(process.execPath, [entry, ...args], {
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: runTmp.dir },
});
// Ctrl-C reaches the bench through the terminal's process group; wait for it to end, then clean up.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  runTmp.remove();
  process.exit(code ?? (signal ? 1 : 0));
});
