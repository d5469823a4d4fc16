/**
 * The crowd: every avatar not drawn skinned, in one InstancedMesh whose vertex shader skins each instance
 * from the baked bone texture. Per instance it carries a matrix (where, and the build's scale), a colour
 * (who), `crowdHeadwear` (what it wears on its head; avatar-look.ts) and `crowdMotion` (which motion since
 * when), so a thousand avatars cost one draw call and no skeleton updates.
 */
import {
  BufferGeometry,
  DynamicDrawUsage,
  InstancedBufferAttribute,
  InstancedMesh,
  MeshDepthMaterial,
  MeshLambertMaterial,
  RGBADepthPacking,
  type IUniform,
  type WebGLProgramParametersWithUniforms,
} from 'three';
import type { BoneTexture } from './bone-texture.js';
import { foldOtherHeadwear, HEADWEAR_ATTRIBUTE } from './avatar-look.js';

/** Per-instance motion: x first texture row, y frames, z start time (s), w 1 = loops. */
const MOTION_ATTRIBUTE = 'crowdMotion';
/** Per-instance headwear index (AVATAR_HEADWEAR). */
const HEADWEAR_INSTANCE_ATTRIBUTE = 'crowdHeadwear';

const CROWD_VERTEX_HEAD = /* glsl */ `
uniform highp sampler2D crowdBones;
uniform float crowdTime;
attribute vec4 skinIndex;
attribute vec4 skinWeight;
attribute vec4 crowdMotion;
attribute float ${HEADWEAR_ATTRIBUTE};
attribute float ${HEADWEAR_INSTANCE_ATTRIBUTE};
// A bone's matrix is stored as its top three rows (bone-texture.ts); mat4() takes columns, hence transpose.
mat4 crowdBone(int row, float bone) {
  int x = int(bone) * 3;
  return transpose(mat4(
    texelFetch(crowdBones, ivec2(x, row), 0),
    texelFetch(crowdBones, ivec2(x + 1, row), 0),
    texelFetch(crowdBones, ivec2(x + 2, row), 0),
    vec4(0.0, 0.0, 0.0, 1.0)));
}
`;

/** Picks the frame and builds the skin matrix (`crowdSkin`); must run before the vertex is transformed. */
const crowdSkinMatrix = (fps: number) => /* glsl */ `
float crowdFrame = floor(max(crowdTime - crowdMotion.z, 0.0) * ${fps.toFixed(1)});
crowdFrame = crowdMotion.w > 0.5 ? mod(crowdFrame, crowdMotion.y) : min(crowdFrame, crowdMotion.y - 1.0);
int crowdRow = int(crowdMotion.x + crowdFrame);
mat4 crowdSkin = skinWeight.x * crowdBone(crowdRow, skinIndex.x);
if (skinWeight.y > 0.0) crowdSkin += skinWeight.y * crowdBone(crowdRow, skinIndex.y);
if (skinWeight.z > 0.0) crowdSkin += skinWeight.z * crowdBone(crowdRow, skinIndex.z);
if (skinWeight.w > 0.0) crowdSkin += skinWeight.w * crowdBone(crowdRow, skinIndex.w);
`;

/** Skins the vertex: its own headwear folded away, then the skin matrix applied. */
const CROWD_SKIN_VERTEX = /* glsl */ `${foldOtherHeadwear(HEADWEAR_INSTANCE_ATTRIBUTE)}
transformed = (crowdSkin * vec4(transformed, 1.0)).xyz;`;

export interface CrowdMaterial {
  material: MeshLambertMaterial;
  /** The crowd as the sun's shadow map sees it: the same skinning, depth only. */
  depth: MeshDepthMaterial;
  /** Seconds, same clock as the motion start times. */
  time: IUniform<number>;
}

