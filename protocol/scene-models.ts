/** Where a scene's models stand: each model component's asset and its entity's world transform. Pure. */
import { componentsOf, sceneEntities, type SceneDocumentInput } from './scene.js';
import { transformResolver, type WorldTransform } from './scene-transforms.js';

export interface ModelPlacement {
  entity: string;
  /** sha-256 of the optimised GLB (the asset store's name for it). */
  asset: string;
  transform: WorldTransform;
}

export function placedModels(scene: SceneDocumentInput): ModelPlacement[] {
  const transformOf = transformResolver(scene);
  const models: ModelPlacement[] = [];
  for (const entity of sceneEntities(scene))
    for (const component of componentsOf(entity))
      if (component.type === 'model')
        models.push({ entity: entity.id, asset: component.asset, transform: transformOf(entity) });
  return models;
}
