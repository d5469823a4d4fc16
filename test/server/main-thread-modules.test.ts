/**
 * What the server's main thread loads at start: three.js is not among it. Only the asset pipeline's worker
 * needs it (decoding and writing HDR environments); loaded on the main thread it cost ~20 MB of every
 * server's resident memory for nothing (bench:room's idle RSS showed it). Run on the built server, as
 * `npm start` runs it, with a resolve hook that lists every module loaded.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const HOOK = `
import { registerHooks } from 'node:module';
registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    if (resolved.url.startsWith('file:')) process.stdout.write(resolved.url + '\\n');
    return resolved;
  },
});
`;

describe("the server's main thread", () => {
  it('does not load three.js (only the asset worker does)', async () => {
    const server = path.resolve('dist/server/index.js');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(HOOK)}`,
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(server)}); process.exit(0);`,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const loaded = stdout.split('\n').filter(Boolean);
    expect(loaded.some((url) => url.includes('/dist/server/'))).toBe(true); // the hook saw the server load
    expect(loaded.filter((url) => url.includes('/node_modules/three/'))).toEqual([]);
  });
});
