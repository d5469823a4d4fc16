/**
 * Worn tokens' models for the avatar renderer: each asset loaded once (its coarsest level — a worn model is
 * small on screen) through the page's one model loader, the same cache the scene and the NFT frames use.
 * Each state is in `store.models` as "worn:<asset>"; a model that cannot be loaded is reported in a notice
 * and not asked for again (its wearers keep the picture on their name tag).
 */
import type { Object3D, WebGLRenderer } from 'three';
import { modelLoadsFor } from '../../assets/model-loads.js';
import type { WornModelSource } from '../../avatars/worn-models.js';
import type { WorldStore } from '../world-store.js';

/** Worn models load after the scene's near models (priority is metres from the visitor). */
const WORN_PRIORITY = 30;

export function wornModelSource(store: WorldStore, renderer: WebGLRenderer): WornModelSource {
  const loads = modelLoadsFor(renderer, store.entryProgress);
  const templates = new Map<string, Object3D | null>();
  return {
    template(asset) {
      if (templates.has(asset)) return templates.get(asset) ?? undefined;
      templates.set(asset, null);
      const key = `worn:${asset}`;
      store.models.set(key, 'loading');
      loads
        .info(asset)
        .then((info) => loads.file(info.levels.at(-1)!.url, WORN_PRIORITY, false))
        .then((gltf) => {
          templates.set(asset, gltf.scene);
          store.models.set(key, 'loaded');
        })
        .catch((error: unknown) => {
          store.models.set(key, 'failed');
          store.notice = {
            text: `A worn token's model could not be loaded (${error instanceof Error ? error.message : String(error)}); its picture stays on the name tag`,
            until: performance.now() + 8_000,
          };
        });
      return undefined;
    },
  };
}
