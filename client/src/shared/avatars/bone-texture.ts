/**
 * Bakes every motion into one float texture for the instanced crowd: a row per sampled frame, and in each
 * row the skinning matrix (bone world × inverse bind) of every bone, one matrix row per RGBA texel. The
 * crowd's vertex shader reads a row by motion and time, so a thousand avatars animate in one draw call
 * with no per-avatar skeleton work on the CPU.
 */
import { DataTexture, FloatType, Matrix4, NearestFilter, RGBAFormat } from 'three';
import { BONES } from './avatar-rig.js';
import { createAvatarSkeleton } from './avatar-rig.js';
import {
  MOTIONS,
  POSE_FLOATS,
  MOTION_FPS,
  motionFrames,
  motionLoops,
  samplePose,
  type MotionName,
} from './avatar-motions.js';

/** Where a motion's frames sit in the texture. */
export interface BakedMotion {
  name: MotionName;
  firstRow: number;
  frames: number;
  loop: boolean;
}

export interface BoneTexture {
  texture: DataTexture;
  /** In MOTIONS order. */
  motions: BakedMotion[];
  fps: number;
}

/** Texels per bone in a row: the top three rows of its matrix (the fourth of an affine one is 0 0 0 1). */
export const TEXELS_PER_BONE = 3;

export function bakeBoneTexture(): BoneTexture {
  const motions: BakedMotion[] = [];
  let rows = 0;
  for (const name of MOTIONS) {
    const frames = motionFrames(name);
    motions.push({ name, firstRow: rows, frames, loop: motionLoops(name) });
    rows += frames;
  }
  const width = BONES.length * TEXELS_PER_BONE;
  const data = new Float32Array(width * rows * 4);
  const skeleton = createAvatarSkeleton();
  const [hips] = skeleton.bones;
  const hipsRestY = hips!.position.y;
  const pose = new Float32Array(POSE_FLOATS);
  const skinning = new Matrix4();
  for (const motion of motions) {
    for (let f = 0; f < motion.frames; f++) {
      samplePose(motion.name, f / MOTION_FPS, pose);
      skeleton.bones.forEach((bone, b) => bone.quaternion.fromArray(pose, b * 4));
      hips!.position.y = hipsRestY + pose[BONES.length * 4]!;
      hips!.updateMatrixWorld(true);
      const row = motion.firstRow + f;
      skeleton.bones.forEach((bone, b) => {
        skinning.multiplyMatrices(bone.matrixWorld, skeleton.boneInverses[b]!);
        const e = skinning.elements; // column-major
        const at = (row * width + b * TEXELS_PER_BONE) * 4;
        for (let r = 0; r < 3; r++) data.set([e[r]!, e[r + 4]!, e[r + 8]!, e[r + 12]!], at + r * 4);
      });
    }
  }
  const texture = new DataTexture(data, width, rows, RGBAFormat, FloatType);
  texture.minFilter = NearestFilter;
  texture.magFilter = NearestFilter;
  texture.generateMipmaps = false;
  texture.needsUpdate = true;
  return { texture, motions, fps: MOTION_FPS };
}
