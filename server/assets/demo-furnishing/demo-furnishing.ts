/**
 * Furnishes a new installation's demo world: the plaza's furniture (made in code, furniture-models.ts) goes
 * through the asset pipeline as a prop upload would — validated, optimized, levels of detail — and its
 * files are stored and recorded like any asset (no account made them). Runs once, on the start that seeds
 * the demo world; the scene then names the assets by hash.
 *
 * The pipeline's outputs are kept in a cache outside the installation (by default
 * ~/.cache/metaverse-in-a-box/demo-furnishing), keyed by the model's bytes and the pipeline's options, so
 * the next new installation on this machine (every test server is one) copies them instead of optimizing
 * again. Every cached file is checked against its hash before use; a damaged cache is rebuilt.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import {
  processInWorker,
  sha256Hex,
  type AssetReport,
  type AssetStore,
  type Budget,
} from '../../../asset-pipeline/index.js';
import { machineCachePath } from '../../config/machine-cache.js';
import type { Kysely } from 'kysely';
import {
  DEMO_FURNITURE,
  demoWorldSeeded,
  seedDemoWorld,
  type Database,
  type DemoFurniture,
  type DemoFurnitureName,
  type WorldsRepository,
} from '../../db/index.js';
import type { AssetJobsRepository, StoredFile } from '../asset-jobs-repository.js';
import { furnitureGlb } from './furniture-models.js';

/** Bump when the stored form of a cache entry changes. */
const CACHE_FORMAT = 1;
const SKIPPED_THUMBNAIL = 'made in code for the demo world; no thumbnail rendered';

export interface FurnishingDeps {
  store: AssetStore;
  jobs: AssetJobsRepository;
  /** The operator's budget for props (the furniture is fitted to it like any prop). */
  budget: Budget;
  logger: Logger;
  /** Where processed furniture is kept between installations; null = no cache. */
  cacheDir?: string | null;
}

interface Processed {
  report: AssetReport;
  files: { hash: string; mediaType: string; bytes: Uint8Array }[];
}

/** The default cache folder: beside the embedded LiveKit's, outside any checkout or data directory. */
export function defaultFurnishingCache(env: NodeJS.ProcessEnv = process.env): string {
  return machineCachePath('demo-furnishing', env);
}

/**
 * Seeds the demo world (db/seed.ts), furnished when it is new: its furniture is processed (or taken from
 * the cache) first. If that fails the plaza is seeded bare (logged), so the server starts anyway; a world
 * seeded before is left as it is, with no processing.
 */
export async function seedFurnishedDemoWorld(
  db: Kysely<Database>,
  worlds: WorldsRepository,
  deps: FurnishingDeps,
): Promise<void> {
  const furniture = (await demoWorldSeeded(db))
    ? undefined
    : await furnishDemoWorld(deps).catch((error: unknown) => {
        deps.logger.warn(
          { err: error },
          'the demo world is seeded without its furniture: processing it failed',
        );
        return undefined;
      });
  await seedDemoWorld(db, worlds, furniture);
}

/** Processes (or takes from the cache), stores and records each piece; resolves with their asset hashes. */
export async function furnishDemoWorld(deps: FurnishingDeps): Promise<DemoFurniture> {
  const started = Date.now();
  const hashes: Partial<Record<DemoFurnitureName, string>> = {};
  let cached = 0;
  for (const name of DEMO_FURNITURE) {
    const source = await furnitureGlb(name);
    const key = createHash('sha256')
      .update(`${CACHE_FORMAT}\n${JSON.stringify(deps.budget)}\n`)
      .update(source)
      .digest('hex')
      .slice(0, 32);
    const fromCache = deps.cacheDir ? await readCached(deps.cacheDir, key) : undefined;
    const processed = fromCache ?? (await processPiece(source, deps.budget));
    if (fromCache) cached++;
    else if (deps.cacheDir) await writeCached(deps.cacheDir, key, processed, deps.logger);
    for (const file of processed.files) await deps.store.put(file.hash, file.bytes);
    const stored: StoredFile[] = processed.files.map((file) => ({
      hash: file.hash,
      mediaType: file.mediaType,
      bytes: file.bytes.length,
    }));
    await deps.jobs.recordAsset(stored, processed.report, null);
    hashes[name] = processed.report.hash;
  }
  deps.logger.info(
    { pieces: DEMO_FURNITURE.length, fromCache: cached, ms: Date.now() - started },
    'demo world furnished',
  );
  return hashes as DemoFurniture;
}

async function processPiece(source: Uint8Array, budget: Budget): Promise<Processed> {
  const result = await processInWorker(source, { profile: 'prop', budget });
  result.report.thumbnail = { skipped: SKIPPED_THUMBNAIL };
  return {
    report: result.report,
    files: [
      { hash: result.report.hash, mediaType: 'model/gltf-binary', bytes: result.glb },
      ...result.lods.map((lod) => ({
        hash: sha256Hex(lod.glb),
        mediaType: 'model/gltf-binary',
        bytes: lod.glb,
      })),
    ],
  };
}

interface CacheIndex {
  report: AssetReport;
  files: { hash: string; mediaType: string }[];
}

async function readCached(dir: string, key: string): Promise<Processed | undefined> {
  try {
    const index = JSON.parse(await readFile(path.join(dir, key, 'index.json'), 'utf8')) as CacheIndex;
    const files = await Promise.all(
      index.files.map(async (file) => {
        const bytes = new Uint8Array(await readFile(path.join(dir, key, file.hash)));
        if (sha256Hex(bytes) !== file.hash) throw new Error('damaged');
        return { ...file, bytes };
      }),
    );
    if (files[0]?.hash !== index.report.hash) return undefined;
    return { report: index.report, files };
  } catch {
    return undefined; // absent or damaged: processed again and written anew
  }
}

async function writeCached(dir: string, key: string, processed: Processed, logger: Logger): Promise<void> {
  // Written whole under a temporary name, then renamed: a reader never sees half an entry.
  const temporary = path.join(dir, `${key}.${process.pid}.${Date.now()}.tmp`);
  try {
    await mkdir(temporary, { recursive: true });
    for (const file of processed.files) await writeFile(path.join(temporary, file.hash), file.bytes);
    const index: CacheIndex = {
      report: processed.report,
      files: processed.files.map(({ hash, mediaType }) => ({ hash, mediaType })),
    };
    await writeFile(path.join(temporary, 'index.json'), JSON.stringify(index));
    await rm(path.join(dir, key), { recursive: true, force: true });
    await rename(temporary, path.join(dir, key));
  } catch (error) {
    // Another server wrote the same entry first, or the folder is read-only: the next start processes again.
    await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
    logger.debug({ err: error, dir }, 'demo furnishing not cached');
  }
}
