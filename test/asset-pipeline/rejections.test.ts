/**
 * Every bad upload the issue names is refused with a clear message — and refused early: nothing is
 * fetched, nothing huge is inflated or decoded.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AssetRejectedError,
  DEFAULT_INGEST_LIMITS,
  processAsset,
  processInWorker,
  type AssetProblem,
} from '../../asset-pipeline/index.js';
import { pmndrsModels } from '../../bench/assets/sample-models.js';
import {
  jsonBytes,
  pngClaiming,
  texturedTriangleZip,
  triangleBin,
  triangleGltf,
  zip,
  zipBomb,
} from '../../bench/shared/bad-uploads.js';
import { rejectionOf } from '../helpers/asset-rejections.js';

const problemsOf = (upload: Uint8Array, limits = DEFAULT_INGEST_LIMITS): Promise<AssetProblem[]> =>
  rejectionOf(upload, { profile: 'prop', limits });

let bunny: Uint8Array;
let probe: Server;
let probeUrl: string;
let probeHits = 0;

beforeAll(async () => {
  bunny = (await pmndrsModels())[0]!.glb;
  probe = createServer((_request, response) => {
    probeHits += 1;
    response.end('nope');
  });
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
});

afterAll(() => {
  probe.close();
});

describe('asset pipeline refuses bad uploads', () => {
  it('refuses a 0-byte file', async () => {
    const [problem] = await problemsOf(new Uint8Array());
    expect(problem).toMatchObject({ code: 'EMPTY_FILE' });
    expect(problem!.message).toMatch(/empty \(0 bytes\)/);
  });

  it('refuses a file with the wrong magic (a PNG renamed to .glb)', async () => {
    const png = await pngClaiming(4, 4);
    const [problem] = await problemsOf(png);
    expect(problem).toMatchObject({ code: 'UNKNOWN_FORMAT' });
    expect(problem!.message).toMatch(/upload a \.glb/);
  });

  it('refuses a truncated GLB, naming declared and actual sizes', async () => {
    const [problem] = await problemsOf(bunny.subarray(0, bunny.length - 1000));
    expect(problem).toMatchObject({ code: 'GLB_TRUNCATED' });
    expect(problem!.message).toContain(
      `declares ${bunny.length} bytes but the file has ${bunny.length - 1000}`,
    );
  });

  it('refuses invalid JSON with the parser position', async () => {
    const [problem] = await problemsOf(new TextEncoder().encode('{"asset": {"version": "2.0"}, "nodes": [ '));
    expect(problem).toMatchObject({ code: 'INVALID_JSON' });
    expect(problem!.message).toMatch(/not valid JSON/);
  });

  it('refuses absurd accessor counts with the validator message and JSON pointer', async () => {
    const gltf = triangleGltf();
    (gltf.accessors as { count: number }[])[0]!.count = 2_000_000_000;
    const problems = await problemsOf(jsonBytes(gltf));
    const tooLong = problems.find((problem) => problem.pointer?.startsWith('/accessors/0'));
    expect(tooLong).toBeDefined();
    expect(tooLong!.message).toMatch(/^glTF validator: /);
  });

  it('refuses a texture whose header declares a decompression bomb, before decoding it', async () => {
    const problems = await problemsOf(texturedTriangleZip(await pngClaiming(40_000, 40_000)));
    expect(problems[0]).toMatchObject({
      code: 'TEXTURE_TOO_MANY_PIXELS',
      pointer: '/images/0',
      measured: 1_600_000_000,
    });
    expect(problems[0]!.message).toMatch(/40000×40000 px/);
  });

  it('refuses an upload whose processing needs more memory than a job may use, and only that job ends', async () => {
    // Found by bench:security (uploads): 11 MB of glTF with a million nodes took the validator ~1 GB.
    const gltf = triangleGltf();
    gltf.nodes = Array.from({ length: 1_000_000 }, () => ({ mesh: 7 }));
    const refusal = await processInWorker(jsonBytes(gltf), { profile: 'scene' }).catch(
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(AssetRejectedError);
    expect((refusal as AssetRejectedError).problems[0]).toMatchObject({
      code: 'TOO_MUCH_MEMORY',
      allowed: 384,
    });
    // The next job runs as before.
    const fine = await processInWorker(jsonBytes(triangleGltf()), { profile: 'scene' });
    expect(fine.report).toBeDefined();
  });

  it('refuses a zip bomb while inflating it', async () => {
    const bomb = zipBomb(64);
    expect(bomb.length).toBeLessThan(200_000);
    const limits = { ...DEFAULT_INGEST_LIMITS, maxUnzippedBytes: 8 * 1024 * 1024 };
    const [problem] = await problemsOf(bomb, limits);
    expect(problem).toMatchObject({ code: 'ZIP_TOO_LARGE_UNPACKED' });
  });

  it('refuses a zip bomb whose headers lie about the inflated size', async () => {
    const bomb = Buffer.from(zipBomb(64));
    // Rewrite every declared uncompressed size (local header @22, central directory @24) to 1 KB.
    for (let offset = 0; offset < bomb.length - 4; offset += 1) {
      const signature = bomb.readUInt32LE(offset);
      if (signature === 0x04034b50) bomb.writeUInt32LE(1024, offset + 22);
      if (signature === 0x02014b50) bomb.writeUInt32LE(1024, offset + 24);
    }
    const limits = { ...DEFAULT_INGEST_LIMITS, maxUnzippedBytes: 8 * 1024 * 1024 };
    const [problem] = await problemsOf(new Uint8Array(bomb), limits);
    expect(['ZIP_TOO_LARGE_UNPACKED', 'ZIP_INVALID']).toContain(problem!.code);
  });

  it('refuses zip entries with ../ paths', async () => {
    const upload = zip({
      'model.gltf': jsonBytes(triangleGltf('tri.bin')),
      'tri.bin': triangleBin(),
      '../../etc/evil.bin': triangleBin(),
    });
    const [problem] = await problemsOf(upload);
    expect(problem).toMatchObject({ code: 'ZIP_PATH_ESCAPE' });
  });

  it('refuses glTF URIs that climb out of the upload', async () => {
    const upload = zip({
      'model/model.gltf': jsonBytes(triangleGltf('../../secret.bin')),
      'model/tri.bin': triangleBin(),
    });
    const [problem] = await problemsOf(upload);
    expect(problem).toMatchObject({ code: 'URI_PATH_ESCAPE', pointer: '/buffers/0/uri' });
  });

  it.each(['http', 'https', 'file'])('refuses %s:// URIs and never fetches them', async (scheme) => {
    const uri = scheme === 'file' ? 'file:///etc/passwd' : `${probeUrl.replace('http', scheme)}/tri.bin`;
    const [problem] = await problemsOf(jsonBytes(triangleGltf(uri)));
    expect(problem).toMatchObject({ code: 'EXTERNAL_URI', pointer: '/buffers/0/uri' });
    expect(problem!.message).toMatch(/never fetched/);
    expect(probeHits).toBe(0);
  });

  it('refuses data URIs over the cap', async () => {
    const big = `data:application/octet-stream;base64,${Buffer.alloc(DEFAULT_INGEST_LIMITS.maxDataUriBytes + 3).toString('base64')}`;
    const [problem] = await problemsOf(jsonBytes(triangleGltf(big)));
    expect(problem).toMatchObject({ code: 'DATA_URI_TOO_LARGE', pointer: '/buffers/0/uri' });
  });

  it('refuses a .gltf whose files were not uploaded with it', async () => {
    const [problem] = await problemsOf(jsonBytes(triangleGltf('tri.bin')));
    expect(problem).toMatchObject({ code: 'MISSING_RESOURCE' });
    expect(problem!.message).toMatch(/upload a \.zip with the \.gltf/);
  });

  it('accepts the same .gltf when its files come with it in a zip', async () => {
    const upload = zip({
      'scene/model.gltf': jsonBytes(triangleGltf('tri.bin')),
      'scene/tri.bin': triangleBin(),
    });
    const result = await processAsset(upload, { profile: 'prop', lodRatios: [] });
    expect(result.report.input).toMatchObject({ format: 'gltf', fromZip: true });
    expect(result.report.output.measures.triangles).toBe(1);
  });
});
