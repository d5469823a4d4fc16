/**
 * The near avatars: real SkinnedMeshes with their own skeleton and AnimationMixer, so motions cross-fade
 * smoothly where the viewer can see detail. A pool of slots, each owned by one avatar id while that avatar
 * stays near; a freed slot is hidden and reused, never disposed (no allocation once the pool is full).
 */
import {
  AnimationMixer,
  LoopOnce,
  LoopRepeat,
  SkinnedMesh,
  type AnimationAction,
  type Object3D,
  type BufferGeometry,
  type Group,
} from 'three';
import { DEFAULT_WEARABLE_SLOT, type WearableSlot } from '../../../../protocol/index.js';
import type { DrawnAvatar } from './avatar-renderer.js';
import { createSkinnedAvatarMaterial, type SkinnedAvatarMaterial } from './avatar-look.js';
import { createAvatarSkeleton } from './avatar-rig.js';
import { MOTIONS, motionClip, motionLoops } from './avatar-motions.js';
import { BONES } from './avatar-rig.js';
import { SLOT_PLACEMENTS, fittedWornModel, type WornModelSource } from './worn-models.js';
import type { MotionState } from './motion-state.js';
import type { CustomAvatar } from './custom-avatar.js';
import { DEFAULT_TAG_HEIGHT } from '../world/store-avatars.js';

/** Visitors' own avatars (uploads): a fresh instance per wearer, or a rejection (draw the default figure). */
export interface CustomAvatarSource {
  create(asset: string): Promise<CustomAvatar>;
}

/** Seconds a motion change blends over. */
const CROSSFADE_SECONDS = 0.2;

interface Slot {
  mesh: SkinnedMesh;
  material: SkinnedAvatarMaterial;
  mixer: AnimationMixer;
  actions: AnimationAction[];
  owner: string;
  /** The owner's motion state (null when free): it says whether the owner is still picked as near. */
  state: MotionState | null;
  motion: number;
  /** Frame this slot was last drawn in. */
  frame: number;
  /** The worn model (asset hash; '' = none) and its slot, and its fitted copy once attached. */
  wornModel: string;
  wornSlot: WearableSlot;
  worn: Object3D | null;
  /** The owner's own avatar (asset hash; '' = the default figure) and its instance once built. */
  customAsset: string;
  custom: CustomAvatar | null;
}

export class SkinnedAvatars {
  private readonly slots: Slot[] = [];
  private readonly byOwner = new Map<string, Slot>();
  private readonly free: Slot[] = [];
  private readonly clips = MOTIONS.map((name) => motionClip(name));
  wornModels: WornModelSource | undefined;
  customAvatars: CustomAvatarSource | undefined;

  constructor(
    private readonly parent: Group,
    private readonly geometry: BufferGeometry,
    private readonly capacity: number,
    private readonly onDraw: () => void,
  ) {}

  /** Draws `avatar` skinned this frame; false when the pool is full (draw it in the crowd instead). */
  draw(avatar: DrawnAvatar, now: number, frame: number): boolean {
    const { id, body, colorHex, look, motion: state } = avatar;
    let slot = this.byOwner.get(id);
    if (!slot) {
      slot = this.free.pop() ?? this.grow();
      if (!slot) return false;
      slot.owner = id;
      slot.state = state;
      slot.motion = -1;
      this.byOwner.set(id, slot);
    }
    slot.frame = frame;
    slot.mesh.visible = true;
    slot.mesh.position.set(body.x, body.y, body.z);
    slot.mesh.rotation.y = body.yaw;
    slot.mesh.scale.set(look.scaleX, look.scaleY, look.scaleZ);
    const { material, headwear } = slot.material;
    if (material.color.getHex() !== colorHex) material.color.setHex(colorHex);
    headwear.value = look.headwear;
    this.dress(slot, avatar);
    this.embody(slot, avatar);
    if (slot.motion !== state.motion) {
      const next = slot.actions[state.motion]!;
      next.reset();
      // Pick up where the motion is (e.g. an avatar walking in from the crowd keeps its stride).
      next.time = Math.max(0, now - state.since);
      next.play();
      const previous = slot.motion >= 0 ? slot.actions[slot.motion] : undefined;
      if (previous) previous.crossFadeTo(next, CROSSFADE_SECONDS, false);
      slot.motion = state.motion;
    }
    return true;
  }

  /**
   * Frees the slots of avatars not picked as near this frame (gone, or farther now), before any are
   * claimed, so a newcomer can take a slot in the same frame its previous owner leaves it.
   */
  releaseUnpicked(frame: number): void {
    for (const slot of this.slots) if (slot.state && slot.state.nearFrame !== frame) this.release(slot);
  }

  /** Advances the mixers of slots drawn this frame (and poses their own avatars); frees any not drawn. */
  finish(frame: number, dtSeconds: number): void {
    for (const slot of this.slots) {
      if (slot.frame === frame) {
        slot.mixer.update(dtSeconds);
        slot.custom?.update(slot.mesh.skeleton.bones, dtSeconds);
      } else if (slot.state) this.release(slot);
    }
  }

