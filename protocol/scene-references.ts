/**
 * Every reference a scene makes to something outside an entity's own fields, typed, with the JSON Pointer
 * it sits at. The schema checks the ones a document can check alone (parents, same-world portal spawns);
 * the server checks the rest against what it stores (assets uploaded, worlds existing, bindings made).
 */
import type { SceneDocumentInput } from './scene.js';
import { ASSET_HASH_PATTERN } from './scene-components.js';

export type SceneReference =
  /** `environment`: the asset must be an uploaded HDR environment; otherwise any other asset (a model). */
  | { kind: 'asset'; hash: string; entity: string; path: string; environment?: true }
  | { kind: 'world'; slug: string; entity: string; path: string }
  | { kind: 'spawn'; name: string; world?: string; entity: string; path: string }
  | { kind: 'binding'; id: string; entity: string; path: string };

/** An uploaded asset's hash, as opposed to a built-in environment's name. */
export const isAssetHash = (value: string): boolean => ASSET_HASH_PATTERN.test(value);

export function sceneReferences(scene: SceneDocumentInput): SceneReference[] {
  const refs: SceneReference[] = [];
  for (const [entity, { components = {} }] of Object.entries(scene.entities)) {
    const at = (...parts: string[]): string => `/entities/${entity}/components/${parts.join('/')}`;
    if (components.model)
      refs.push({ kind: 'asset', hash: components.model.asset, entity, path: at('model', 'asset') });
    const sky = components.environment?.sky;
    if (sky !== undefined && !sky.startsWith('#'))
      refs.push({ kind: 'asset', hash: sky, entity, path: at('environment', 'sky') });
    const hdri = components.environment?.hdri;
    if (hdri !== undefined && isAssetHash(hdri))
      refs.push({ kind: 'asset', hash: hdri, entity, path: at('environment', 'hdri'), environment: true });
    const shape = components.collider?.shape;
    if (shape?.kind === 'mesh')
      refs.push({ kind: 'asset', hash: shape.asset, entity, path: at('collider', 'shape', 'asset') });
    const portal = components.portal;
    if (portal) {
      if (portal.world !== undefined)
        refs.push({ kind: 'world', slug: portal.world, entity, path: at('portal', 'world') });
      refs.push({
        kind: 'spawn',
        name: portal.spawn,
        ...(portal.world !== undefined && { world: portal.world }),
        entity,
        path: at('portal', 'spawn'),
      });
    }
    const binding = components['nft-frame']?.binding;
    if (binding !== undefined)
      refs.push({ kind: 'binding', id: binding, entity, path: at('nft-frame', 'binding') });
  }
  return refs;
}
