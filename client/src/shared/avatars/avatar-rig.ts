/**
 * The default avatar, made here in code (no avatar service, nothing downloaded): a low-poly figure 1.8 m
 * tall, feet at the origin, facing +z, rigidly skinned to a 12-bone skeleton. Near, it reads as a person —
 * a rounded head with a face visor, a neck, a torso wider at the shoulders than the waist, rounded limbs,
 * hands and shoes; farther levels of detail are boxes. Each part follows one bone (weight 1), which keeps
 * the crowd shader's work to one matrix.
 *
 * Vertex colours: tinted parts are near white so the per-avatar colour (instance colour or material colour)
 * shows; the visor and shoes are dark whatever the colour.
 *
 * Every headwear of the looks (protocol avatar-appearance.ts) is part of the one geometry, tagged with its
 * index in the `avatarPart` attribute (0 = body); the shaders fold away the headwear an avatar does not
 * wear (avatar-look.ts), so all looks share one geometry and the crowd stays one draw call.
 */
import {
  Bone,
  BoxGeometry,
  BufferAttribute,
  CapsuleGeometry,
  CylinderGeometry,
  Skeleton,
  SphereGeometry,
  type BufferGeometry,
} from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import { AVATAR_HEADWEAR } from '../../../../protocol/index.js';
import { HEADWEAR_ATTRIBUTE } from './avatar-look.js';

/** Bone names in skeleton order; a bone's index here is its skinIndex. */
export const BONES = [
  'hips',
  'spine',
  'chest',
  'head',
  'upperArmL',
  'lowerArmL',
  'upperArmR',
  'lowerArmR',
  'upperLegL',
  'lowerLegL',
  'upperLegR',
  'lowerLegR',
] as const;
export type BoneName = (typeof BONES)[number];

/** Each bone's parent and its joint in the bind pose, in metres from the feet. L is +x. */
const JOINTS: Record<BoneName, { parent: BoneName | null; at: [number, number, number] }> = {
  hips: { parent: null, at: [0, 0.95, 0] },
  spine: { parent: 'hips', at: [0, 1.05, 0] },
  chest: { parent: 'spine', at: [0, 1.25, 0] },
  head: { parent: 'chest', at: [0, 1.57, 0] },
  upperArmL: { parent: 'chest', at: [0.27, 1.52, 0] },
  lowerArmL: { parent: 'upperArmL', at: [0.27, 1.22, 0] },
  upperArmR: { parent: 'chest', at: [-0.27, 1.52, 0] },
  lowerArmR: { parent: 'upperArmR', at: [-0.27, 1.22, 0] },
  upperLegL: { parent: 'hips', at: [0.1, 0.9, 0] },
  lowerLegL: { parent: 'upperLegL', at: [0.1, 0.47, 0] },
  upperLegR: { parent: 'hips', at: [-0.1, 0.9, 0] },
  lowerLegR: { parent: 'upperLegR', at: [-0.1, 0.47, 0] },
};

interface Part {
  bone: BoneName;
  /**
   * 'box' (the default); 'capsule' (a rounded limb: width is its diameter, height end to end); 'trunk' (a
   * rounded-off cylinder, `taper` times as wide at the bottom as at the top); 'ball' (an ellipsoid).
   * Widths are along x, depths along z.
   */
  shape?: 'box' | 'capsule' | 'trunk' | 'ball';
  taper?: number;
  /** A ball's segments around (default 6). */
  segments?: number;
  size: [number, number, number];
  centre: [number, number, number];
  /** Vertex colour (grey level): 1 shows the avatar's colour as is, lower darkens it. */
  shade: number;
  /** Index in AVATAR_HEADWEAR of the headwear this box belongs to (absent: the body). */
  headwear?: number;
}

const TINT = 1;
const LIMB = 0.78;
const DARK = 0.12;

/** Hands: a shade lighter than the sleeves, so they read as hands. */
const HAND = 0.9;

