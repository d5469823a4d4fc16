/**
 * A scene's HDR environment (its environment component's `hdri`): image-based lighting for every lit
 * material and, unless the scene says otherwise, the sky. Loaded on demand — three's EXR loader and the
 * environment's file come only for a scene that names one: a built-in one (100–300 kB,
 * /environments/<name>.exr, copied there from @pmndrs/assets by the build) or an uploaded one (its EXR from
 * the asset store, /assets/files/<hash>, as the pipeline wrote it). A failure keeps the colour sky and tells the
 * visitor.
 */
import { EquirectangularReflectionMapping, type Color, type Scene, type Texture } from 'three';
import { isAssetHash } from '../../../../protocol/index.js';
import type { SceneSource } from './scene-source.js';

/** Where the built-in environments are served (client/vite.config.ts emits them there). */
export const ENVIRONMENTS_PATH = '/environments/';

/**
 * Loads `hdri` and puts it on `scene` (as its environment, and its background when `asSky`); the returned
 * function takes it off again and frees it. `colourSky` is the background while it loads or if it fails.
 */
export function applyHdri(
  scene: Scene,
  source: SceneSource,
  hdri: string,
  asSky: boolean,
  colourSky: Color,
  assetBase = '',
): () => void {
  let texture: Texture | undefined;
  let cancelled = false;
  source.environment = { hdri, state: 'loading' };
  import('three/examples/jsm/loaders/EXRLoader.js')
    .then(({ EXRLoader }) => new EXRLoader().loadAsync(environmentUrl(hdri, assetBase)))
    .then((loaded) => {
      if (cancelled) {
        loaded.dispose();
        return;
      }
      loaded.mapping = EquirectangularReflectionMapping;
      texture = loaded;
      scene.environment = loaded;
      if (asSky) scene.background = loaded;
      source.environment = { hdri, state: 'loaded' };
    })
    .catch((error: unknown) => {
      if (cancelled) return;
      source.environment = { hdri, state: 'failed' };
      const status = (error as { response?: Response }).response?.status;
      const why =
        status !== undefined ? `HTTP ${status}` : error instanceof Error ? error.message : String(error);
      source.notice = {
        text: `The world's sky and lighting (${isAssetHash(hdri) ? 'an uploaded environment' : hdri}) could not be loaded (${why}); it shows its plain sky.`,
        until: performance.now() + 8_000,
      };
    });
  return () => {
    cancelled = true;
    if (scene.environment === texture) scene.environment = null;
    if (scene.background === texture) scene.background = colourSky;
    texture?.dispose();
    source.environment = null;
  };
}

/** Where an environment is read from: a built-in one by name, an uploaded one from the asset store. */
export function environmentUrl(hdri: string, assetBase = ''): string {
  return isAssetHash(hdri)
    ? `${assetBase}/assets/files/${hdri}`
    : `${assetBase}${ENVIRONMENTS_PATH}${hdri}.exr`;
}
