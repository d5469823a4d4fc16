/**
 * One visitor's own avatar, built from a loaded `avatar` upload: a VRM 1.0 (through @pixiv/three-vrm:
 * MToon materials, spring bones, expressions) or a rigged glTF whose joints are humanoid bones by name.
 * Each near visitor wearing it gets its own instance (its own skeleton, springs and pose); the shared
 * motions move it through HumanoidRetarget.
 */
import { Group, Vector3, type Object3D, type SkinnedMesh } from 'three';
import type { BoneName } from './avatar-rig.js';
import type { GLTF } from 'three/examples/jsm/loaders/GLTFLoader.js';
import * as threeVrm from '@pixiv/three-vrm';
import type { VRM } from '@pixiv/three-vrm';
import { HUMANOID_BONES, humanoidBoneOfJoint, type HumanoidBone } from '../../../../protocol/index.js';
import { HumanoidRetarget } from './humanoid-retarget.js';

/**
 * three-vrm's VRMUtils, typed here: its declarations re-export it from a folder ("./VRMUtils"), which the
 * server's NodeNext resolution (tests type-check client code with it) does not follow.
 */
const { VRMUtils } = threeVrm as unknown as {
  VRMUtils: {
    removeUnnecessaryVertices(root: Object3D): void;
    combineSkeletons(root: Object3D): void;
    deepDispose(root: Object3D): void;
  };
};

/** Seconds between blinks (each avatar starts at its own point of the cycle), and how long one lasts. */
const BLINK_EVERY = 4.2;
const BLINK_SECONDS = 0.16;

/** Hips this far from the rig's (0.95 m) mean the file's units are off (centimetres, say): it is rescaled. */
const PLAUSIBLE_SCALE = { min: 0.4, max: 1.6 } as const;

export class CustomAvatar {
  /** Add this to the scene; place it where the avatar stands, turned by its yaw. */
  readonly root = new Group();
  /** Read through three-vrm, or a rigged glTF. */
  readonly kind: 'vrm' | 'gltf';
  private readonly retarget: HumanoidRetarget;
  /** The figure's size over the default rig's (its hips' height over 0.95 m, after any rescale). */
  private readonly size: number;
  /** Metres above its feet where its name tag floats (over its head, as over the default figure's). */
  readonly tagHeight: number;
  /** Seconds into its blink cycle. */
  private blinkClock = Math.random() * BLINK_EVERY;

  constructor(
    private readonly model: Object3D,
    private readonly vrm: VRM | undefined,
  ) {
    this.kind = vrm ? 'vrm' : 'gltf';
    const bones = vrm ? vrmBones(vrm) : namedBones(model);
    this.retarget = new HumanoidRetarget(model, bones);
    const scale = this.retarget.scale;
    // A figure of sensible size keeps it (a tall or a small avatar is the creator's choice).
    const rescale = scale < PLAUSIBLE_SCALE.min || scale > PLAUSIBLE_SCALE.max;
    if (rescale) model.scale.multiplyScalar(1 / scale);
    this.size = rescale ? 1 : scale;
    // The default figure's tag floats 0.53 m over its head joint (a 0.3 m head, then a gap).
    this.tagHeight = this.retarget.headHeight * (rescale ? 1 / scale : 1) + 0.53 * this.size;
    model.traverse((node) => {
      if ((node as SkinnedMesh).isMesh) {
        node.frustumCulled = false; // skinned bounds are the bind pose's; a walking avatar leaves them
        node.castShadow = true;
      }
    });
    this.root.name = 'avatar-custom';
    this.root.add(model);
  }

  /** Calls `onDraw` for each of its draw calls (the renderer counts avatar draw calls as three.js makes them). */
  countDraws(onDraw: () => void): void {
    this.model.traverse((node) => {
      if ((node as SkinnedMesh).isMesh) node.onAfterRender = onDraw;
    });
  }

  /** Poses it as the default rig's bones (BONES order) stand, and runs its springs and expressions. */
  update(rigBones: readonly Object3D[], dtSeconds: number): void {
    this.retarget.apply(rigBones);
    if (!this.vrm) return;
    // A VRM with a blink expression blinks now and then (eyes that never close read as a doll's).
    this.blinkClock = (this.blinkClock + dtSeconds) % BLINK_EVERY;
    const closing =
      this.blinkClock < BLINK_SECONDS ? Math.sin((this.blinkClock / BLINK_SECONDS) * Math.PI) : 0;
    this.vrm.expressionManager?.setValue('blink', closing);
    this.vrm.update(dtSeconds);
  }

  /**
   * Hangs `object` — placed in the default rig's bone frame (a worn model) — on this avatar's matching
   * bone, so it sits as it would on the default figure, scaled to this one; false when it has no such bone.
   */
  attach(rigBone: BoneName, object: Object3D): boolean {
    const frame = this.retarget.frameOf(rigBone);
    if (!frame) return false;
    const adapter = new Group();
    adapter.name = 'worn-on-custom';
    adapter.quaternion.copy(frame.fromRig);
    this.root.updateMatrixWorld(true);
    const boneScale = frame.target.getWorldScale(new Vector3()).x / this.root.getWorldScale(new Vector3()).x;
    adapter.scale.setScalar(this.size / boneScale);
    adapter.add(object);
    frame.target.add(adapter);
    return true;
  }

  dispose(): void {
    this.root.removeFromParent();
    VRMUtils.deepDispose(this.model); // geometries, materials and their textures (three-vrm's, for any model)
  }
}

/** The avatar a loaded file makes: the VRM three-vrm read from it, or the glTF's scene. */
export function customAvatarOf(gltf: GLTF): CustomAvatar {
  const vrm = gltf.userData.vrm as VRM | undefined;
  if (vrm) {
    // The raw bones are posed here each frame; three-vrm must not copy its normalized pose over them.
    vrm.humanoid.autoUpdateHumanBones = false;
    // As three-vrm advises: vertices no mesh draws dropped, and one skeleton for all the body's meshes
    // (a VRoid export has several, each uploading the same bones every frame).
    VRMUtils.removeUnnecessaryVertices(gltf.scene);
    VRMUtils.combineSkeletons(gltf.scene);
    return new CustomAvatar(vrm.scene, vrm);
  }
  return new CustomAvatar(gltf.scene, undefined);
}

function vrmBones(vrm: VRM): Map<HumanoidBone, Object3D> {
  const bones = new Map<HumanoidBone, Object3D>();
  for (const bone of HUMANOID_BONES) {
    const node = vrm.humanoid.getRawBoneNode(bone);
    if (node) bones.set(bone, node);
  }
  return bones;
}

/** A rigged glTF's humanoid bones, by its joints' names (the pipeline checked the required ones exist). */
function namedBones(model: Object3D): Map<HumanoidBone, Object3D> {
  const bones = new Map<HumanoidBone, Object3D>();
  model.traverse((node) => {
    const mesh = node as SkinnedMesh;
    if (!mesh.isSkinnedMesh) return;
    for (const joint of mesh.skeleton.bones) {
      const bone = humanoidBoneOfJoint(joint.name);
      if (bone && !bones.has(bone)) bones.set(bone, joint);
    }
  });
  return bones;
}
