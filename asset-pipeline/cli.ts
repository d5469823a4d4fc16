#!/usr/bin/env node
/**
 * mib-assets — the asset pipeline on the command line.
 *   mib-assets optimize <in> <out.glb> --profile prop [--ktx2] [--draco] [--fit] [--no-lods]
 *   mib-assets inspect <file>
 * Exit code 0 on success, 1 when the asset is rejected (the reasons are printed), 2 on a usage error.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { AssetRejectedError } from './errors.js';
import { gltfIO } from './gltf-io.js';
import { DEFAULT_INGEST_LIMITS } from './ingest/ingest-limits.js';
import { ingestUpload } from './ingest/read-upload.js';
import { measureDocument } from './measure-document.js';
import { processAsset } from './process-asset.js';
import { DEFAULT_BUDGETS, PROFILE_NAMES, isProfileName, parseBudgetOverrides } from './profiles.js';
import { validateGltf } from './validate-gltf.js';

const USAGE = `usage:
  mib-assets optimize <input.glb|.gltf|.zip> <output.glb> --profile <${PROFILE_NAMES.join('|')}> [--ktx2] [--draco] [--fit] [--no-lods]
  mib-assets inspect <file.glb|.gltf|.zip>
Budgets come from the profile; override them with ASSET_BUDGETS='{"prop":{"triangles":50000}}'.`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      profile: { type: 'string' },
      ktx2: { type: 'boolean', default: false },
      draco: { type: 'boolean', default: false },
      fit: { type: 'boolean', default: false },
      'no-lods': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, input, output] = positionals;
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
  const upload = await readInput(input);
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

function inputFigure(measures: Record<string, unknown>, limit: string, bytes: number): number | string {
  if (limit === 'fileBytes') return bytes;
  const value = measures[limit];
  return typeof value === 'number' ? value : '';
}

async function inspect(file: string): Promise<number> {
  const upload = await readInput(file);
  const ingested = await ingestUpload(upload, DEFAULT_INGEST_LIMITS);
  const validation = await validateGltf(ingested, DEFAULT_INGEST_LIMITS.maxImagePixels);
  const io = await gltfIO();
  const document =
    ingested.format === 'glb' && ingested.resources.size === 0
      ? await io.readBinary(ingested.main)
      : await io.readJSON({
          json: ingested.json as never,
          resources: Object.fromEntries(ingested.resources) as never,
        });
  const measures = measureDocument(document);
  console.log(
    `${file}: ${ingested.format.toUpperCase()}, ${upload.length} bytes, valid (glTF validator ${validation.validatorVersion})`,
  );
  console.table({ ...measures, jointNames: measures.jointNames.length });
  console.log('fits profiles:');
  console.table(
    Object.fromEntries(
      PROFILE_NAMES.map((profile) => {
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

async function readInput(file: string): Promise<Uint8Array> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new UsageError(`cannot read ${file}: no such file`);
  }
  const cap = DEFAULT_BUDGETS.scene.fileBytes * 4;
  if (size > cap)
    throw new AssetRejectedError([
      { code: 'FILE_TOO_LARGE', message: `${file} is ${size} bytes, over the ${cap}-byte upload cap` },
    ]);
  return new Uint8Array(await readFile(file));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      if (error.message) console.error(`mib-assets: ${error.message}`);
      console.error(USAGE);
      process.exit(2);
    }
    if (error instanceof AssetRejectedError) {
      console.error('mib-assets: rejected:');
      for (const problem of error.problems) console.error(`  - ${problem.code}: ${problem.message}`);
      process.exit(1);
    }
    console.error(`mib-assets: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
