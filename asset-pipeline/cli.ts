#!/usr/bin/env node
/**
 * mib-assets — the asset pipeline on the command line.
 *   mib-assets optimize <in> <out.glb> --profile prop [--ktx2] [--draco] [--fit] [--no-lods]
 *   mib-assets optimize <in.exr|.hdr> <out.exr> --profile environment [--fit]
 *   mib-assets inspect <file>
 * A .gltf's buffers and images are read from beside it. Exit code 0 on success, 1 when the asset is
 * rejected (the reasons are printed), 2 on a usage error. --debug adds an internal fault's raw error.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { AssetPipelineFault, AssetRejectedError } from './errors.js';
import { DEFAULT_INGEST_LIMITS } from './ingest/ingest-limits.js';
import { ingestUpload, looksLikeJson } from './ingest/read-upload.js';
import { localResourcePaths } from './ingest/resource-uris.js';
import { measureDocument } from './measure-document.js';
import { formatOf, headerSize } from './environment/hdr-image.js';
import { processEnvironment } from './environment/process-environment.js';
import { processAsset } from './process-asset.js';
import { DEFAULT_BUDGETS, PROFILE_NAMES, isProfileName, parseBudgetOverrides } from './profiles.js';
import { readDocument } from './read-document.js';
import { validateGltf } from './validate-gltf.js';

const USAGE = `usage:
  mib-assets optimize <input.glb|.gltf|.zip> <output.glb> --profile <${PROFILE_NAMES.join('|')}> [--ktx2] [--draco] [--fit] [--no-lods]
  mib-assets optimize <input.exr|.hdr> <output.exr> --profile environment [--fit]
  mib-assets inspect <file.glb|.gltf|.zip>
A .gltf's .bin and image files are read from beside it. --debug prints the raw error of an internal fault.
Budgets come from the profile; override them with ASSET_BUDGETS='{"prop":{"triangles":50000}}'.`;

class UsageError extends Error {}

/** --debug: print an internal fault's raw error (for a bug report). */
let debug = false;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  const [command, input, output] = positionals;
  debug = values.debug;
  if (values.help || !command) throw new UsageError('');
  if (command === 'inspect') {
    if (!input) throw new UsageError('inspect needs a file');
    return inspect(input);
  }
  if (command !== 'optimize') throw new UsageError(`unknown command "${command}"`);
  if (!input || !output) throw new UsageError('optimize needs an input and an output file');
  if (!isProfileName(values.profile)) {
    throw new UsageError(
      `--profile must be one of ${PROFILE_NAMES.join(', ')} (got ${values.profile ?? 'nothing'})`,
    );
  }
  const budgets = parseBudgetOverrides(process.env.ASSET_BUDGETS);
  const { upload, neighbours } = await readInput(input);
  if (values.profile === 'environment')
    return optimizeEnvironment(input, output, upload, {
      profile: 'environment',
      budget: budgets.environment,
      fit: values.fit,
    });
  const bar = new SingleBar(
    { format: ' {bar} {percentage}% | {stage}', hideCursor: true, stream: process.stderr },
    Presets.shades_classic,
  );
  bar.start(100, 0, { stage: 'ingest' });
  let result;
  try {
    result = await processAsset(upload, {
      profile: values.profile,
      budget: budgets[values.profile],
      neighbours,
      ktx2: values.ktx2,
      geometry: values.draco ? 'draco' : 'meshopt',
      fit: values.fit,
      ...(values['no-lods'] ? { lodRatios: [] } : {}),
      onProgress: ({ stage, percent }) => bar.update(percent, { stage }),
      thumbnailSkippedReason:
        'the CLI does not render thumbnails (the server does, where Chromium is installed)',
    });
    bar.update(100, { stage: 'done' });
  } finally {
    bar.stop();
  }
  await writeFile(output, result.glb);
  const base = output.replace(/\.glb$/i, '');
  for (const lod of result.lods) await writeFile(`${base}.lod${lod.level}.glb`, lod.glb);
  const { report } = result;
  console.log(`${path.basename(input)} → ${output} (profile ${report.profile}, sha-256 ${report.hash})`);
  console.table(
    report.budget.map((check) => ({
      limit: check.limit,
      input: inputFigure(
        report.input.measures as unknown as Record<string, unknown>,
        check.limit,
        report.input.bytes,
      ),
      output: check.measured,
      allowed: check.allowed,
      ok: check.ok ? 'yes' : 'NO',
    })),
  );
  for (const lod of report.lods)
    console.log(
      `LOD${lod.level}: ${lod.triangles} triangles, ${lod.bytes} bytes → ${base}.lod${lod.level}.glb`,
    );
  for (const warning of report.warnings)
    console.log(
      `warning ${warning.code}: ${warning.message}${warning.pointer ? ` (${warning.pointer})` : ''}`,
    );
  return 0;
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        ktx2: { type: 'boolean', default: false },
        draco: { type: 'boolean', default: false },
        fit: { type: 'boolean', default: false },
        'no-lods': { type: 'boolean', default: false },
        debug: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    // Node's own words name the option, e.g. "Unknown option '--ktx'".
    throw new UsageError((error as Error).message);
  }
}

function inputFigure(measures: Record<string, unknown>, limit: string, bytes: number): number | string {
  if (limit === 'fileBytes') return bytes;
  const value = measures[limit];
  return typeof value === 'number' ? value : '';
}

