#!/usr/bin/env node
/**
 * Prints the line CI reads — exactly `tests: N passed, N failed`, last — counted from jest's JSON
 * report (test-artifacts/jest-results.json), never from jest's human summary. With no readable report
 * (jest never ran, or crashed) it counts one failure, so a broken run cannot look green.
 * Exits 0 when nothing failed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const REPORT_PATH = path.resolve('test-artifacts', 'jest-results.json');

export function summarize(reportPath = REPORT_PATH) {
  try {
    const results = JSON.parse(readFileSync(reportPath, 'utf8'));
    let failed = results.numFailedTests;
    // A suite that fails to load has no failed tests of its own; count it so it cannot pass unnoticed.
    if (results.numFailedTestSuites > 0 && failed === 0) failed = results.numFailedTestSuites;
    if (results.numRuntimeErrorTestSuites > 0 && failed === 0) failed = results.numRuntimeErrorTestSuites;
    return {
      passed: results.numPassedTests,
      failed,
      skipped: results.numPendingTests + results.numTodoTests,
      note: null,
    };
  } catch (error) {
    return {
      passed: 0,
      failed: 1,
      skipped: 0,
      note: `no readable jest report at ${reportPath} (${error.message})`,
    };
  }
}

/** The lines to print: skipped tests (if any) are said on their own line, before the one CI reads. */
export function summaryLines({ passed, failed, skipped }) {
  const last = `tests: ${passed} passed, ${failed} failed`;
  return skipped > 0 ? [`skipped: ${skipped} (see their names for what they need)`, last] : [last];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const summary = summarize();
  if (summary.note) console.error(`test-summary: ${summary.note}`);
  for (const line of summaryLines(summary)) console.log(line);
  process.exit(summary.failed === 0 ? 0 : 1);
}
