/**
 * Every reference a scene makes to something outside an entity's own fields, typed, with the JSON Pointer
 * it sits at. The schema checks the ones a document can check alone (parents, same-world portal spawns);
 * the server checks the rest against what it stores (assets uploaded, worlds existing, bindings made).
 */
import type { SceneDocumentInput } from './scene.js';

export type SceneReference =
  | { kind: 'asset'; hash: string; entity: string; path: string }
  | { kind: 'world'; slug: string; entity: string; path: string }
  | { kind: 'spawn'; name: string; world?: string; entity: string; path: string }
  | { kind: 'binding'; id: string; entity: string; path: string };

export function sceneReferences(scene: SceneDocumentInput): SceneReference[] {
  const refs: SceneReference[] = [];
  for (const [entity, { components = {} }] of Object.entries(scene.entities)) {
    const at = (...parts: string[]): string => `/entities/${entity}/components/${parts.join('/')}`;
    if (components.model)
      refs.push({ kind: 'asset', hash: components.model.asset, entity, path: at('model', 'asset') });
    const sky = components.environment?.sky;
    if (sky !== undefined && !sky.startsWith('#'))
      refs.push({ kind: 'asset', hash: sky, entity, path: at('environment', 'sky') });
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
