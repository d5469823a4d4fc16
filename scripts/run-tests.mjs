#!/usr/bin/env node
/**
 * Runs the whole jest suite (ESM mode) and ends with one line CI reads: `tests: N passed, N failed`
 * (plus `, N skipped` when any were), counted from jest's JSON report rather than its human summary.
 * Extra arguments go to jest, e.g. `npm test -- test/protocol`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const jestBin = path.join(path.dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');
const artifacts = path.resolve('test-artifacts');
const report = path.join(artifacts, 'jest-results.json');
mkdirSync(artifacts, { recursive: true });
rmSync(report, { force: true });

const started = Date.now();
const child = spawn(
  process.execPath,
  [jestBin, '--json', `--outputFile=${report}`, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(),
    },
  },
);
child.on('exit', (code, signal) => {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let suitesFailed = 0;
  try {
    const results = JSON.parse(readFileSync(report, 'utf8'));
    passed = results.numPassedTests;
    failed = results.numFailedTests;
    skipped = results.numPendingTests + results.numTodoTests;
    suitesFailed = results.numFailedTestSuites;
  } catch (error) {
    console.error(`run-tests: jest wrote no readable report (${error.message}); counting the run as failed`);
    failed = Math.max(failed, 1);
  }
  // A suite that fails to load has no failed tests of its own; count it so it cannot pass unnoticed.
  if (suitesFailed > 0 && failed === 0) failed = suitesFailed;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`jest finished in ${seconds} s (exit ${code ?? signal})`);
  console.log(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
