/**
 * Humanoid bones by their VRM 1.0 names: what a custom avatar's rig must have for the shared motions to
 * move it (the pipeline checks an upload, the player maps its joints). A VRM names them in its humanoid;
 * a rigged glTF by its joints' names — VRM's own, or Mixamo's ("mixamorig:LeftArm"), whatever the case.
 */

/** VRM 1.0's required bones: a rig without any of them is not a humanoid the motions can drive. */
export const REQUIRED_HUMANOID_BONES = [
  'hips',
  'spine',
  'head',
  'leftUpperArm',
  'leftLowerArm',
  'leftHand',
  'rightUpperArm',
  'rightLowerArm',
  'rightHand',
  'leftUpperLeg',
  'leftLowerLeg',
  'leftFoot',
  'rightUpperLeg',
  'rightLowerLeg',
  'rightFoot',
] as const;

export const HUMANOID_BONES = [
  ...REQUIRED_HUMANOID_BONES,
  'chest',
  'upperChest',
  'neck',
  'leftShoulder',
  'rightShoulder',
  'leftToes',
  'rightToes',
] as const;
export type HumanoidBone = (typeof HUMANOID_BONES)[number];

/** Mixamo's joint names (without the "mixamorig:" prefix) for the humanoid bones. */
const MIXAMO: Record<string, HumanoidBone> = {
  hips: 'hips',
  spine: 'spine',
  spine1: 'chest',
  spine2: 'upperChest',
  neck: 'neck',
  head: 'head',
  leftshoulder: 'leftShoulder',
  leftarm: 'leftUpperArm',
  leftforearm: 'leftLowerArm',
  lefthand: 'leftHand',
  rightshoulder: 'rightShoulder',
  rightarm: 'rightUpperArm',
  rightforearm: 'rightLowerArm',
  righthand: 'rightHand',
  leftupleg: 'leftUpperLeg',
  leftleg: 'leftLowerLeg',
  leftfoot: 'leftFoot',
  lefttoebase: 'leftToes',
  rightupleg: 'rightUpperLeg',
  rightleg: 'rightLowerLeg',
  rightfoot: 'rightFoot',
  righttoebase: 'rightToes',
};

const BY_LOWER_NAME: ReadonlyMap<string, HumanoidBone> = new Map(
  HUMANOID_BONES.map((bone) => [bone.toLowerCase(), bone]),
);

/** The humanoid bone a joint's name stands for, if any. */
export function humanoidBoneOfJoint(name: string): HumanoidBone | undefined {
  const lower = name.toLowerCase();
  // "mixamorig:LeftArm", or "mixamorigLeftArm" as three.js's loader sanitizes node names.
  const bare = lower.slice(lower.lastIndexOf(':') + 1).replace(/^mixamorig\d*_?/, '');
  return BY_LOWER_NAME.get(bare) ?? MIXAMO[bare];
}

/** The required bones missing from `bones`, in REQUIRED_HUMANOID_BONES order. */
export function missingHumanoidBones(bones: Iterable<string>): HumanoidBone[] {
  const present = new Set(bones);
  return REQUIRED_HUMANOID_BONES.filter((bone) => !present.has(bone));
}
