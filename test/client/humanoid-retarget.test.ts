/**
 * Retargeting the shared motions onto a custom avatar's bones: whatever the model's rest pose (a VRM's
 * T-pose, bones with rest rotations of their own) and units (a Mixamo armature in centimetres under a 0.01 root), its limbs point where
 * the default rig's limbs point, and follow them as they move; the hips follow the rig's height to scale.
 */
import { describe, expect, it } from '@jest/globals';
import { Bone, Group, Quaternion, Vector3, type Object3D } from 'three';
import type { HumanoidBone } from '../../protocol/index.js';
import { HumanoidRetarget } from '../../client/src/shared/avatars/humanoid-retarget.js';
import { BONES, createAvatarSkeleton } from '../../client/src/shared/avatars/avatar-rig.js';
import { RIG } from '../../bench/assets/sample-models.js';

/** The generated test avatars' humanoid in T-pose (arms along ±x), hips 0.95 m up: offsets from the parent. */
const T_POSE = RIG as unknown as [HumanoidBone, HumanoidBone | undefined, [number, number, number]][];

/** Builds the model (under a `scale`d root, offsets divided by it) and its bone map. */
function humanoid(scale = 1, restTwist?: Quaternion): { model: Group; bones: Map<HumanoidBone, Object3D> } {
  const model = new Group();
  const armature = new Group();
  armature.scale.setScalar(scale);
  model.add(armature);
  const bones = new Map<HumanoidBone, Object3D>();
  for (const [name, parent, offset] of T_POSE) {
    const bone = new Bone();
    bone.name = name;
    bone.position.set(...offset).divideScalar(scale);
    // An exporter's own bone axes (a rest rotation on the bone, undone on its children's offsets).
    if (restTwist && parent) {
      bone.quaternion.copy(restTwist);
      bone.position.applyQuaternion(bones.get(parent)!.getWorldQuaternion(new Quaternion()).invert());
    }
    (parent ? bones.get(parent)! : armature).add(bone);
    bones.set(name, bone);
    bone.updateMatrixWorld(true);
  }
  model.updateMatrixWorld(true);
  return { model, bones };
}

function direction(bones: Map<HumanoidBone, Object3D>, from: HumanoidBone, to: HumanoidBone): Vector3 {
  const [a, b] = [bones.get(from)!, bones.get(to)!].map((bone) => bone.getWorldPosition(new Vector3()));
  return b!.sub(a!).normalize();
}

function rig(): Bone[] {
  return createAvatarSkeleton().bones;
}

const DOWN = new Vector3(0, -1, 0);

describe('humanoid retargeting', () => {
  it.each([
    ['a T-pose in metres', 1, undefined],
    ['a T-pose in centimetres under a 0.01 root', 0.01, undefined],
    ['bones with their own rest rotations', 1, new Quaternion().setFromAxisAngle(new Vector3(0, 0, 1), 0.7)],
  ])('the rig at rest: arms hang and legs stand as the rig’s (%s)', (_, scale, twist) => {
    const { model, bones } = humanoid(scale, twist);
    const retarget = new HumanoidRetarget(model, bones);
    retarget.apply(rig());
    model.updateMatrixWorld(true);
    for (const [from, to] of [
      ['leftUpperArm', 'leftLowerArm'],
      ['leftLowerArm', 'leftHand'],
      ['rightUpperArm', 'rightLowerArm'],
      ['leftUpperLeg', 'leftLowerLeg'],
      ['rightLowerLeg', 'rightFoot'],
    ] as const)
      expect(direction(bones, from, to).distanceTo(DOWN)).toBeLessThan(1e-5);
    expect(direction(bones, 'spine', 'chest').y).toBeCloseTo(1, 5);
    expect(retarget.scale).toBeCloseTo(1, 5); // hips at 0.95 m, as the rig's
    expect(retarget.headHeight).toBeCloseTo(1.56, 5); // the head joint, in metres whatever the units
  });

  it('limbs follow the rig as it moves: a leg swung forward, an elbow bent, the hips lowered', () => {
    const { model, bones } = humanoid(0.01);
    const retarget = new HumanoidRetarget(model, bones);
    const bones12 = rig();
    const at = (name: (typeof BONES)[number]) => bones12[BONES.indexOf(name)]!;
    // Upper leg 40° forward (a negative turn about +x brings a hanging limb towards +z, the facing).
    at('upperLegL').quaternion.setFromAxisAngle(new Vector3(1, 0, 0), (-40 * Math.PI) / 180);
    at('lowerArmR').quaternion.setFromAxisAngle(new Vector3(1, 0, 0), -Math.PI / 2);
    at('hips').position.y -= 0.38; // sitting
    retarget.apply(bones12);
    model.updateMatrixWorld(true);
    const thigh = direction(bones, 'leftUpperLeg', 'leftLowerLeg');
    expect(thigh.y).toBeCloseTo(-Math.cos((40 * Math.PI) / 180), 5);
    expect(thigh.z).toBeCloseTo(Math.sin((40 * Math.PI) / 180), 5);
    expect(direction(bones, 'leftLowerLeg', 'leftFoot').distanceTo(thigh)).toBeLessThan(1e-5);
    // The forearm points forward; the upper arm still hangs.
    expect(direction(bones, 'rightLowerArm', 'rightHand').distanceTo(new Vector3(0, 0, 1))).toBeLessThan(
      1e-5,
    );
    expect(direction(bones, 'rightUpperArm', 'rightLowerArm').distanceTo(DOWN)).toBeLessThan(1e-5);
    // The hips went down 0.38 m (the figure is the rig's size), in metres whatever the armature's units.
    expect(bones.get('hips')!.getWorldPosition(new Vector3()).y).toBeCloseTo(0.95 - 0.38, 5);
  });

  it("a worn model's place in a rig bone's frame maps onto the model's bone, scaled to the figure", () => {
    const { model, bones } = humanoid(0.01, new Quaternion().setFromAxisAngle(new Vector3(0, 0, 1), 0.7));
    const retarget = new HumanoidRetarget(model, bones);
    retarget.apply(rig()); // at rest: the forearm hangs
    const frame = retarget.frameOf('lowerArmR')!;
    expect(frame.target).toBe(bones.get('rightLowerArm'));
    const adapter = new Group();
    adapter.quaternion.copy(frame.fromRig);
    model.updateMatrixWorld(true);
    adapter.scale.setScalar(retarget.scale / frame.target.getWorldScale(new Vector3()).x);
    const held = new Group();
    held.position.set(0, -0.43, 0.05); // the hand slot, in the rig's forearm frame
    adapter.add(held);
    frame.target.add(adapter);
    model.updateMatrixWorld(true);
    const elbow = bones.get('rightLowerArm')!.getWorldPosition(new Vector3());
    const expected = elbow.clone().add(new Vector3(0, -0.43, 0.05).multiplyScalar(retarget.scale));
    expect(held.getWorldPosition(new Vector3()).distanceTo(expected)).toBeLessThan(1e-5);
    expect(retarget.frameOf('chest')?.target).toBe(bones.get('chest'));
  });
});
