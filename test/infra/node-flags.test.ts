/**
 * The server runs with the same node options however it is started (server/node-flags.ts): `npm start`,
 * the container image's CMD, and the tests' and benchmarks' server processes (which import the list).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { SERVER_NODE_FLAGS } from '../../server/index.js';

describe('the server process node options', () => {
  it('npm start passes every one of them, before the entry script', () => {
    const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts
      .start;
    expect(start).toBe(['node', ...SERVER_NODE_FLAGS, 'dist/server/main.js'].join(' '));
  });

  it("the image's CMD passes them too", () => {
    const dockerfile = readFileSync('infra/Dockerfile', 'utf8');
    expect(dockerfile).toContain(
      `CMD ${JSON.stringify(['node', ...SERVER_NODE_FLAGS, 'dist/server/main.js']).replaceAll(',', ', ')}`,
    );
  });
});
