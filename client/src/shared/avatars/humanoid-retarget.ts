/**
 * Moves a custom avatar's humanoid bones as the shared motions move the default rig (retargeting), so an
 * uploaded avatar walks, runs, sits and emotes with everyone else's motions, whatever its proportions and
 * its rest pose (a VRM's T-pose, a Mixamo A-pose).
 *
 * The default rig's bones rest unrotated, so a bone's rotation in the avatar's frame is the product of its
 * chain's local rotations (D). For each driven bone the target's rest rotation W (in the model's frame) is
 * first turned so its limb points where the default rig's limb points at rest (R0: the target's rest
 * direction onto the rig's), then D is applied: T = D · R0 · W. The local rotation is T seen from the
 * parent's current rotation; bones in between that no motion drives (shoulders, upper chest, neck) keep
 * their rest. The hips also follow the rig's height change (sitting), scaled by the hips' heights.
 *
 * Everything is computed once when the avatar is built; each frame only multiplies quaternions (no
 * allocation).
 */
import { Matrix3, Matrix4, Quaternion, Vector3, type Object3D } from 'three';
import type { HumanoidBone } from '../../../../protocol/index.js';
import { BONES, restPosition, type BoneName } from './avatar-rig.js';

interface Driven {
  /** Index in the default rig's BONES. */
  rig: number;
  target: Object3D;
  /** R0 · W: the target's rest, turned onto the rig's rest direction. */
  aligned: Quaternion;
  /** Index (in the driven list) of the nearest driven ancestor, or -1. */
  ancestor: number;
  /** The parent's model-frame rotation relative to that ancestor's at rest (or absolute, without one). */
  parentFromAncestor: Quaternion;
}

/** Each rig bone: the humanoid bone it drives and the bones whose joint gives its direction, in order. */
const MAPPING: Record<BoneName, { bone: HumanoidBone; towards: readonly HumanoidBone[] }> = {
  hips: { bone: 'hips', towards: ['spine'] },
  spine: { bone: 'spine', towards: ['chest', 'upperChest', 'neck', 'head'] },
  chest: { bone: 'chest', towards: ['upperChest', 'neck', 'head'] },
  head: { bone: 'head', towards: [] },
  upperArmL: { bone: 'leftUpperArm', towards: ['leftLowerArm'] },
  lowerArmL: { bone: 'leftLowerArm', towards: ['leftHand'] },
  upperArmR: { bone: 'rightUpperArm', towards: ['rightLowerArm'] },
  lowerArmR: { bone: 'rightLowerArm', towards: ['rightHand'] },
  upperLegL: { bone: 'leftUpperLeg', towards: ['leftLowerLeg'] },
  lowerLegL: { bone: 'leftLowerLeg', towards: ['leftFoot'] },
  upperLegR: { bone: 'rightUpperLeg', towards: ['rightLowerLeg'] },
  lowerLegR: { bone: 'rightLowerLeg', towards: ['rightFoot'] },
};

/** The rig's parent of each bone (avatar-rig.ts's hierarchy). */
const RIG_PARENTS: Record<BoneName, BoneName | null> = {
  hips: null,
  spine: 'hips',
  chest: 'spine',
  head: 'chest',
  upperArmL: 'chest',
  lowerArmL: 'upperArmL',
  upperArmR: 'chest',
  lowerArmR: 'upperArmR',
  upperLegL: 'hips',
  lowerLegL: 'upperLegL',
  upperLegR: 'hips',
  lowerLegR: 'upperLegR',
};

/** The rig's limb direction at rest: the trunk and head point up, the limbs hang down. */
function rigRestDirection(bone: BoneName): Vector3 {
  return /Arm|Leg/.test(bone) ? new Vector3(0, -1, 0) : new Vector3(0, 1, 0);
}

const RIG_HIPS_HEIGHT = restPosition('hips')[1];

/** Each rig bone's parent as an index in BONES (-1: the hips); parents come first in BONES. */
const RIG_PARENT_INDEX = BONES.map((bone) => {
  const parent = RIG_PARENTS[bone];
  return parent ? BONES.indexOf(parent) : -1;
});

const parentNow = new Quaternion();
const inverse = new Quaternion();
const hipsOffset = new Vector3();

export class HumanoidRetarget {
  private readonly driven: Driven[] = [];
  /** The rig's bone rotations in the avatar's frame this frame (D), by BONES index. */
  private readonly rigWorld = BONES.map(() => new Quaternion());
  /** The targets' rotations in the model's frame this frame (T), by driven index. */
  private readonly targetWorld: Quaternion[] = [];
  private readonly hips: Object3D | undefined;
  private readonly hipsRest = new Vector3();
  /** Model frame → the hips' parent's frame, for offsets (at rest; the hips' parent never moves). */
  private readonly intoHipsParent = new Matrix3();
  private readonly hipsScale: number;
  private readonly headRest: number;

