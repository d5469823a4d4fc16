/**
 * Loads the scene's models for the player: asset metadata first (to learn its levels of detail), then the
 * GLBs, nearest the visitor first, a few at a time, each file once however many entities use it. Counts
 * the bytes needed to enter for the loading bar (EntryProgress): the decoders and the models near the
 * spawn point here, the scene document in scene-loader.ts. A model that cannot be loaded is reported, not
 * thrown: the world still loads.
 */
import type { WebGLRenderer } from 'three';
import type { GLTF, GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { DECODER_FILES, type Decoder } from './decoder-files.js';

/** Most downloads at once (the browser allows about six per origin; leave room for the API). */
const CONCURRENT_LOADS = 4;

export interface AssetLevel {
  url: string;
  /** Size of the GLB. */
  bytes: number;
  /** Triangles, so the renderer can say how heavy a level is. */
  triangles: number;
}

/** What the player needs of an asset's metadata (GET /assets/{hash}). */
export interface AssetInfo {
  /** Full detail first, then each coarser level. */
  levels: AssetLevel[];
  /** Decoders its files need besides meshopt (which is part of the player's own code). */
  decoders: Decoder[];
}

export type ModelState = 'loading' | 'loaded' | 'failed';

/**
 * The bytes needed to enter: the scene document, the decoders its near models need, and those models'
 * first (coarsest) levels. `total` grows as each part becomes known; the bar shows loaded / total.
 */
export interface EntryProgress {
  loaded: number;
  total: number;
  /** Models that must load before entering; how many have their bytes in `total`; how many settled. */
  needed: number;
  neededSized: number;
  neededSettled: number;
}

/** A model that must load before entering: say when its bytes are counted, and when it is done. */
export interface NeededModel {
  sized(): void;
  settle(): void;
}

/** Decoder files being fetched: `sized` once their bytes are in the total, `done` once they are in. */
export interface DecoderFetch {
  sized: Promise<void>;
  done: Promise<void>;
}

interface Job {
  priority: number;
  run: () => Promise<void>;
}

export class ModelLoads {
  /** The glTF loader and its decoders' code, imported with the first model (never for a world without). */
  private loader: Promise<GLTFLoader> | undefined;
  /** three-vrm's plugin on that loader, once an avatar was asked for. */
  private vrmPlugin: Promise<void> | undefined;
  private readonly infos = new Map<string, Promise<AssetInfo>>();
  private readonly files = new Map<string, Promise<GLTF>>();
  private readonly decoderFiles = new Map<string, DecoderFetch>();
  private readonly queue: Job[] = [];
  private running = 0;
  constructor(
    private readonly renderer: WebGLRenderer,
    /** Written as files arrive (the store's, read by the loading bar). */
    readonly progress: EntryProgress,
    /** Where assets are read: the server's origin ('' = this page's), e.g. https://worlds.example.com. */
    private readonly assetBase = '',
  ) {}

  /** The asset's levels (404 → an error naming the hash). Fetched once per hash. */
  info(hash: string): Promise<AssetInfo> {
    let info = this.infos.get(hash);
    if (!info) {
      info = fetch(`${this.assetBase}/assets/${hash}`).then(async (response) => {
        if (!response.ok)
          throw new Error(
            response.status === 404
              ? `asset ${hash.slice(0, 12)}… is not on this server (deleted, or never uploaded here)`
              : `asset ${hash.slice(0, 12)}… could not be read (HTTP ${response.status})`,
          );
        const body = (await response.json()) as {
          url: string;
          report?: {
            options?: { geometry?: string; ktx2?: boolean };
            output?: { bytes?: number; measures?: { triangles?: number } };
          };
          lods?: Array<{ url: string; bytes?: number; triangles: number }>;
        };
        const options = body.report?.options;
        return {
          levels: [
            {
              url: this.resolve(body.url),
              bytes: body.report?.output?.bytes ?? 0,
              triangles: body.report?.output?.measures?.triangles ?? 0,
            },
            ...(body.lods ?? []).map(({ url, bytes, triangles }) => ({
              url: this.resolve(url),
              bytes: bytes ?? 0,
              triangles,
            })),
          ],
          decoders: [
            ...(options?.geometry === 'draco' ? (['draco'] as const) : []),
            ...(options?.ktx2 ? (['ktx2'] as const) : []),
          ],
        };
      });
      this.infos.set(hash, info);
    }
    return info;
  }

  /** A URL the server gave (absolute, or a path on its origin) as one this page can fetch. */
  private resolve(url: string): string {
    return this.assetBase && url.startsWith('/') ? `${this.assetBase}${url}` : url;
  }

  /**
   * A GLB of `bytes` (as its metadata says), loaded after those with a lower `priority` (metres from the
   * visitor), at most a few at once; `needed` counts its bytes toward entering from now on. Each URL is
   * fetched once; callers clone what they get.
   */
  file(url: string, priority: number, needed: boolean, bytes = 0, after?: Promise<void>): Promise<GLTF> {
    let file = this.files.get(url);
    if (!file) {
      if (needed) this.progress.total += bytes;
      file = new Promise<GLTF>((resolve, reject) => {
        // Not before its decoders are in (else the loader would fetch them a second time alongside).
        const load = () => this.fetchFile(url, needed ? bytes : -1).then(resolve, reject);
        this.enqueue(priority, () => (after ? after.then(load, load) : load()));
      });
      this.files.set(url, file);
    }
    return file;
  }

  /**
   * Fetches the decoders' files ahead of the loader (which then finds them in the browser's cache: the
   * server serves them with a max-age), counting their bytes toward entering when `needed`. Once each.
   */
  decoders(decoders: readonly Decoder[], needed: boolean): DecoderFetch {
    const fetches = decoders.flatMap((decoder) =>
      DECODER_FILES[decoder].map((url) => {
        let fetched = this.decoderFiles.get(url);
        if (!fetched) {
          fetched = this.countedFetch(url, needed);
          this.decoderFiles.set(url, fetched);
        }
        return fetched;
      }),
    );
    return {
      sized: Promise.all(fetches.map((fetched) => fetched.sized)).then(() => undefined),
      done: Promise.all(fetches.map((fetched) => fetched.done)).then(() => undefined),
    };
  }

  /**
   * Reads `url` to the end; when `needed`, its size joins the entry total once the headers say it and its
   * bytes count as they arrive. A failure is the loader's to report (it fetches the file itself then).
   */
  private countedFetch(url: string, needed: boolean): DecoderFetch {
    const response = fetch(url).then((answer) => {
      if (!answer.ok || !answer.body) throw new Error(`${url}: HTTP ${answer.status}`);
      if (needed) this.progress.total += Number(answer.headers.get('content-length') ?? 0);
      return answer.body.getReader();
    });
    const done = response.then(async (reader) => {
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) return;
        if (needed) this.progress.loaded += value.byteLength;
      }
    });
    const quiet = () => undefined;
    return { sized: response.then(quiet, quiet), done: done.then(quiet, quiet) };
  }

  /** Counts a model that must settle before the visitor enters (see EntryProgress). */
  need(): NeededModel {
    this.progress.needed += 1;
    let sized = false;
    let settled = false;
    return {
      sized: () => {
        if (sized) return;
        sized = true;
        this.progress.neededSized += 1;
      },
      settle: () => {
        if (settled) return;
        settled = true;
        this.progress.neededSettled += 1;
        this.progress.neededSized += sized ? 0 : 1; // a failure before its size was known
        sized = true;
      },
    };
  }

  /** Loads a GLB; with `expected` ≥ 0 its bytes count toward entering (all of them once it settles). */
  private fetchFile(url: string, expected: number): Promise<GLTF> {
    let counted = 0;
    const count = (upTo: number) => {
      if (expected < 0) return;
      const next = Math.min(upTo, expected);
      this.progress.loaded += next - counted;
      counted = next;
    };
    return this.gltfLoader().then(
      (loader) =>
        new Promise<GLTF>((resolve, reject) => {
          loader.load(
            url,
            (gltf) => {
              count(expected);
              resolve(gltf);
            },
            (event) => count(event.loaded),
            (error) => {
              count(expected); // nothing more will come: the bar must not wait for it
              // three's HttpError carries the response: say what the server answered, not the loader's words.
              const status = (error as { response?: Response }).response?.status;
              const file = url.slice(url.lastIndexOf('/') + 1, url.lastIndexOf('/') + 13);
              reject(
                status !== undefined
                  ? new Error(`its file ${file}… could not be downloaded (HTTP ${status})`)
                  : error instanceof Error
                    ? error
                    : new Error(String(error)),
              );
            },
          );
        }),
    );
  }

  /**
   * A fresh copy of a GLB from its bytes (each call its own objects: each near avatar is posed apart),
   * read with three-vrm's plugin — imported with the first avatar, registered on the page's one loader
   * (it acts only on files with VRM extensions) — so a VRM's humanoid, MToon and spring bones are read.
   */
  async parseAvatar(bytes: ArrayBuffer): Promise<GLTF> {
    this.vrmPlugin ??= Promise.all([this.gltfLoader(), import('@pixiv/three-vrm')]).then(
      ([loader, { VRMLoaderPlugin }]) => void loader.register((parser) => new VRMLoaderPlugin(parser)),
      (error: unknown) => {
        this.vrmPlugin = undefined;
        throw error instanceof Error && error.message.includes('model loader')
          ? error
          : new Error('the player could not download its avatar reader (check the connection and reload)');
      },
    );
    await this.vrmPlugin;
    return (await this.gltfLoader()).parseAsync(bytes.slice(0), '');
  }

  /** The glTF loader, its code imported once; a failed import is tried again by the next model. */
  private gltfLoader(): Promise<GLTFLoader> {
    this.loader ??= import('./gltf-loaders.js').then(
      ({ createGltfLoader }) => createGltfLoader(this.renderer),
      () => {
        this.loader = undefined;
        throw new Error('the player could not download its model loader (check the connection and reload)');
      },
    );
    return this.loader;
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

const perRenderer = new WeakMap<WebGLRenderer, ModelLoads>();

/** The one ModelLoads of a renderer (scene models and framed token models share its loader and cache). */
export function modelLoadsFor(renderer: WebGLRenderer, progress: EntryProgress, assetBase = ''): ModelLoads {
  let loads = perRenderer.get(renderer);
  if (!loads) {
    loads = new ModelLoads(renderer, progress, assetBase);
    perRenderer.set(renderer, loads);
  }
  return loads;
}