async function inspect(file: string): Promise<number> {
  const { upload, neighbours } = await readInput(file);
  const hdr = formatOf(upload);
  if (hdr) {
    const { width, height } = headerSize(upload, hdr);
    console.log(
      `${file}: ${hdr === 'exr' ? 'OpenEXR' : 'Radiance'} HDR image, ${width} × ${height}, ${upload.length} bytes — an environment: optimize it with --profile environment (--fit to shrink it to the budget)`,
    );
    return 0;
  }
  const ingested = await ingestUpload(upload, DEFAULT_INGEST_LIMITS, neighbours);
  const validation = await validateGltf(ingested, DEFAULT_INGEST_LIMITS.maxImagePixels);
  const document = await readDocument(ingested);
  let measures;
  try {
    measures = measureDocument(document);
  } catch (error) {
    throw AssetPipelineFault.of('measured the model', error);
  }
  console.log(
    `${file}: ${ingested.format.toUpperCase()}, ${upload.length} bytes, valid (glTF validator ${validation.validatorVersion})`,
  );
  console.table({ ...measures, jointNames: measures.jointNames.length });
  console.log('fits profiles:');
  console.table(
    Object.fromEntries(
      PROFILE_NAMES.filter((profile) => profile !== 'environment').map((profile) => {
        const budget = DEFAULT_BUDGETS[profile];
        return [
          profile,
          {
            triangles: measures.triangles <= budget.triangles ? 'yes' : 'no',
            materials: measures.materials <= budget.materials ? 'yes' : 'no',
            textures: measures.textures <= budget.textures ? 'yes' : 'no',
          },
        ];
      }),
    ),
  );
  for (const warning of validation.warnings)
    console.log(
      `warning ${warning.code}: ${warning.message}${warning.pointer ? ` (${warning.pointer})` : ''}`,
    );
  return 0;
}

/** An HDR panorama → its EXR at `output` and its preview beside it (`<output>.preview.png`). */
async function optimizeEnvironment(
  input: string,
  output: string,
  upload: Uint8Array,
  options: Parameters<typeof processEnvironment>[1],
): Promise<number> {
  const { file, thumbnail, report } = await processEnvironment(upload, options);
  await writeFile(output, file);
  await writeFile(`${output.replace(/\.exr$/i, '')}.preview.png`, thumbnail);
  const environment = report.environment!;
  console.log(`${path.basename(input)} → ${output} (profile environment, sha-256 ${report.hash})`);
  console.table({
    format: environment.format,
    input: `${environment.input.width} × ${environment.input.height}, ${report.input.bytes} bytes`,
    output: `${environment.output.width} × ${environment.output.height}, ${report.output.bytes} bytes (${environment.written})`,
    peakLuminance: environment.peakLuminance,
    meanLuminance: environment.meanLuminance,
    brightestDirection: environment.brightestDirection.join(', '),
  });
  for (const warning of report.warnings) console.log(`warning ${warning.code}: ${warning.message}`);
  return 0;
}

/** Largest input, the files beside a .gltf included. */
const INPUT_CAP_BYTES = DEFAULT_BUDGETS.scene.fileBytes * 4;

/** The file, and for a .gltf the files its `uri`s name beside it (those missing are named by ingest). */
async function readInput(file: string): Promise<{ upload: Uint8Array; neighbours: Map<string, Uint8Array> }> {
  let total = await sizeOf(file, 0);
  if (total === undefined) throw new UsageError(`cannot read ${file}: no such file`);
  const upload = new Uint8Array(await readFile(file));
  const neighbours = new Map<string, Uint8Array>();
  if (!looksLikeJson(upload)) return { upload, neighbours }; // a .glb or a .zip
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(upload).replace(/^\uFEFF/, ''));
  } catch {
    return { upload, neighbours }; // broken JSON: ingest names it
  }
  if (typeof json !== 'object' || json === null) return { upload, neighbours };
  for (const relative of localResourcePaths(json)) {
    const beside = path.join(path.dirname(file), ...relative.split('/'));
    const size = await sizeOf(beside, total);
    if (size === undefined) continue;
    total += size;
    neighbours.set(relative, new Uint8Array(await readFile(beside)));
  }
  return { upload, neighbours };
}

/** A regular file's size (undefined when there is none); refuses inputs over the cap, `before` counted. */
async function sizeOf(file: string, before: number): Promise<number | undefined> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return undefined;
    size = info.size;
  } catch {
    return undefined;
  }
  if (before + size > INPUT_CAP_BYTES)
    throw new AssetRejectedError([
      {
        code: 'FILE_TOO_LARGE',
        message: `${file} brings the input to ${before + size} bytes, over the ${INPUT_CAP_BYTES}-byte cap; reduce the model or its textures`,
      },
    ]);
  return size;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      if (error.message) console.error(`mib-assets: ${error.message}`);
      console.error(USAGE);
      process.exit(2);
    }
    const refusal = error instanceof AssetRejectedError ? error : AssetPipelineFault.of('ran', error);
    console.error('mib-assets: rejected:');
    for (const problem of refusal.problems)
      console.error(
        `  - ${problem.code}: ${problem.message}${problem.pointer ? ` (at ${problem.pointer})` : ''}`,
      );
    if (refusal instanceof AssetPipelineFault)
      console.error(debug ? refusal.detail : '  (run again with --debug to print the internal error)');
    process.exit(1);
  },
);