  /* eslint-disable no-restricted-syntax -- for tests (the hook's reads), not per frame */
  /** Sessions drawn in their own avatar now: owner id → how it was read ('vrm' through three-vrm, or 'gltf'). */
  customDrawn(): Record<string, 'vrm' | 'gltf'> {
    const drawn: Record<string, 'vrm' | 'gltf'> = {};
    for (const slot of this.slots) if (slot.state && slot.custom) drawn[slot.owner] = slot.custom.kind;
    return drawn;
  }
  /* eslint-enable no-restricted-syntax */

  /**
   * Shows the owner's own avatar in place of the default figure once it is built (until then, or if it
   * cannot be, the default figure stands in). The default skeleton still runs the motions: the custom
   * avatar copies its pose, and worn models stay on its bones.
   */
  private embody(slot: Slot, avatar: DrawnAvatar): void {
    if (slot.customAsset !== avatar.avatarModel) {
      this.undress(slot);
      slot.customAsset = avatar.avatarModel;
      if (avatar.avatarModel) this.build(slot, avatar.avatarModel);
    }
    const { custom } = slot;
    slot.material.material.visible = custom === null;
    avatar.figure.tagHeight = custom?.tagHeight ?? DEFAULT_TAG_HEIGHT;
    if (!custom) return;
    custom.root.position.copy(slot.mesh.position);
    custom.root.rotation.y = slot.mesh.rotation.y;
  }

  /* eslint-disable no-restricted-syntax -- once per avatar change, not per frame */
  private build(slot: Slot, asset: string): void {
    this.customAvatars?.create(asset).then(
      (custom) => {
        // The slot may have moved on (another owner, another avatar) while this one was read.
        if (slot.customAsset !== asset || slot.custom) return custom.dispose();
        slot.custom = custom;
        custom.countDraws(this.onDraw);
        this.parent.add(custom.root);
        this.attachWorn(slot);
      },
      () => undefined, // reported by the source; the default figure stays
    );
  }
  /* eslint-enable no-restricted-syntax */

  private undress(slot: Slot): void {
    const wore = slot.custom;
    slot.custom = null;
    slot.customAsset = '';
    if (wore) this.attachWorn(slot); // back onto the default figure's bone, before the custom one goes
    wore?.dispose();
  }

  /** Puts the slot's worn model on its bone: the own avatar's matching bone if it has one, else the rig's. */
  private attachWorn(slot: Slot): void {
    const { worn } = slot;
    if (!worn) return;
    const bone = SLOT_PLACEMENTS[slot.wornSlot].bone;
    if (slot.custom?.attach(bone, worn)) return;
    slot.mesh.skeleton.bones[BONES.indexOf(bone)]!.add(worn);
  }

  /** Attaches the avatar's worn model to its slot's bone once it is loaded; takes off one no longer worn. */
  private dress(slot: Slot, avatar: DrawnAvatar): void {
    // Compared field by field: this runs every frame for every near avatar (no key string built).
    if (slot.wornModel !== avatar.wornModel || slot.wornSlot !== avatar.wornSlot) {
      slot.worn?.removeFromParent(); // its geometry and materials are the loaded model's, kept for others
      slot.worn = null;
      slot.wornModel = avatar.wornModel;
      slot.wornSlot = avatar.wornSlot;
    }
    if (!avatar.wornModel || slot.worn || !this.wornModels) return;
    const template = this.wornModels.template(avatar.wornModel);
    if (!template) return; // loading (or failed: the name tag's picture remains)
    slot.worn = fittedWornModel(template, avatar.wornSlot);
    this.attachWorn(slot);
  }

  private release(slot: Slot): void {
    this.undress(slot);
    slot.worn?.removeFromParent();
    slot.worn = null;
    slot.wornModel = '';
    this.byOwner.delete(slot.owner);
    slot.owner = '';
    slot.state = null;
    slot.mesh.visible = false;
    slot.mixer.stopAllAction();
    this.free.push(slot);
  }

  get drawn(): number {
    return this.byOwner.size;
  }

  /* eslint-disable no-restricted-syntax -- the pool grows to at most `capacity` slots, then only reuses */
  private grow(): Slot | undefined {
    if (this.slots.length >= this.capacity) return undefined;
    const skeleton = createAvatarSkeleton();
    const material = createSkinnedAvatarMaterial();
    const mesh = new SkinnedMesh(this.geometry, material.material);
    mesh.name = 'avatar-skinned';
    mesh.add(skeleton.bones[0]!);
    mesh.bind(skeleton);
    mesh.frustumCulled = false;
    mesh.castShadow = true; // drawn only when the visitor turns shadows on
    mesh.onAfterRender = this.onDraw;
    const mixer = new AnimationMixer(mesh);
    const actions = this.clips.map((clip, index) => {
      const action = mixer.clipAction(clip);
      const loops = motionLoops(MOTIONS[index]!);
      action.setLoop(loops ? LoopRepeat : LoopOnce, Infinity);
      action.clampWhenFinished = !loops;
      return action;
    });
    const slot: Slot = {
      mesh,
      material,
      mixer,
      actions,
      owner: '',
      state: null,
      motion: -1,
      frame: -1,
      wornModel: '',
      wornSlot: DEFAULT_WEARABLE_SLOT,
      worn: null,
      customAsset: '',
      custom: null,
    };
    this.slots.push(slot);
    this.parent.add(mesh);
    return slot;
  }
  /* eslint-enable no-restricted-syntax */
}
