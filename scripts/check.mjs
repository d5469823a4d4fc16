#!/usr/bin/env node
/**
 * `npm run check`: every static check, on two lanes at once (they are single-threaded and the CI machine
 * has two cores). Each step's output is printed when it ends, whole, under its name; the command fails
 * when any step fails, after all have run.
 *   lane 1: the build (skipped when up to date; `npm test` reuses it), the type check (server and client),
 *           the format check
 *   lane 2: lint (zero warnings, the longest step), then — once the build is done — the OpenAPI client
 *           check (it reads the built server) and the contracts check
 * Measured on a fresh clone (2026-12-07): lane 1 ≈ 95 s, lane 2 ≈ 100 s; with the build on lane 2 after
 * lint, as before, lane 2 took ≈ 130 s.
 */
import { spawn } from 'node:child_process';

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
  for (const step of steps) results.push(typeof step === 'string' ? await runScript(step) : await step());
  return results;
}

// The OpenAPI check reads the built server: lane 2 waits for lane 1's build before it.
let buildDone;
const built = new Promise((resolve) => (buildDone = resolve));
const build = async () => {
  const ok = await runScript('build:if-stale');
  buildDone(ok);
  return ok;
};
const apiCheck = async () => ((await built) ? runScript('api:check:built') : skipped('api:check:built'));
const lanes = [
  [build, 'typecheck', 'format:check'],
  ['lint', apiCheck, 'contracts:check'],
];

function skipped(name) {
  process.stdout.write(`\n── ${name}: skipped (the build failed)\n`);
  return false;
}

const results = (await Promise.all(lanes.map(runLane))).flat();
const failed = results.filter((ok) => !ok).length;
console.log(failed === 0 ? '\ncheck: every step passed' : `\ncheck: ${failed} step(s) failed (see above)`);
process.exit(failed === 0 ? 0 : 1);
