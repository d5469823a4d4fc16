/** Reads a KEY=value file (what the init scripts write) into an object; the value is everything after `=`. */
import { readFileSync } from 'node:fs';

export function readEnv(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
