#!/usr/bin/env node
/**
 * Runs the whole jest suite in ESM mode (jest's JSON report goes to test-artifacts/jest-results.json)
 * and ends with the line CI reads: `tests: N passed, N failed`. Extra arguments go to jest,
 * e.g. `npm test -- test/protocol`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { makeRunTmp } from './run-tmp.mjs';
import { REPORT_PATH, summarize, summaryLines } from './test-summary.mjs';

// The suite needs the project's Node (24, the `node` devDependency): older Node cannot load NestJS 12's ESM
// from jest's CommonJS side. `npm test` puts it first on PATH; a bare `node scripts/run-tests.mjs` may not.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `run-tests: this is Node ${process.versions.node}; the tests need Node 24 — run \`npm test -- <files>\` or \`npx node scripts/run-tests.mjs <files>\``,
  );
  process.exit(2);
}

const require = createRequire(import.meta.url);
const jestBin = path.join(path.dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');
mkdirSync(path.dirname(REPORT_PATH), { recursive: true });
rmSync(REPORT_PATH, { force: true });

// The run's temporary directory (scripts/run-tmp.mjs): removed when jest ends.
const runTmp = makeRunTmp('mib-test-run-');

const started = Date.now();
const child = spawn(
  process.execPath,
  [jestBin, '--json', `--outputFile=${REPORT_PATH}`, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      TMPDIR: runTmp.dir,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(),
    },
  },
);
child.on('exit', (code, signal) => {
  const summary = summarize();
  if (summary.note) console.error(`run-tests: ${summary.note}`);
  console.log(`jest finished in ${((Date.now() - started) / 1000).toFixed(1)} s (exit ${code ?? signal})`);
  runTmp.remove();
  for (const line of summaryLines(summary)) console.log(line);
  process.exit(code === 0 && summary.failed === 0 ? 0 : 1);
});
