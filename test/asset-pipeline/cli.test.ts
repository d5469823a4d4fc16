/** The mib-assets CLI as a user runs it (the built script): optimize, inspect, rejections, usage errors. */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { radianceHdr } from '../../bench/assets/hdr-environments.js';
import { pmndrsModels } from '../../bench/assets/sample-models.js';
import { gltfWithNeighbours } from '../helpers/gltf-corpus.js';
import { tempDir } from '../helpers/server-process.js';

const CLI = path.resolve('dist/asset-pipeline/cli.js');
let directory: string;
let input: string;

async function mibAssets(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

beforeAll(async () => {
  directory = await tempDir('mib-cli-');
  input = path.join(directory, 'suzi.glb');
  await writeFile(input, (await pmndrsModels())[1]!.glb);
});

describe('mib-assets', () => {
  it('optimizes a model into the output, its LODs and a budget table', async () => {
    const output = path.join(directory, 'out.glb');
    const result = await mibAssets('optimize', input, output, '--profile', 'prop');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/suzi\.glb → .*out\.glb \(profile prop, sha-256 [0-9a-f]{64}\)/);
    expect(result.stdout).toMatch(/triangles/);
    expect(new TextDecoder().decode((await readFile(output)).subarray(0, 4))).toBe('glTF');
    expect((await stat(path.join(directory, 'out.lod1.glb'))).size).toBeGreaterThan(0);
  });

  it('optimizes an HDR panorama as an environment, with its preview, and says what an HDR image is', async () => {
    const hdr = path.join(directory, 'sky.hdr');
    await writeFile(hdr, radianceHdr(2560, 1280));
    const output = path.join(directory, 'sky.exr');
    const result = await mibAssets('optimize', hdr, output, '--profile', 'environment', '--fit');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/sky\.hdr → .*sky\.exr \(profile environment, sha-256 [0-9a-f]{64}\)/);
    expect(result.stdout).toMatch(/2048 × 1024, \d+ bytes \(encoded\)/);
    expect((await readFile(output)).readUInt32LE(0)).toBe(0x01312f76); // the EXR magic number
    expect((await readFile(path.join(directory, 'sky.preview.png'))).subarray(1, 4).toString()).toBe('PNG');
    expect((await mibAssets('inspect', hdr)).stdout).toMatch(
      /Radiance HDR image, 2560 × 1280, .* optimize it with --profile environment/,
    );
    const asModel = await mibAssets('optimize', hdr, path.join(directory, 'sky.glb'), '--profile', 'prop');
    expect(asModel.code).toBe(1);
    expect(asModel.stderr).toMatch(/ENVIRONMENT_NOT_A_MODEL: the upload is an HDR image \(Radiance \.hdr\)/);
  });

  it('inspects a model and says which profiles it fits', async () => {
    const result = await mibAssets('inspect', input);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/GLB, 31340 bytes, valid/);
    expect(result.stdout).toMatch(/wearable/);
  });

  it('exits 1 with the reasons when the model is over budget', async () => {
    const result = await mibAssets(
      'optimize',
      input,
      path.join(directory, 'no.glb'),
      '--profile',
      'wearable',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /OVER_BUDGET: triangles is \d+, over the 5000 allowed for profile "wearable"/,
    );
  });

  it('reads a .gltf with its .bin and textures from beside it, and names one that is missing', async () => {
    const folder = path.join(directory, 'exported');
    await mkdir(path.join(folder, 'textures'), { recursive: true });
    const { gltf, files } = await gltfWithNeighbours();
    await writeFile(path.join(folder, 'quad.gltf'), gltf);
    for (const [name, bytes] of Object.entries(files)) await writeFile(path.join(folder, name), bytes);
    const inspected = await mibAssets('inspect', path.join(folder, 'quad.gltf'));
    expect(inspected).toMatchObject({ code: 0 });
    expect(inspected.stdout).toMatch(/GLTF, \d+ bytes, valid/);
    const optimized = await mibAssets(
      'optimize',
      path.join(folder, 'quad.gltf'),
      path.join(directory, 'quad.glb'),
      '--profile',
      'prop',
      '--no-lods',
    );
    expect(optimized).toMatchObject({ code: 0 });

    await rm(path.join(folder, 'textures', 'gradient map.png'));
    const missing = await mibAssets('inspect', path.join(folder, 'quad.gltf'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/MISSING_RESOURCE: \/images\/0\/uri names "textures\/gradient map\.png"/);
  });

  it('exits 2 on a usage error', async () => {
    const result = await mibAssets('optimize', input, path.join(directory, 'x.glb'), '--profile', 'statue');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--profile must be one of avatar, wearable, prop, hero, scene/);
    const unknown = await mibAssets('inspect', input, '--verbose');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--verbose'/);
  });
});
