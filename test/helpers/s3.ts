/**
 * s3rver on a free loopback port, standing in for S3 (and MinIO, R2…) in the tests, with the buckets named;
 * `env(bucket)` is the server's ASSET_S3_* settings for one of them.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface TestS3 {
  endpoint: string;
  /** The directory s3rver keeps the buckets in (one folder a bucket). */
  directory: string;
  env(bucket: string): Record<string, string>;
  close(): Promise<void>;
}

export async function startS3(buckets: string[]): Promise<TestS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'mib-s3rver-'));
  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = (await s3.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    directory,
    env: (bucket) => ({
      ASSET_S3_BUCKET: bucket,
      ASSET_S3_ENDPOINT: endpoint,
      ASSET_S3_ACCESS_KEY_ID: 'S3RVER',
      ASSET_S3_SECRET_ACCESS_KEY: 'S3RVER',
    }),
    close: () => s3.close(),
  };
}