const PARTS: Part[] = [
  { bone: 'hips', shape: 'trunk', size: [0.33, 0.2, 0.22], centre: [0, 0.95, 0], shade: LIMB },
  { bone: 'spine', shape: 'trunk', taper: 1.12, size: [0.29, 0.22, 0.2], centre: [0, 1.15, 0], shade: TINT },
  { bone: 'chest', shape: 'trunk', taper: 0.72, size: [0.44, 0.32, 0.24], centre: [0, 1.41, 0], shade: TINT },
  { bone: 'chest', shape: 'trunk', size: [0.1, 0.09, 0.1], centre: [0, 1.6, 0], shade: LIMB },
  { bone: 'head', shape: 'ball', segments: 10, size: [0.25, 0.29, 0.27], centre: [0, 1.74, 0], shade: TINT },
  {
    bone: 'head',
    shape: 'ball',
    segments: 8,
    size: [0.21, 0.09, 0.1],
    centre: [0, 1.76, 0.095],
    shade: DARK,
  },
  { bone: 'upperArmL', shape: 'capsule', size: [0.1, 0.34, 0.1], centre: [0.27, 1.37, 0], shade: TINT },
  { bone: 'lowerArmL', shape: 'capsule', size: [0.085, 0.3, 0.085], centre: [0.27, 1.08, 0], shade: LIMB },
  { bone: 'lowerArmL', shape: 'ball', size: [0.085, 0.12, 0.065], centre: [0.27, 0.88, 0.01], shade: HAND },
  { bone: 'upperArmR', shape: 'capsule', size: [0.1, 0.34, 0.1], centre: [-0.27, 1.37, 0], shade: TINT },
  { bone: 'lowerArmR', shape: 'capsule', size: [0.085, 0.3, 0.085], centre: [-0.27, 1.08, 0], shade: LIMB },
  { bone: 'lowerArmR', shape: 'ball', size: [0.085, 0.12, 0.065], centre: [-0.27, 0.88, 0.01], shade: HAND },
  { bone: 'upperLegL', shape: 'capsule', size: [0.15, 0.48, 0.15], centre: [0.1, 0.69, 0], shade: LIMB },
  { bone: 'lowerLegL', shape: 'capsule', size: [0.12, 0.44, 0.12], centre: [0.1, 0.28, 0], shade: LIMB },
  { bone: 'lowerLegL', size: [0.13, 0.08, 0.24], centre: [0.1, 0.04, 0.04], shade: DARK },
  { bone: 'upperLegR', shape: 'capsule', size: [0.15, 0.48, 0.15], centre: [-0.1, 0.69, 0], shade: LIMB },
  { bone: 'lowerLegR', shape: 'capsule', size: [0.12, 0.44, 0.12], centre: [-0.1, 0.28, 0], shade: LIMB },
  { bone: 'lowerLegR', size: [0.13, 0.08, 0.24], centre: [-0.1, 0.04, 0.04], shade: DARK },
];

const CAP = AVATAR_HEADWEAR.indexOf('cap');
const BUN = AVATAR_HEADWEAR.indexOf('bun');
const HORNS = AVATAR_HEADWEAR.indexOf('horns');

/** Headwear on the head bone (the head's top is at 1.87 m). The far level keeps only the larger boxes. */
const HEADWEAR_PARTS: Part[] = [
  { bone: 'head', size: [0.29, 0.09, 0.29], centre: [0, 1.9, 0], shade: 0.3, headwear: CAP },
  { bone: 'head', size: [0.24, 0.025, 0.13], centre: [0, 1.87, 0.19], shade: 0.3, headwear: CAP },
  { bone: 'head', size: [0.15, 0.13, 0.15], centre: [0, 1.92, -0.07], shade: 0.16, headwear: BUN },
  { bone: 'head', size: [0.05, 0.15, 0.05], centre: [0.09, 1.94, 0], shade: 0.95, headwear: HORNS },
  { bone: 'head', size: [0.05, 0.15, 0.05], centre: [-0.09, 1.94, 0], shade: 0.95, headwear: HORNS },
];
const FAR_HEADWEAR_PARTS = [HEADWEAR_PARTS[0]!, HEADWEAR_PARTS[2]!];

/**
 * Simpler figures for avatars farther away (same skeleton, so the same baked motions): level 1 keeps the
 * limbs whole (no knees or elbows), level 2 drops the arms. 72 and 36 triangles against 180.
 */
const FAR_PARTS: Part[][] = [
  [
    { bone: 'spine', size: [0.4, 0.62, 0.22], centre: [0, 1.2, 0], shade: TINT },
    { bone: 'head', size: [0.26, 0.28, 0.26], centre: [0, 1.73, 0], shade: TINT },
    { bone: 'upperArmL', size: [0.1, 0.62, 0.1], centre: [0.27, 1.22, 0], shade: TINT },
    { bone: 'upperArmR', size: [0.1, 0.62, 0.1], centre: [-0.27, 1.22, 0], shade: TINT },
    { bone: 'upperLegL', size: [0.14, 0.9, 0.14], centre: [0.1, 0.45, 0], shade: LIMB },
    { bone: 'upperLegR', size: [0.14, 0.9, 0.14], centre: [-0.1, 0.45, 0], shade: LIMB },
  ],
  [
    { bone: 'spine', size: [0.44, 0.96, 0.24], centre: [0, 1.38, 0], shade: TINT },
    { bone: 'upperLegL', size: [0.15, 0.9, 0.15], centre: [0.1, 0.45, 0], shade: LIMB },
    { bone: 'upperLegR', size: [0.15, 0.9, 0.15], centre: [-0.1, 0.45, 0], shade: LIMB },
  ],
];

