/**
 * The default avatar and its motions, without a browser: the rig is well formed, every level of detail
 * is skinned to the same skeleton, looping motions wrap without a jump, and — the point of baking — the
 * crowd's bone texture poses a vertex exactly where three.js's own skinning (the near avatars) puts it.
 */
import { describe, expect, it } from '@jest/globals';
import { AnimationMixer, Matrix4, SkinnedMesh, Vector3, Vector4, MeshBasicMaterial } from 'three';
import {
  MOTION_FPS,
  MOTIONS,
  POSE_FLOATS,
  motionClip,
  motionFrames,
  samplePose,
} from '../../client/src/shared/avatars/avatar-motions.js';
import {
  AVATAR_LODS,
  BONES,
  createAvatarGeometry,
  createAvatarSkeleton,
} from '../../client/src/shared/avatars/avatar-rig.js';
import { TEXELS_PER_BONE, bakeBoneTexture } from '../../client/src/shared/avatars/bone-texture.js';

describe('the avatar rig', () => {
  it('skins every vertex of every level of detail fully to one bone of the skeleton', () => {
    const triangles: number[] = [];
    for (let level = 0; level < AVATAR_LODS; level++) {
      const geometry = createAvatarGeometry(level);
      const index = geometry.index!;
      const vertices = geometry.getAttribute('position').count;
      const skinIndex = geometry.getAttribute('skinIndex');
      const skinWeight = geometry.getAttribute('skinWeight');
      expect(geometry.getAttribute('color').count).toBe(vertices);
      for (let v = 0; v < vertices; v++) {
        expect(skinIndex.getX(v)).toBeLessThan(BONES.length);
        expect(skinWeight.getX(v) + skinWeight.getY(v) + skinWeight.getZ(v) + skinWeight.getW(v)).toBe(1);
      }
      for (let i = 0; i < index.count; i++) expect(index.getX(i)).toBeLessThan(vertices);
      // Standing on the ground, about 1.8 m tall (the tallest headwear, horns, tops out near 2 m).
      geometry.computeBoundingBox();
      expect(geometry.boundingBox!.min.y).toBeCloseTo(0, 5);
      expect(geometry.boundingBox!.max.y).toBeGreaterThan(1.7);
      expect(geometry.boundingBox!.max.y).toBeLessThan(2.05);
      triangles.push(index.count / 3);
    }
    // Each level is lighter than the one before.
    expect(triangles).toEqual([...triangles].sort((a, b) => b - a));
    expect(new Set(triangles).size).toBe(AVATAR_LODS);
    expect(() => createAvatarGeometry(AVATAR_LODS)).toThrow(/no level of detail/);
  });

  it('builds a skeleton whose bind pose matches the joints (inverse bind × world = identity)', () => {
    const skeleton = createAvatarSkeleton();
    expect(skeleton.bones.map((bone) => bone.name)).toEqual([...BONES]);
    const product = new Matrix4();
    skeleton.bones.forEach((bone, b) => {
      product.multiplyMatrices(bone.matrixWorld, skeleton.boneInverses[b]!);
      expect(product.equals(new Matrix4())).toBe(true);
    });
  });
});

describe('the motions', () => {
  it('are unit quaternions, and looping ones end where they start', () => {
    const start = new Float32Array(POSE_FLOATS);
    const end = new Float32Array(POSE_FLOATS);
    for (const name of MOTIONS) {
      const clip = motionClip(name);
      expect(clip.tracks).toHaveLength(BONES.length + 1);
      samplePose(name, 0.37, start);
      for (let b = 0; b < BONES.length; b++) {
        const q = start.subarray(b * 4, b * 4 + 4);
        expect(Math.hypot(...q)).toBeCloseTo(1, 5);
      }
      if (clip.duration > 0 && ['idle', 'walk', 'run'].includes(name)) {
        samplePose(name, 0, start);
        samplePose(name, clip.duration, end);
        for (let i = 0; i < POSE_FLOATS; i++) expect(end[i]).toBeCloseTo(start[i]!, 4);
      }
    }
  });

  it('move the limbs: walking swings the legs, an emote raises an arm', () => {
    const a = new Float32Array(POSE_FLOATS);
    const b = new Float32Array(POSE_FLOATS);
    const leg = BONES.indexOf('upperLegL') * 4;
    samplePose('walk', 0.2, a);
    samplePose('walk', 0.6, b);
    expect(Math.abs(a[leg]! - b[leg]!)).toBeGreaterThan(0.2);
    const arm = BONES.indexOf('upperArmR') * 4;
    samplePose('wave', 1, a);
    expect(Math.abs(a[arm + 2]!)).toBeGreaterThan(0.5); // rolled up and out
    samplePose('idle', 1, b);
    expect(Math.abs(b[arm + 2]!)).toBeLessThan(0.1);
  });
});

describe('the baked bone texture', () => {
  const baked = bakeBoneTexture();
  const width = BONES.length * TEXELS_PER_BONE;
  const data = baked.texture.image.data as Float32Array;

  /** What the crowd's vertex shader does: the row's matrix for `bone`, applied to `point`. */
  function bakedSkin(row: number, bone: number, point: Vector3): Vector3 {
    const at = (row * width + bone * TEXELS_PER_BONE) * 4;
    const r = (i: number) => new Vector4().fromArray(data, at + i * 4);
    const [r0, r1, r2] = [r(0), r(1), r(2)];
    const p = new Vector4(point.x, point.y, point.z, 1);
    return new Vector3(r0.dot(p), r1.dot(p), r2.dot(p));
  }

  it('has a row per sampled frame of every motion, in MOTIONS order', () => {
    expect(baked.motions.map((motion) => motion.name)).toEqual([...MOTIONS]);
    let row = 0;
    for (const motion of baked.motions) {
      expect(motion.firstRow).toBe(row);
      expect(motion.frames).toBe(motionFrames(motion.name));
      row += motion.frames;
    }
    expect(baked.texture.image.height).toBe(row);
    expect(baked.texture.image.width).toBe(width);
  });

  it.each(['walk', 'run', 'jump', 'wave', 'dance'] as const)(
    'poses every vertex where three.js skinning puts it (%s)',
    (name) => {
      const geometry = createAvatarGeometry();
      const skeleton = createAvatarSkeleton();
      const mesh = new SkinnedMesh(geometry, new MeshBasicMaterial());
      mesh.add(skeleton.bones[0]!);
      mesh.bind(skeleton);
      const mixer = new AnimationMixer(mesh);
      mixer.clipAction(motionClip(name)).play();
      const motion = baked.motions.find((candidate) => candidate.name === name)!;
      const skinIndex = geometry.getAttribute('skinIndex');
      const vertices = geometry.getAttribute('position').count;
      for (const frame of [0, Math.floor(motion.frames / 3), motion.frames - 1]) {
        mixer.setTime(frame / MOTION_FPS);
        mesh.updateMatrixWorld(true);
        skeleton.update();
        for (let v = 0; v < vertices; v += 7) {
          const rest = new Vector3().fromBufferAttribute(geometry.getAttribute('position'), v);
          const expected = mesh.applyBoneTransform(v, rest.clone());
          const actual = bakedSkin(motion.firstRow + frame, skinIndex.getX(v), rest);
          expect(actual.distanceTo(expected)).toBeLessThan(1e-4);
        }
      }
    },
  );
});
