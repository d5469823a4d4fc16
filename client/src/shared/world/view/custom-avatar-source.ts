/**
 * Visitors' own avatars for the avatar renderer: each asset's GLB fetched once (the full model — avatars
 * have no coarser levels; the far crowd draws the default figure), then read into a fresh instance for
 * each near visitor wearing it. Each state is in `store.models` as "avatar:<asset>"; an avatar that cannot
 * be loaded is reported once in a notice, and its wearers stay default figures (never nothing).
 */
import type { WebGLRenderer } from 'three';
import { modelLoadsFor } from '../../assets/model-loads.js';
import type { CustomAvatar } from '../../avatars/custom-avatar.js';
import type { CustomAvatarSource } from '../../avatars/skinned-avatars.js';
import type { WorldStore } from '../world-store.js';

export function customAvatarSource(store: WorldStore, renderer: WebGLRenderer): CustomAvatarSource {
  const loads = modelLoadsFor(renderer, store.entryProgress);
  const files = new Map<string, Promise<ArrayBuffer>>();
  const fileOf = (asset: string) => {
    let file = files.get(asset);
    if (!file) {
      store.models.set(`avatar:${asset}`, 'loading');
      file = loads.info(asset).then(async (info) => {
        const response = await fetch(info.levels[0]!.url);
        if (!response.ok) throw new Error(`its file could not be downloaded (HTTP ${response.status})`);
        return response.arrayBuffer();
      });
      files.set(asset, file);
    }
    return file;
  };
  return {
    async create(asset: string): Promise<CustomAvatar> {
      const key = `avatar:${asset}`;
      try {
        // Its code comes with the first own avatar (a first visit without any does not download it).
        const [{ customAvatarOf }, gltf] = await Promise.all([
          import('../../avatars/custom-avatar.js'),
          fileOf(asset).then((bytes) => loads.parseAvatar(bytes)),
        ]);
        const avatar = customAvatarOf(gltf);
        store.models.set(key, 'loaded');
        return avatar;
      } catch (error) {
        if (store.models.get(key) !== 'failed') {
          store.models.set(key, 'failed');
          store.notice = {
            text: `A visitor's own avatar could not be loaded (${error instanceof Error ? error.message : String(error)}); they are shown as a default figure`,
            until: performance.now() + 8_000,
          };
        }
        throw error;
      }
    },
  };
}
