/**
 * Contract fuzzing of the whole REST API with schemathesis (from PyPI, pinned; installed on first use into
 * a virtual environment under ~/.cache): every operation of /docs-json, positive and negative cases, its
 * coverage, fuzzing and stateful phases, every check (server errors, undocumented status codes and
 * content types, responses that break their own schema, invalid requests accepted, valid ones refused,
 * authentication ignored). Run as the operator and as an anonymous caller against a server of its own
 * process (embedded database, dev chain; voice off, so POST /voice/token answers 503 by design and
 * LiveKit's webhook — signed by LiveKit — is left out).
 *
 * Figures: cases generated, and each kind of failure schemathesis reports (its code, count and
 * operations). Pass: none at all, and at least MIN_CASES cases.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BENCH_OPERATOR, operatorToken } from '../shared/bench-api.js';
import { startBenchServer } from '../shared/server-process.js';

const run = promisify(execFile);
export const SCHEMATHESIS_VERSION = '4.32.5';
const VENV = path.join(homedir(), '.cache', 'metaverse-in-a-box', `schemathesis-${SCHEMATHESIS_VERSION}`);
const SCHEMATHESIS = path.join(VENV, 'bin', 'schemathesis');
/** Examples per operation and phase, and the least cases a run must make. */
const EXAMPLES = 50;
const MIN_CASES = 10_000;

export interface ContractFailure {
  code: string;
  title: string;
  count: number;
  operations: string[];
}

export interface ContractFigures {
  schemathesis: string;
  cases: number;
  /** Per principal: its cases and failures. */
  runs: Array<{ principal: string; cases: number; failures: ContractFailure[] }>;
  failures: number;
  pass: boolean;
}

export function contractPasses(figures: Omit<ContractFigures, 'pass'>): boolean {
  return figures.cases >= MIN_CASES && figures.failures === 0 && figures.runs.length > 0;
}

/** schemathesis at SCHEMATHESIS_VERSION in its own virtual environment (made once; PyPI only). */
async function ensureSchemathesis(): Promise<void> {
  const installed = await run(SCHEMATHESIS, ['--version']).catch(() => undefined);
  if (installed?.stdout.includes(SCHEMATHESIS_VERSION)) return;
  await run('python3', ['-m', 'venv', VENV]).catch((error: Error) => {
    throw new Error(
      `bench:security contract needs python3 with venv (apt-get install python3-venv): ${error.message}`,
    );
  });
  await run(path.join(VENV, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`], {
    timeout: 300_000,
  });
}

interface Report {
  test_cases: { generated: number };
  failures: Array<{ code: string; title: string; count: number; operations: string[] }>;
}

async function fuzz(
  url: string,
  principal: string,
  headers: string[],
): Promise<ContractFigures['runs'][number]> {
  const reportDir = await mkdtemp(path.join(tmpdir(), 'mib-contract-'));
  try {
    await run(
      SCHEMATHESIS,
      [
        'run',
        `${url}/docs-json`,
        ...headers.flatMap((header) => ['-H', header]),
        '--checks',
        'all',
        '-n',
        String(EXAMPLES),
        '--workers',
        '2',
        '--exclude-path',
        '/livekit/webhook',
        '--seed',
        '1',
        '--no-color',
        '--report',
        'json',
        '--report-dir',
        reportDir,
      ],
      // schemathesis exits 1 when it found failures: the report says which.
      { cwd: reportDir, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 },
    ).catch((error: { code?: number; stderr?: string }) => {
      if (error.code !== 1) throw new Error(`schemathesis failed to run: ${error.stderr?.slice(-500) ?? ''}`);
    });
    const file = (await readdir(reportDir)).find((name) => name.endsWith('.json'));
    if (!file) throw new Error('schemathesis wrote no report');
    const report = JSON.parse(await readFile(path.join(reportDir, file), 'utf8')) as Report;
    return {
      principal,
      cases: report.test_cases.generated,
      failures: report.failures.map(({ code, title, count, operations }) => ({
        code,
        title,
        count,
        operations,
      })),
    };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

export async function runContract(): Promise<ContractFigures> {
  await ensureSchemathesis();
  const server = await startBenchServer({
    ...BENCH_OPERATOR,
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    RATE_LIMIT_GUESTS_PER_MINUTE: '1000000',
    RATE_LIMIT_VOICE_TOKENS_PER_MINUTE: '1000000',
  });
  try {
    const accessToken = await operatorToken(server.url);
    const runs = [
      await fuzz(server.url, 'operator', [`Authorization: Bearer ${accessToken}`]),
      await fuzz(server.url, 'anonymous', []),
    ];
    const figures = {
      schemathesis: SCHEMATHESIS_VERSION,
      cases: runs.reduce((sum, each) => sum + each.cases, 0),
      runs,
      failures: runs.reduce(
        (sum, each) => sum + each.failures.reduce((n, failure) => n + failure.count, 0),
        0,
      ),
    };
    return { ...figures, pass: contractPasses(figures) };
  } finally {
    await server.stop();
  }
}
