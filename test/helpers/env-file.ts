/** The deployment init scripts (infra/…/init.sh) as the tests run them, and the KEY=value files they write. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Runs `<dir>/init.sh` with only `env` (and PATH) set; throws with its message when it refuses. */
export function runInit(dir: string, env: Record<string, string>, ...args: string[]): string {
  return execFileSync('sh', [path.join(dir, 'init.sh'), ...args], {
    encoding: 'utf8',
    stdio: 'pipe',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

/** Reads a KEY=value file into an object; the value is everything after the first `=`. */
export function readEnv(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
