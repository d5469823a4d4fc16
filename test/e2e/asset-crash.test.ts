/**
 * A crash in the middle of an asset job (SIGKILL of the server process while it optimizes) leaves no
 * asset and no partial file visible; the restarted server runs the job again, to success.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { texturedScene } from '../../bench/assets/sample-models.js';
import { startServerProcess, tempDir } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

interface Job {
  status: string;
  stage: string | null;
  attempts: number;
  assetHash: string | null;
}

/** The job's stages before it writes anything to the store. */
const BEFORE_STORING = ['ingest', 'validate', 'prepare', 'optimize', 'lods'];

async function filesUnder(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name))
      .sort();
  } catch {
    return [];
  }
}

describe('asset jobs and crashes', () => {
  it('a job interrupted by SIGKILL leaves nothing visible and runs again after the restart', async () => {
    const dataDir = await tempDir('mib-asset-crash-');
    const env = { DATA_DIR: dataDir };
    const first = await startServerProcess(env);
    const register = await fetch(`${first.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `crash-${process.pid}@example.com`,
        password: 'crash-password-1',
        displayName: 'C',
      }),
    });
    const { accessToken } = (await register.json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}` };
    // The store before the upload: the demo world's furniture, stored on the first start.
    const before = await filesUnder(path.join(dataDir, 'assets'));
    // KTX2 on the textured scene takes long enough (seconds) to be killed in the middle of it.
    const upload = await fetch(`${first.url}/assets?profile=scene&ktx2=true&lods=false`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'model/gltf-binary' },
      body: Buffer.from((await texturedScene(512)).glb),
    });
    const { id } = (await upload.json()) as { id: string };
    const job = (url: string) => async () =>
      (await (await fetch(`${url}/assets/jobs/${id}`, { headers: auth })).json()) as Job;
    // Any stage before it stores the results (on a loaded machine a poll may miss the optimize stage itself).
    await waitFor(
      job(first.url),
      (state) => state.status === 'running' && BEFORE_STORING.includes(state.stage ?? ''),
      { what: 'the job to be processing', timeoutMs: 60_000 },
    );
    await first.stop('SIGKILL');

    expect(await filesUnder(path.join(dataDir, 'assets'))).toEqual(before);
    expect(await filesUnder(path.join(dataDir, 'uploads'))).toEqual([path.join(dataDir, 'uploads', id)]);

    const second = await startServerProcess(env);
    try {
      const restarted = await job(second.url)();
      expect(restarted.assetHash).toBeNull();
      expect(['queued', 'running']).toContain(restarted.status);
      const done = await waitFor(job(second.url), (state) => state.status === 'succeeded', {
        what: 'the job to run again and succeed',
        timeoutMs: 120_000,
      });
      expect(done.attempts).toBe(2);
      const asset = await fetch(`${second.url}/assets/${done.assetHash}`);
      expect(asset.status).toBe(200);
      expect(await filesUnder(path.join(dataDir, 'uploads'))).toEqual([]);
      expect((await filesUnder(path.join(dataDir, 'assets'))).some((file) => file.endsWith('.partial'))).toBe(
        false,
      );
    } finally {
      await second.stop();
    }
  }, 240_000);
});