/** The crowd's materials: Lambert shading, skinned in the vertex shader from the baked bone texture. */
export function createCrowdMaterial(baked: BoneTexture): CrowdMaterial {
  const time: IUniform<number> = { value: 0 };
  const material = new MeshLambertMaterial({ vertexColors: true });
  /** The uniforms and declarations both passes share; returns the vertex shader to patch further. */
  const crowdShader = (shader: WebGLProgramParametersWithUniforms): string => {
    shader.uniforms.crowdBones = { value: baked.texture };
    shader.uniforms.crowdTime = time;
    return shader.vertexShader.replace('#include <common>', `#include <common>\n${CROWD_VERTEX_HEAD}`);
  };
  material.onBeforeCompile = (shader) => {
    shader.vertexShader = crowdShader(shader)
      // beginnormal comes before begin_vertex: the skin matrix is built there and turns the normal too.
      .replace(
        '#include <beginnormal_vertex>',
        `#include <beginnormal_vertex>\n${crowdSkinMatrix(baked.fps)}\nobjectNormal = normalize((crowdSkin * vec4(objectNormal, 0.0)).xyz);`,
      )
      .replace('#include <begin_vertex>', `#include <begin_vertex>${CROWD_SKIN_VERTEX}`);
  };
  material.customProgramCacheKey = () => 'mib-crowd-v3';
  // The shadow map's own depth material packs depth as RGBA; a custom one must do the same.
  const depth = new MeshDepthMaterial({ depthPacking: RGBADepthPacking });
  depth.onBeforeCompile = (shader) => {
    shader.vertexShader = crowdShader(shader).replace(
      '#include <begin_vertex>',
      `${crowdSkinMatrix(baked.fps)}\n#include <begin_vertex>${CROWD_SKIN_VERTEX}`,
    );
  };
  depth.customProgramCacheKey = () => 'mib-crowd-depth-v1';
  return { material, depth, time };
}

export interface CrowdMesh {
  mesh: InstancedMesh;
  /** Write with setCrowdMotion, then set `needsUpdate` once per frame. */
  motion: InstancedBufferAttribute;
  /** Headwear index per instance (avatar-look.ts). */
  headwear: InstancedBufferAttribute;
}

export function createCrowdMesh(
  avatar: BufferGeometry,
  material: CrowdMaterial,
  capacity: number,
): CrowdMesh {
  // Same vertex data as the skinned avatars (shared attributes), plus the per-instance motion.
  const geometry = new BufferGeometry();
  for (const [name, attribute] of Object.entries(avatar.attributes)) geometry.setAttribute(name, attribute);
  geometry.setIndex(avatar.index);
  geometry.boundingSphere = avatar.boundingSphere;
  const motion = new InstancedBufferAttribute(new Float32Array(capacity * 4), 4);
  motion.setUsage(DynamicDrawUsage);
  geometry.setAttribute(MOTION_ATTRIBUTE, motion);
  const headwear = new InstancedBufferAttribute(new Float32Array(capacity), 1);
  headwear.setUsage(DynamicDrawUsage);
  geometry.setAttribute(HEADWEAR_INSTANCE_ATTRIBUTE, headwear);

  const mesh = new InstancedMesh(geometry, material.material, capacity);
  mesh.name = 'avatar-crowd';
  mesh.customDepthMaterial = material.depth;
  mesh.castShadow = true; // drawn into the shadow map only when the visitor turns shadows on
  mesh.instanceMatrix.setUsage(DynamicDrawUsage);
  // Instances move every frame anywhere in the world; culling them as one is not worth a bounds pass.
  mesh.frustumCulled = false;
  mesh.count = 0;
  return { mesh, motion, headwear };
}

/** Sets instance `index` to play baked motion rows [firstRow, firstRow + frames) from `since` seconds. */
export function setCrowdMotion(
  crowd: CrowdMesh,
  index: number,
  firstRow: number,
  frames: number,
  since: number,
  loop: boolean,
): void {
  const array = crowd.motion.array as Float32Array;
  const at = index * 4;
  array[at] = firstRow;
  array[at + 1] = frames;
  array[at + 2] = since;
  array[at + 3] = loop ? 1 : 0;
}
