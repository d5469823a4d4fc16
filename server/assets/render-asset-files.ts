/**
 * What the render page reads under /assets/ while it draws a world's scene, answered from this server's
 * own data (no network): an asset's metadata (GET /assets/{hash}) and stored files by hash.
 */
import type { AssetFiles, AssetStore } from '../../asset-pipeline/index.js';
import type { AssetJobsRepository } from './asset-jobs-repository.js';
import type { AssetsService } from './assets-service.js';

const HASH = /^[0-9a-f]{64}$/;

export function renderAssetFiles(
  assets: AssetsService,
  jobs: AssetJobsRepository,
  store: AssetStore,
): AssetFiles {
  return async (pathname) => {
    const parts = pathname.split('/').filter(Boolean); // ['assets', hash] or ['assets', 'files', hash]
    const hash = parts.at(-1) ?? '';
    if (!HASH.test(hash)) return undefined;
    if (parts.length === 2) {
      const asset = await assets.asset(hash).catch(() => undefined);
      return asset
        ? { status: 200, contentType: 'application/json', body: Buffer.from(JSON.stringify(asset)) }
        : undefined;
    }
    if (parts.length !== 3 || parts[1] !== 'files') return undefined;
    const file = await jobs.file(hash);
    const stream = file ? await store.read(hash) : undefined;
    if (!file || !stream) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    return { status: 200, contentType: file.mediaType, body: Buffer.concat(chunks) };
  };
}
