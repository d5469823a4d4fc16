/** With ASSET_S3_* set, optimized files go to the bucket and are served from it (s3rver stands in for S3). */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningServer } from '../../server/index.js';
import { registerAccount } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { uploadModel } from '../helpers/installation.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

let s3: TestS3;
let server: RunningServer;

beforeAll(async () => {
  s3 = await startS3(['worlds']);
  server = await startInProcessServer(s3.env('worlds'));
});

afterAll(async () => {
  await server?.close();
  await s3?.close();
});

describe('assets on S3', () => {
  it('stores the optimized files in the bucket and serves them from it', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const creator = await registerAccount(server.url);
    const job = await uploadModel(server.url, creator.token);
    expect(job.status).toBe('succeeded');
    const stored = await readdir(path.join(s3.directory, 'worlds'), { recursive: true });
    expect(stored.some((entry) => String(entry).includes(job.assetHash))).toBe(true);
    const file = await fetch(`${server.url}/assets/files/${job.assetHash}`, {
      headers: { range: 'bytes=0-3' },
    });
    expect(file.status).toBe(206);
    expect(await file.text()).toBe('glTF');
  }, 90_000);
});