/** Headwear each level draws (the farthest none: it would be a pixel or two). */
const LEVEL_HEADWEAR: Part[][] = [HEADWEAR_PARTS, FAR_HEADWEAR_PARTS, []];

/** Levels of detail createAvatarGeometry offers (0 = full). */
export const AVATAR_LODS = 1 + FAR_PARTS.length;

/** The part's shape, centred on the origin, at its size (few segments: a crowd draws thousands). */
function shapeOf(part: Part): BufferGeometry {
  const [width, height, depth] = part.size;
  const segments = part.segments ?? 6;
  switch (part.shape ?? 'box') {
    case 'box':
      return new BoxGeometry(width, height, depth);
    case 'capsule':
      return new CapsuleGeometry(width / 2, Math.max(0, height - width), 1, 6).scale(1, 1, depth / width);
    case 'trunk':
      return new CylinderGeometry(width / 2, (width / 2) * (part.taper ?? 1), height, 10).scale(
        1,
        1,
        depth / width,
      );
    case 'ball':
      return new SphereGeometry(0.5, segments, Math.ceil(segments / 2)).scale(width, height, depth);
  }
}

/** One body part: its shape with colour and a single bone influence. */
function partGeometry(part: Part): BufferGeometry {
  const box = shapeOf(part);
  box.translate(...part.centre);
  const count = box.getAttribute('position').count;
  const colors = new Float32Array(count * 3).fill(part.shade);
  const skinIndex = new Uint16Array(count * 4);
  const skinWeight = new Float32Array(count * 4);
  const headwear = new Float32Array(count).fill(part.headwear ?? 0);
  const bone = BONES.indexOf(part.bone);
  for (let v = 0; v < count; v++) {
    skinIndex[v * 4] = bone;
    skinWeight[v * 4] = 1;
  }
  box.deleteAttribute('uv');
  box.setAttribute('color', new BufferAttribute(colors, 3));
  box.setAttribute('skinIndex', new BufferAttribute(skinIndex, 4));
  box.setAttribute('skinWeight', new BufferAttribute(skinWeight, 4));
  box.setAttribute(HEADWEAR_ATTRIBUTE, new BufferAttribute(headwear, 1));
  return box;
}

/**
 * The avatar's geometry in its bind pose at a level of detail, every headwear included (see FAR_PARTS and
 * LEVEL_HEADWEAR): the body is 648, 72 and 36 triangles; at most 24 of headwear are drawn on top.
 */
export function createAvatarGeometry(level = 0): BufferGeometry {
  const parts = level === 0 ? PARTS : FAR_PARTS[level - 1];
  if (!parts) throw new Error(`avatar: no level of detail ${level} (0 to ${AVATAR_LODS - 1})`);
  const merged = mergeGeometries([...parts, ...LEVEL_HEADWEAR[level]!].map(partGeometry));
  if (!merged) throw new Error('avatar: body parts have mismatched attributes');
  merged.computeBoundingSphere();
  return merged;
}

/**
 * A fresh skeleton in the bind pose (bones in BONES order, hips first and root). Each skinned avatar needs
 * its own; the crowd shares one baked copy instead (bone-texture.ts).
 */
export function createAvatarSkeleton(): Skeleton {
  const bones = new Map<BoneName, Bone>();
  for (const name of BONES) {
    const bone = new Bone();
    bone.name = name;
    const { parent, at } = JOINTS[name];
    if (parent) {
      const from = JOINTS[parent].at;
      bone.position.set(at[0] - from[0], at[1] - from[1], at[2] - from[2]);
      bones.get(parent)!.add(bone);
    } else {
      bone.position.set(...at);
    }
    bones.set(name, bone);
  }
  const ordered = BONES.map((name) => bones.get(name)!);
  ordered[0]!.updateMatrixWorld(true);
  return new Skeleton(ordered);
}

/** Rest position of each bone relative to its parent (what motions add their offsets to). */
export function restPosition(name: BoneName): [number, number, number] {
  const { parent, at } = JOINTS[name];
  if (!parent) return [...at];
  const from = JOINTS[parent].at;
  return [at[0] - from[0], at[1] - from[1], at[2] - from[2]];
}
