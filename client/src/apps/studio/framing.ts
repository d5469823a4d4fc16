/**
 * Which entities "frame all" takes in: those with a place that shows — not the environment, nor ambient
 * and directional lights, whose position does not matter (a sun 40 m up would shrink everything else).
 */
import {
  sceneEntities,
  type IdentifiedEntity,
  type SceneDocument,
  type SceneEntity,
} from '../../../../protocol/index.js';

export function framedEntities(scene: SceneDocument): IdentifiedEntity<SceneEntity>[] {
  return sceneEntities(scene).filter((entity) => {
    const kind = entity.components.light?.kind;
    return !entity.components.environment && kind !== 'ambient' && kind !== 'directional';
  });
}
