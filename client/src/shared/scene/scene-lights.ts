/**
 * The scene's lights as the player draws them, read from the scene document: kind, colour, intensity,
 * where (metres) and which way they shine (a unit vector, the entity's −z). Point and spot lights cost
 * every lit pixel a little, so only the first MAX_LOCAL_LIGHTS are drawn; the rest are counted as dropped.
 */
import {
  componentsOf,
  sceneEntities,
  rotate,
  transformResolver,
  type SceneDocument,
} from '../../../../protocol/index.js';

/** Point and spot lights drawn at most (forward rendering: each one is work for every lit fragment). */
export const MAX_LOCAL_LIGHTS = 8;

export interface SceneLight {
  entity: string;
  kind: 'ambient' | 'directional' | 'point' | 'spot';
  color: string;
  intensity: number;
  /** Metres; 0 = no limit. */
  range: number;
  /** Spot cone half-angle, radians. */
  angle: number;
  position: [number, number, number];
  /** Unit vector the light shines along. */
  direction: [number, number, number];
}

export interface SceneLighting {
  ambient: SceneLight[];
  directional: SceneLight[];
  /** Point and spot lights, at most MAX_LOCAL_LIGHTS. */
  local: SceneLight[];
  /** Point and spot lights beyond the cap, not drawn. */
  dropped: number;
  /** The scene names an HDR environment: it lights PBR materials, and the default sky light is dimmer. */
  imageBased: boolean;
}

export function sceneLighting(scene: SceneDocument | null): SceneLighting {
  const lighting: SceneLighting = { ambient: [], directional: [], local: [], dropped: 0, imageBased: false };
  if (!scene) return lighting;
  const transformOf = transformResolver(scene);
  for (const entity of sceneEntities(scene))
    for (const component of componentsOf(entity)) {
      if (component.type === 'environment' && component.hdri) lighting.imageBased = true;
      if (component.type !== 'light') continue;
      const { p, q } = transformOf(entity);
      const light: SceneLight = {
        entity: entity.id,
        kind: component.kind,
        color: component.color,
        intensity: component.intensity,
        range: component.range ?? 0,
        angle: component.angle ?? Math.PI / 6,
        position: p,
        direction: rotate(q, [0, 0, -1]),
      };
      if (light.kind === 'ambient') lighting.ambient.push(light);
      else if (light.kind === 'directional') lighting.directional.push(light);
      else if (lighting.local.length < MAX_LOCAL_LIGHTS) lighting.local.push(light);
      else lighting.dropped += 1;
    }
  return lighting;
}
