/**
 * Loads the scene's models for the player: asset metadata first (to learn its levels of detail), then the
 * GLBs, nearest the visitor first, a few at a time, each file once however many entities use it. Tracks
 * the bytes needed to enter (models near the spawn point) for the loading bar, and each model's state for
 * the HUD and tests. A model that cannot be loaded is reported, not thrown: the world still loads.
 */
import type { WebGLRenderer } from 'three';
import type { GLTF } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { createGltfLoader } from './gltf-loaders.js';

/** Most downloads at once (the browser allows about six per origin; leave room for the API). */
const CONCURRENT_LOADS = 4;

export interface AssetLevel {
  url: string;
  /** Triangles, so the renderer can say how heavy a level is. */
  triangles: number;
}

/** What the player needs of an asset's metadata (GET /assets/{hash}). */
export interface AssetInfo {
  /** Full detail first, then each coarser level. */
  levels: AssetLevel[];
}

export type ModelState = 'loading' | 'loaded' | 'failed';

export interface ModelProgress {
  /** Bytes received and expected (when the server says) for models that must load before entering. */
  neededLoaded: number;
  neededTotal: number;
  /** Models that must load before entering, and how many have settled (loaded or failed). */
  needed: number;
  neededSettled: number;
}

interface Job {
  priority: number;
  run: () => Promise<void>;
}

export class ModelLoads {
  private readonly loader;
  private readonly infos = new Map<string, Promise<AssetInfo>>();
  private readonly files = new Map<string, Promise<GLTF>>();
  private readonly queue: Job[] = [];
  private running = 0;
  constructor(
    renderer: WebGLRenderer,
    /** Written as files arrive (the store's, read by the loading bar). */
    readonly progress: ModelProgress,
  ) {
    this.loader = createGltfLoader(renderer);
  }

  /** The asset's levels (404 → an error naming the hash). Fetched once per hash. */
  info(hash: string): Promise<AssetInfo> {
    let info = this.infos.get(hash);
    if (!info) {
      info = fetch(`/assets/${hash}`).then(async (response) => {
        if (!response.ok)
          throw new Error(
            response.status === 404
              ? `asset ${hash.slice(0, 12)}… is not on this server (deleted, or never uploaded here)`
              : `asset ${hash.slice(0, 12)}… could not be read (HTTP ${response.status})`,
          );
        const body = (await response.json()) as {
          url: string;
          report?: { output?: { measures?: { triangles?: number } } };
          lods?: Array<{ url: string; triangles: number }>;
        };
        return {
          levels: [
            { url: body.url, triangles: body.report?.output?.measures?.triangles ?? 0 },
            ...(body.lods ?? []).map(({ url, triangles }) => ({ url, triangles })),
          ],
        };
      });
      this.infos.set(hash, info);
    }
    return info;
  }

  /**
   * A GLB, loaded after those with a lower `priority` (metres from the visitor), at most a few at once;
   * `needed` counts its bytes toward entering. Each URL is fetched once; callers clone what they get.
   */
  file(url: string, priority: number, needed: boolean): Promise<GLTF> {
    let file = this.files.get(url);
    if (!file) {
      file = new Promise<GLTF>((resolve, reject) => {
        this.enqueue(priority, () => this.fetchFile(url, needed).then(resolve, reject));
      });
      this.files.set(url, file);
    }
    return file;
  }

  /** Counts a model that must settle before the visitor enters (see ModelProgress). */
  need(): () => void {
    this.progress.needed += 1;
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      this.progress.neededSettled += 1;
    };
  }

  private fetchFile(url: string, needed: boolean): Promise<GLTF> {
    let counted = 0;
    let announced = 0;
    return new Promise<GLTF>((resolve, reject) => {
      this.loader.load(
        url,
        resolve,
        (event) => {
          if (!needed) return;
          if (event.lengthComputable && announced === 0) {
            announced = event.total;
            this.progress.neededTotal += event.total;
          }
          this.progress.neededLoaded += event.loaded - counted;
          counted = event.loaded;
        },
        (error) => reject(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  private enqueue(priority: number, run: () => Promise<void>): void {
    this.queue.push({ priority, run });
    this.queue.sort((a, b) => a.priority - b.priority);
    this.pump();
  }

  private pump(): void {
    while (this.running < CONCURRENT_LOADS && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running += 1;
      void job.run().finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }
}
