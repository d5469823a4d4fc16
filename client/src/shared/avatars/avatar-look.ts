/**
 * How a look (protocol avatar-appearance.ts) is drawn: the build scales the whole figure, the headwear
 * picks which of the geometry's headwear boxes stay; the others are folded to a point in the vertex shader
 * (degenerate triangles the GPU discards), for the skinned avatars and the crowd alike.
 */
import { MeshLambertMaterial, type IUniform } from 'three';
import { AVATAR_HEADWEAR, parseAppearance, type AvatarBuild } from '../../../../protocol/index.js';

/** Vertex attribute of the avatar geometry: 0 for the body, else the box's headwear index + 0 (see rig). */
export const HEADWEAR_ATTRIBUTE = 'avatarPart';

/** Scale of the figure per build (x across the shoulders, y height, z depth). */
const BUILD_SCALES: Record<AvatarBuild, readonly [number, number, number]> = {
  regular: [1, 1, 1],
  slim: [0.86, 1.04, 0.88],
  broad: [1.2, 0.97, 1.14],
};

/** A look as the renderer uses it each frame (resolved once, when the avatar arrives). */
export interface DrawnLook {
  scaleX: number;
  scaleY: number;
  scaleZ: number;
  /** Index in AVATAR_HEADWEAR (0 = none). */
  headwear: number;
}

export function drawnLook(appearance: string): DrawnLook {
  const { build, headwear } = parseAppearance(appearance);
  const [scaleX, scaleY, scaleZ] = BUILD_SCALES[build];
  return { scaleX, scaleY, scaleZ, headwear: AVATAR_HEADWEAR.indexOf(headwear) };
}

export const DEFAULT_DRAWN_LOOK: DrawnLook = drawnLook('');

/**
 * GLSL, after `begin_vertex`: folds a headwear box the avatar does not wear (`look` is the worn headwear's
 * index, a float expression) to the origin before skinning.
 */
export const foldOtherHeadwear = (look: string): string => /* glsl */ `
if (${HEADWEAR_ATTRIBUTE} > 0.5 && abs(${HEADWEAR_ATTRIBUTE} - ${look}) > 0.5) transformed = vec3(0.0);`;

export interface SkinnedAvatarMaterial {
  material: MeshLambertMaterial;
  /** The worn headwear's index. */
  headwear: IUniform<number>;
}

/** A near avatar's material: Lambert with vertex colours, wearing only its own headwear. */
export function createSkinnedAvatarMaterial(): SkinnedAvatarMaterial {
  const headwear: IUniform<number> = { value: 0 };
  const material = new MeshLambertMaterial({ vertexColors: true });
  material.onBeforeCompile = (shader) => {
    shader.uniforms.avatarHeadwear = headwear;
    shader.vertexShader = shader.vertexShader
      .replace(
        '#include <common>',
        `#include <common>\nattribute float ${HEADWEAR_ATTRIBUTE};\nuniform float avatarHeadwear;`,
      )
      .replace('#include <begin_vertex>', `#include <begin_vertex>${foldOtherHeadwear('avatarHeadwear')}`);
  };
  material.customProgramCacheKey = () => 'mib-skinned-avatar-v1';
  return { material, headwear };
}