  /**
   * `bones`: the model's humanoid bones (at least the required ones); `model` the avatar's root, at rest
   * (its matrices are read here).
   */
  constructor(model: Object3D, bones: ReadonlyMap<HumanoidBone, Object3D>) {
    model.updateMatrixWorld(true);
    const intoModel = new Matrix4().copy(model.matrixWorld).invert();
    const inModel = (node: Object3D) => new Matrix4().multiplyMatrices(intoModel, node.matrixWorld);
    // Without scale (an armature in centimetres under a 0.01 root): rotations only.
    const restRotation = (node: Object3D) =>
      new Quaternion().setFromRotationMatrix(new Matrix4().extractRotation(inModel(node)));
    const restPositionOf = (node: Object3D) => new Vector3().setFromMatrixPosition(inModel(node));

    const indexOf = new Map<Object3D, number>();
    for (const [rig, name] of BONES.entries()) {
      const { bone, towards } = MAPPING[name];
      const target = bones.get(bone);
      if (!target) continue; // an optional bone the model lacks (chest): its motion is left out
      const from = restPositionOf(target);
      const next = towards.map((other) => bones.get(other)).find((node) => node !== undefined);
      const direction = next ? restPositionOf(next).sub(from) : new Vector3(0, 1, 0);
      const r0 =
        direction.lengthSq() > 1e-10
          ? new Quaternion().setFromUnitVectors(direction.normalize(), rigRestDirection(name))
          : new Quaternion();
      let ancestor = -1;
      for (let node = target.parent; node && node !== model.parent; node = node.parent) {
        const found = indexOf.get(node);
        if (found !== undefined) {
          ancestor = found;
          break;
        }
      }
      const parentRest = target.parent ? restRotation(target.parent) : new Quaternion();
      const parentFromAncestor =
        ancestor >= 0
          ? restRotation(this.driven[ancestor]!.target).invert().multiply(parentRest)
          : parentRest;
      indexOf.set(target, this.driven.length);
      this.driven.push({
        rig,
        target,
        aligned: r0.multiply(restRotation(target)),
        ancestor,
        parentFromAncestor,
      });
      this.targetWorld.push(new Quaternion());
    }
    const head = bones.get('head');
    this.headRest = head ? restPositionOf(head).y : restPosition('head')[1];
    this.hips = bones.get('hips');
    const hipsHeight = this.hips ? restPositionOf(this.hips).y : RIG_HIPS_HEIGHT;
    this.hipsScale = hipsHeight / RIG_HIPS_HEIGHT;
    if (this.hips) {
      this.hipsRest.copy(this.hips.position);
      if (this.hips.parent)
        this.intoHipsParent.setFromMatrix4(
          new Matrix4().copy(this.hips.parent.matrixWorld).invert().multiply(model.matrixWorld),
        );
    }
  }

  /**
   * The model's bone that `rigBone` drives, and the rotation from it to the rig bone's frame (what a child
   * of the model's bone must turn by to stand in the rig bone's frame: aligned⁻¹, since T = D · aligned).
   */
  frameOf(rigBone: BoneName): { target: Object3D; fromRig: Quaternion } | undefined {
    const rig = BONES.indexOf(rigBone);
    const driven = this.driven.find((entry) => entry.rig === rig);
    return driven && { target: driven.target, fromRig: driven.aligned.clone().invert() };
  }

  /** The head joint's height at rest, in the model's units (its frame). */
  get headHeight(): number {
    return this.headRest;
  }

  /** How tall the model's hips stand at rest, over the rig's (0.95 m). */
  get scale(): number {
    return this.hipsScale;
  }

  /** Poses the model's bones as the rig's `rigBones` (in BONES order) stand now. */
  apply(rigBones: readonly Object3D[]): void {
    for (let i = 0; i < BONES.length; i++) {
      const local = rigBones[i]!.quaternion;
      const parent = RIG_PARENT_INDEX[i]!;
      if (parent >= 0) this.rigWorld[i]!.multiplyQuaternions(this.rigWorld[parent]!, local);
      else this.rigWorld[i]!.copy(local);
    }
    for (let d = 0; d < this.driven.length; d++) {
      const driven = this.driven[d]!;
      const world = this.targetWorld[d]!.multiplyQuaternions(this.rigWorld[driven.rig]!, driven.aligned);
      if (driven.ancestor >= 0)
        parentNow.multiplyQuaternions(this.targetWorld[driven.ancestor]!, driven.parentFromAncestor);
      else parentNow.copy(driven.parentFromAncestor);
      driven.target.quaternion.multiplyQuaternions(inverse.copy(parentNow).invert(), world);
    }
    if (this.hips) {
      // The rig's hips move only up and down (sitting, landing): the same, to scale, in the model's frame.
      const rigHips = rigBones[0]!.position;
      hipsOffset
        .set(rigHips.x, rigHips.y - RIG_HIPS_HEIGHT, rigHips.z)
        .multiplyScalar(this.hipsScale)
        .applyMatrix3(this.intoHipsParent);
      this.hips.position.copy(this.hipsRest).add(hipsOffset);
    }
  }
}
