import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runServerExpectingExit, tempDir } from '../helpers/server-process.js';

/** The one line the server prints on stderr when it cannot start. */
const failureLine = (output: string): string | undefined =>
  output.split('\n').find((line) => line.startsWith('mib-server: cannot start:'));

describe('start-up fails fast with one clear line', () => {
  it('when DATA_DIR cannot be written', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'a-file');
    await writeFile(file, 'not a directory');
    const { code, output } = await runServerExpectingExit({ DATA_DIR: path.join(file, 'data'), PORT: '0' });
    expect(code).toBe(1);
    expect(failureLine(output)).toMatch(
      /DATA_DIR=.*a-file\/data is not a writable directory \(ENOTDIR\): point DATA_DIR at a directory/,
    );
  });

  it('when DATABASE_URL cannot be reached', async () => {
    const { code, output } = await runServerExpectingExit({
      DATABASE_URL: 'postgres://mib:secret@127.0.0.1:1/mib',
      PORT: '0',
    });
    expect(code).toBe(1);
    const line = failureLine(output);
    expect(line).toMatch(
      /DATABASE_URL=postgres:\/\/mib:\*\*\*@127\.0\.0\.1:1\/mib cannot be reached \(ECONNREFUSED\)/,
    );
    expect(output).not.toContain('secret');
  });

  it('when REDIS_URL cannot be reached', async () => {
    const { code, output } = await runServerExpectingExit(
      {
        DATA_DIR: await tempDir(),
        REDIS_URL: 'redis://127.0.0.1:1',
        PUBLIC_URL: 'http://127.0.0.1:2567',
        PORT: '0',
      },
      // The Redis client's connection attempts take a while; on a loaded CI machine over 30 s (a run was
      // killed at 30 s before it could fail by itself).
      60_000,
    );
    expect(code).toBe(1);
    expect(failureLine(output)).toMatch(
      /REDIS_URL=redis:\/\/127\.0\.0\.1:1 cannot be reached .*unset REDIS_URL/,
    );
  }, 90_000);

  it('when a variable is malformed', async () => {
    const { code, output } = await runServerExpectingExit({ PORT: 'abc' });
    expect(code).toBe(1);
    expect(failureLine(output)).toMatch(/config: PORT="abc" is invalid/);
  });
});
