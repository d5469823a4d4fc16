/**
 * npm run bench:assets — our pipeline vs the standard tool (`gltf-transform optimize`, its defaults) on
 * the same inputs in the same run: the CC0 models of @pmndrs/assets and generated ones (textured mesh-heavy
 * scene, many instances, skinned animated avatar). Last line: one JSON object with the figures.
 * Ours uses the "scene" profile with KTX2 (the profile allows it) and no LODs (LOD0 is what is compared).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { ssim } from 'ssim.js';
import {
  AssetRejectedError,
  DEFAULT_INGEST_LIMITS,
  gltfIO,
  measureDocument,
  openChromiumRenderer,
  processAsset,
  validateDecoded,
  type GltfRenderer,
} from '../../asset-pipeline/index.js';
import { generatedModels, pmndrsModels } from './sample-models.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
// The package exports only its API; its bin sits beside the resolved entry's dist/ folder.
const CLI = path.join(path.dirname(require.resolve('@gltf-transform/cli')), '..', 'bin', 'cli.js');

interface ModelFigures {
  model: string;
  inputBytes: number;
  ourBytes: number;
  baselineBytes: number;
  sizeRatio: number;
  ourMs: number;
  baselineMs: number;
  ourGpuTextureBytes: number;
  baselineGpuTextureBytes: number;
  validatorErrors: number;
  ssim: number;
}

/** Side of the comparison renders, in pixels. */
const COMPARE_PX = 512;

/** Structural similarity of the original and our output, rendered from the same camera. */
async function similarity(renderer: GltfRenderer, original: Uint8Array, ours: Uint8Array): Promise<number> {
  const before = await renderer.render(original, { size: COMPARE_PX });
  const after = await renderer.render(ours, { size: COMPARE_PX, camera: before.camera });
  const decode = async (png: Uint8Array) => {
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8ClampedArray(data), width: info.width, height: info.height };
  };
  return ssim(await decode(before.png), await decode(after.png)).mssim;
}

async function validatorErrors(glb: Uint8Array): Promise<number> {
  const io = await gltfIO();
  try {
    await validateDecoded(await io.readBinary(glb), undefined, DEFAULT_INGEST_LIMITS.maxImagePixels);
    return 0;
  } catch (error) {
    if (error instanceof AssetRejectedError) return error.problems.length;
    throw error;
  }
}

async function main(): Promise<void> {
  const directory = await mkdtemp(path.join(tmpdir(), 'mib-bench-assets-'));
  const models = [...(await pmndrsModels()), ...(await generatedModels())];
  const io = await gltfIO();
  const perModel: ModelFigures[] = [];
  const opened = await openChromiumRenderer({
    pageDir: path.resolve('dist/client'),
    chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  });
  if ('unavailable' in opened)
    throw new Error(`bench:assets needs the renderer for ssim: ${opened.unavailable}`);
  try {
    for (const model of models) {
      const input = path.join(directory, `${model.name}.glb`);
      const output = path.join(directory, `${model.name}.baseline.glb`);
      await writeFile(input, model.glb);
      let started = performance.now();
      const ours = await processAsset(model.glb, { profile: 'scene', ktx2: true, lodRatios: [] });
      const ourMs = performance.now() - started;
      started = performance.now();
      await run(process.execPath, [CLI, 'optimize', input, output], { maxBuffer: 16 * 1024 * 1024 });
      const baselineMs = performance.now() - started;
      const baseline = new Uint8Array(await readFile(output));
      const baselineGpu = measureDocument(await io.readBinary(baseline)).gpuTextureBytes;
      const figures = {
        model: model.name,
        inputBytes: model.glb.length,
        ourBytes: ours.glb.length,
        baselineBytes: baseline.length,
        sizeRatio: round(ours.glb.length / baseline.length),
        ourMs: Math.round(ourMs),
        baselineMs: Math.round(baselineMs),
        ourGpuTextureBytes: ours.report.output.measures.gpuTextureBytes,
        baselineGpuTextureBytes: baselineGpu,
        validatorErrors: await validatorErrors(ours.glb),
        ssim: round(await similarity(opened, model.glb, ours.glb)),
      };
      perModel.push(figures);
      console.log(JSON.stringify(figures));
    }
  } finally {
    await opened.close();
    await rm(directory, { recursive: true, force: true });
  }
  const sum = (key: keyof ModelFigures) => perModel.reduce((total, model) => total + Number(model[key]), 0);
  const textured = perModel.filter((model) => model.baselineGpuTextureBytes > 0);
  console.log(
    JSON.stringify({
      models: perModel.length,
      ourBytes: sum('ourBytes'),
      baselineBytes: sum('baselineBytes'),
      sizeRatio: round(sum('ourBytes') / sum('baselineBytes')),
      sizeRatioMax: Math.max(...perModel.map((model) => model.sizeRatio)),
      ourMs: sum('ourMs'),
      baselineMs: sum('baselineMs'),
      timeRatio: round(sum('ourMs') / sum('baselineMs')),
      validatorErrors: sum('validatorErrors'),
      ssimMin: Math.min(...perModel.map((model) => model.ssim)),
      gpuTextureRatio: round(
        textured.reduce((total, model) => total + model.ourGpuTextureBytes, 0) /
          textured.reduce((total, model) => total + model.baselineGpuTextureBytes, 0),
      ),
      perModel,
    }),
  );
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
