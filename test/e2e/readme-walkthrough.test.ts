/**
 * The README's "drive it with curl" walk-through, run as written (bash + curl) against a freshly started
 * server process with the operator the README tells you to configure. Only the base URL's port changes.
 */
import { spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({
    DATA_DIR: await tempDir(),
    OPERATOR_EMAIL: 'admin@example.com',
    OPERATOR_PASSWORD: 'change-me-please',
  });
});
afterAll(async () => server?.stop());

describe('README walk-through', () => {
  it('runs as written on a fresh start', async () => {
    const readme = await readFile('README.md', 'utf8');
    const block = /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(
      readme,
    )?.[1];
    expect(block).toBeDefined();
    expect(block).toContain('B=http://localhost:2567\n');
    const script = block!.replace('B=http://localhost:2567\n', `B=${server.url}\n`);
    const cwd = await tempDir('mib-walkthrough-');
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toContain('"slug":"plaza"');
    expect(run.stdout).toContain('"version":1,"message":"first version"');
    expect(run.stdout).toContain('"sign":{"components":{"text":{"text":"Welcome"}}'); // patched by id
    expect(run.stdout).toContain('{"limit":"entities","allowed":10000,"total":2,"ok":true}');
    expect(run.stdout).toMatch(/"key":"mibe_/); // an embed key: public, so prefixed apart from secrets
    expect(run.stdout).toContain('"action":"scene.publish"');
    expect(run.stdout).toMatch(/"quotas":\{"worlds":50/);
    const archive = JSON.parse(await readFile(path.join(cwd, 'plaza.mib-world.json'), 'utf8')) as {
      format: string;
    };
    expect(archive.format).toBe('mib-world-archive');
    expect((await stat(path.join(cwd, 'plaza.mib-world.json'))).size).toBeGreaterThan(100);
  });
});
