/**
 * The AssetStore contract, on both implementations: the local directory, and S3 over HTTP against s3rver
 * (an S3-compatible server in Node; no AWS or MinIO can run here).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import S3rver from 's3rver';
import { LocalAssetStore, S3AssetStore, sha256Hex, type AssetStore } from '../../asset-pipeline/index.js';

let s3: S3rver;
let endpoint: string;

beforeAll(async () => {
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: await mkdtemp(path.join(tmpdir(), 'mib-s3rver-')),
    configureBuckets: [{ name: 'mib-assets', configs: [] }],
  });
  const { port } = (await s3.run()) as { port: number };
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await s3.close();
});

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return new Uint8Array(Buffer.concat(chunks));
}

const stores: [string, () => Promise<AssetStore>][] = [
  ['local directory', async () => new LocalAssetStore(await mkdtemp(path.join(tmpdir(), 'mib-store-')))],
  [
    'S3 (s3rver)',
    () =>
      Promise.resolve(
        new S3AssetStore({
          bucket: 'mib-assets',
          prefix: 'assets/',
          region: 'us-east-1',
          endpoint,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        }),
      ),
  ],
];

describe.each(stores)('AssetStore on %s', (_name, open) => {
  it('stores by hash, reads whole and by range, and says what is absent', async () => {
    const store = await open();
    const bytes = new Uint8Array(Buffer.from('glTF asset bytes for the store contract'));
    const hash = sha256Hex(bytes);
    expect(await store.has(hash)).toBe(false);
    expect(await store.read(hash)).toBeUndefined();
    await store.put(hash, bytes);
    await store.put(hash, bytes);
    expect(await store.size(hash)).toBe(bytes.length);
    expect(await readAll((await store.read(hash))!)).toEqual(bytes);
    expect(await readAll((await store.read(hash, { start: 0, end: 3 }))!)).toEqual(bytes.subarray(0, 4));
    await expect(store.put('../escape', bytes)).rejects.toThrow(/not a sha-256 hex hash/);
  });
});
