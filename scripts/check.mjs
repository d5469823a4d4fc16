#!/usr/bin/env node
/**
 * `npm run check`: every static check, on two lanes at once (they are single-threaded and the CI machine
 * has two cores). Each step's output is printed when it ends, whole, under its name; the command fails
 * when any step fails, after all have run.
 *   lane 1: type check (server and client), then the format check
 *   lane 2: lint (zero warnings), then the build (skipped when up to date; `npm test` reuses it), the
 *           OpenAPI client check and the contracts check
 */
import { spawn } from 'node:child_process';

const LANES = [
  ['typecheck', 'format:check'],
  ['lint', 'build:if-stale', 'api:check:built', 'contracts:check'],
];

function runScript(name) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('npm', ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`\n── ${name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${seconds} s\n`);
      if (output.trim()) process.stdout.write(`${output.trimEnd()}\n`);
      resolve(code === 0);
    });
  });
}

async function runLane(steps) {
  const results = [];
  for (const step of steps) results.push(await runScript(step));
  return results;
}

const results = (await Promise.all(LANES.map(runLane))).flat();
const failed = results.filter((ok) => !ok).length;
console.log(failed === 0 ? '\ncheck: every step passed' : `\ncheck: ${failed} step(s) failed (see above)`);
process.exit(failed === 0 ? 0 : 1);
