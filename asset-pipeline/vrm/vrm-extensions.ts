/**
 * The VRM 1.0 extensions the pipeline keeps (https://github.com/vrm-c/vrm-specification, 1.0): the avatar
 * itself (VRMC_vrm: licence, humanoid bones, expressions, look-at, first person), its spring bones, its
 * MToon materials and node constraints — everything @pixiv/three-vrm reads. Each lists where its JSON
 * names a node, a material, a texture (a texture info's index) or an image.
 */
import { keptExtension, type KeptExtensionSpec, type RefKind } from './kept-extension.js';

const VRMC_VRM: KeptExtensionSpec = {
  name: 'VRMC_vrm',
  on: 'root',
  refAt: (path, key): RefKind | undefined => {
    if (key === 'node') return 'node'; // humanBones.*.node, firstPerson.meshAnnotations[].node, morphTargetBinds[].node
    if (key === 'material') return 'material'; // materialColorBinds[], textureTransformBinds[]
    if (key === 'thumbnailImage' && path.at(-1) === 'meta') return 'image';
    return undefined;
  },
};

const VRMC_SPRING_BONE: KeptExtensionSpec = {
  name: 'VRMC_springBone',
  on: 'root',
  // colliders[].node, springs[].joints[].node, springs[].center
  refAt: (path, key) =>
    key === 'node' || (key === 'center' && path.at(-2) === 'springs') ? 'node' : undefined,
};

const VRMC_MATERIALS_MTOON: KeptExtensionSpec = {
  name: 'VRMC_materials_mtoon',
  on: 'material',
  // shadeMultiplyTexture, shadingShiftTexture, matcapTexture, rimMultiplyTexture,
  // outlineWidthMultiplyTexture, uvAnimationMaskTexture: texture infos.
  refAt: (path, key) => (key === 'index' && path.at(-1)?.endsWith('Texture') ? 'texture' : undefined),
};

const VRMC_NODE_CONSTRAINT: KeptExtensionSpec = {
  name: 'VRMC_node_constraint',
  on: 'node',
  // constraint.roll|aim|rotation.source
  refAt: (path, key) => (key === 'source' && path.at(-2) === 'constraint' ? 'node' : undefined),
};

export const VRM_EXTENSION_SPECS: readonly KeptExtensionSpec[] = [
  VRMC_VRM,
  VRMC_SPRING_BONE,
  VRMC_MATERIALS_MTOON,
  VRMC_NODE_CONSTRAINT,
];

export const VRM_EXTENSIONS = VRM_EXTENSION_SPECS.map(keptExtension);

export const VRM_EXTENSION_NAME = VRMC_VRM.name;
