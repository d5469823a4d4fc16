/** With ASSET_S3_* set, optimized files go to the bucket and are served from it (s3rver stands in for S3). */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import S3rver from 's3rver';
import { pmndrsModels } from '../../bench/assets/sample-models.js';
import type { RunningServer } from '../../server/index.js';
import { registerAccount } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { waitFor } from '../helpers/wait.js';

let s3: S3rver;
let s3Dir: string;
let server: RunningServer;

beforeAll(async () => {
  s3Dir = await mkdtemp(path.join(tmpdir(), 'mib-s3rver-'));
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: s3Dir,
    configureBuckets: [{ name: 'worlds', configs: [] }],
  });
  const { port } = (await s3.run()) as { port: number };
  server = await startInProcessServer({
    ASSET_S3_BUCKET: 'worlds',
    ASSET_S3_ENDPOINT: `http://127.0.0.1:${port}`,
    ASSET_S3_ACCESS_KEY_ID: 'S3RVER',
    ASSET_S3_SECRET_ACCESS_KEY: 'S3RVER',
  });
});

afterAll(async () => {
  await server?.close();
  await s3?.close();
});

describe('assets on S3', () => {
  it('stores the optimized files in the bucket and serves them from it', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const creator = await registerAccount(server.url);
    const auth = { authorization: `Bearer ${creator.token}` };
    const upload = await fetch(`${server.url}/assets?profile=prop&lods=false`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'model/gltf-binary' },
      body: Buffer.from((await pmndrsModels())[1]!.glb),
    });
    const { id } = (await upload.json()) as { id: string };
    const job = await waitFor(
      async () =>
        (await (await fetch(`${server.url}/assets/jobs/${id}`, { headers: auth })).json()) as {
          status: string;
          assetHash: string;
        },
      (state) => ['succeeded', 'rejected', 'failed'].includes(state.status),
      { what: 'the job', timeoutMs: 60_000 },
    );
    expect(job.status).toBe('succeeded');
    const stored = await readdir(path.join(s3Dir, 'worlds'), { recursive: true });
    expect(stored.some((entry) => String(entry).includes(job.assetHash))).toBe(true);
    const file = await fetch(`${server.url}/assets/files/${job.assetHash}`, {
      headers: { range: 'bytes=0-3' },
    });
    expect(file.status).toBe(206);
    expect(await file.text()).toBe('glTF');
  }, 90_000);
});
