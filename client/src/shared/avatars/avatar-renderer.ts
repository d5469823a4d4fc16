/**
 * Draws every avatar each frame: the nearest few (around the local avatar, or the camera when there is
 * none) as skinned meshes with cross-faded motions, everyone else in the instanced crowd, one mesh per
 * level of detail chosen by distance from the camera. Avatar draw calls stay at most `nearMax` + the
 * number of levels however big the crowd grows; they are counted as three.js draws them (onAfterRender).
 *
 * With `nearMax` ≥ capacity and an infinite `nearDistance` it is the naive renderer (one skinned mesh and
 * mixer per avatar) that the client benchmark measures as its baseline.
 */
import {
  Color,
  Group,
  Matrix4,
  Quaternion,
  Vector3,
  type Camera,
  type InstancedBufferAttribute,
} from 'three';
import type { AvatarBody, WearableSlot } from '../../../../protocol/index.js';
import { AVATAR_LODS, createAvatarGeometry } from './avatar-rig.js';
import type { DrawnLook } from './avatar-look.js';
import { bakeBoneTexture, type BoneTexture } from './bone-texture.js';
import {
  createCrowdMaterial,
  createCrowdMesh,
  setCrowdMotion,
  type CrowdMaterial,
  type CrowdMesh,
} from './crowd-mesh.js';
import { updateMotion, type MotionState } from './motion-state.js';
import { SkinnedAvatars, type CustomAvatarSource } from './skinned-avatars.js';
import type { WornModelSource } from './worn-models.js';
import { NearestPicker } from '../world/systems/nearest.js';
import { DEFAULT_TAG_HEIGHT, type AvatarFigure } from '../world/store-avatars.js';

export interface AvatarRendererOptions {
  /** Most avatars drawn at all. */
  capacity: number;
  /** Most avatars drawn as skinned meshes (the local one included). */
  nearMax: number;
  /** Only avatars this close to the focus (metres) are drawn skinned. */
  nearDistance: number;
  /** Crowd avatars this far from the camera or farther (metres) use detail level 1, 2, … (ascending). */
  lodDistances: readonly number[];
}

export const DEFAULT_AVATAR_RENDERING: AvatarRendererOptions = {
  capacity: 2048,
  nearMax: 6,
  nearDistance: 14,
  lodDistances: [20, 36],
};

/** One avatar to draw this frame. */
export interface DrawnAvatar {
  id: string;
  body: AvatarBody;
  colorHex: number;
  look: DrawnLook;
  motion: MotionState;
  /** On a seat (the room says so): it sits. */
  seated: boolean;
  /** The worn token's model (asset hash; '' = none) and its slot: drawn on near avatars only. */
  wornModel: string;
  wornSlot: WearableSlot;
  /** Its own avatar (asset hash of an `avatar` upload; '' = the default figure): near only. */
  avatarModel: string;
  /** Written here each frame: how its figure is drawn (the name tags read it). */
  figure: AvatarFigure;
}

const matrix = new Matrix4();
const position = new Vector3();
const rotation = new Quaternion();
const scale = new Vector3(1, 1, 1);
const up = new Vector3(0, 1, 0);
const color = new Color();
const focus = new Vector3();

function upload(attribute: InstancedBufferAttribute, count: number): void {
  attribute.clearUpdateRanges();
  attribute.addUpdateRange(0, count * attribute.itemSize);
  attribute.needsUpdate = true;
}

export class AvatarRenderer {
  /** Add this to the scene. */
  readonly root = new Group();
  private readonly baked: BoneTexture;
  /** The crowd, one instanced mesh per level of detail. */
  private readonly crowd: CrowdMesh[];
  private readonly crowdMaterial: CrowdMaterial;
  /** Instances written to each crowd mesh this frame. */
  private readonly instances: Uint32Array;
  private readonly skinned: SkinnedAvatars;
  /** The near avatars' motion states this frame. */
  private readonly nearest: NearestPicker<MotionState>;
  private frame = 0;
  private drawCalls = 0;
  /** Scales the LOD and near distances (the visitor's detail setting; more = finer farther out). */
  lodBias = 1;

  /** Where worn tokens' models come from (none: near avatars wear nothing but their name tag's picture). */
  set wornModels(source: WornModelSource | undefined) {
    this.skinned.wornModels = source;
  }

  /** Where visitors' own avatars come from (none: everyone is a default figure). */
  set customAvatars(source: CustomAvatarSource | undefined) {
    this.skinned.customAvatars = source;
  }

  /** Sessions drawn in their own avatar now (id → 'vrm' or 'gltf'). */
  customDrawn(): Record<string, 'vrm' | 'gltf'> {
    return this.skinned.customDrawn();
  }

  constructor(private readonly options: AvatarRendererOptions = DEFAULT_AVATAR_RENDERING) {
    if (options.lodDistances.length >= AVATAR_LODS)
      throw new Error(`avatars: at most ${AVATAR_LODS - 1} LOD distances (there are ${AVATAR_LODS} levels)`);
    const geometry = createAvatarGeometry();
    this.baked = bakeBoneTexture();
    const countDraw = () => void (this.drawCalls += 1);
    this.crowdMaterial = createCrowdMaterial(this.baked);
    this.crowd = [0, ...options.lodDistances].map((_, level) => {
      const lod = createCrowdMesh(
        level === 0 ? geometry : createAvatarGeometry(level),
        this.crowdMaterial,
        options.capacity,
      );
      lod.mesh.onAfterRender = countDraw;
      this.root.add(lod.mesh);
      return lod;
    });
    this.instances = new Uint32Array(this.crowd.length);
    this.skinned = new SkinnedAvatars(this.root, geometry, options.nearMax, countDraw);
    this.nearest = new NearestPicker(Math.min(options.nearMax, options.capacity));
  }

  /** Avatar draw calls of the last render (read once per frame, before the next render). */
  takeDrawCalls(): number {
    const calls = this.drawCalls;
    this.drawCalls = 0;
    return calls;
  }

  /**
   * Draws `avatars[0 .. count)`; with `hasLocal` the first is the visitor's own, and nearness is measured
   * from it (else from the camera). `now` is seconds on the motions' clock; returns how many were drawn.
   */
  draw(
    avatars: readonly DrawnAvatar[],
    count: number,
    hasLocal: boolean,
    camera: Camera,
    now: number,
    dt: number,
  ): number {
    const frame = ++this.frame;
    const drawn = Math.min(count, this.options.capacity);
    for (let i = 0; i < drawn; i++) {
      const avatar = avatars[i]!;
      updateMotion(avatar.motion, avatar.body, now, dt, avatar.seated);
    }

    const local = hasLocal ? avatars[0] : undefined;
    if (local) focus.set(local.body.x, local.body.y, local.body.z);
    else focus.copy(camera.position);
    this.pickNearest(avatars, drawn, frame);
    this.skinned.releaseUnpicked(frame);

    this.instances.fill(0);
    const lods = this.options.lodDistances;
    for (let i = 0; i < drawn; i++) {
      const avatar = avatars[i]!;
      const { body, motion } = avatar;
      const near = motion.nearFrame === frame;
      if (near && this.skinned.draw(avatar, now, frame)) continue;
      avatar.figure.tagHeight = DEFAULT_TAG_HEIGHT; // the crowd draws the default figure
      position.set(body.x, body.y, body.z);
      const distance = position.distanceTo(camera.position);
      let level = 0;
      while (level < lods.length && distance >= lods[level]! * this.lodBias) level += 1;
      const lod = this.crowd[level]!;
      const index = this.instances[level]!;
      rotation.setFromAxisAngle(up, body.yaw);
      const { look } = avatar;
      matrix.compose(position, rotation, scale.set(look.scaleX, look.scaleY, look.scaleZ));
      lod.mesh.setMatrixAt(index, matrix);
      lod.mesh.setColorAt(index, color.setHex(avatar.colorHex));
      const baked = this.baked.motions[motion.motion]!;
      setCrowdMotion(lod, index, baked.firstRow, baked.frames, motion.since, baked.loop);
      lod.headwear.setX(index, look.headwear);
      this.instances[level] = index + 1;
    }
    this.skinned.finish(frame, dt);

    for (let level = 0; level < this.crowd.length; level++) {
      const { mesh, motion, headwear } = this.crowd[level]!;
      mesh.count = this.instances[level]!;
      mesh.visible = mesh.count > 0;
      // Upload only the instances in use, not the whole capacity.
      upload(mesh.instanceMatrix, mesh.count);
      if (mesh.instanceColor) upload(mesh.instanceColor, mesh.count);
      upload(motion, mesh.count);
      upload(headwear, mesh.count);
    }
    this.crowdMaterial.time.value = now;
    return drawn;
  }

  /** Marks (motion.nearFrame = frame) the nearMax avatars nearest the focus within nearDistance. */
  private pickNearest(avatars: readonly DrawnAvatar[], count: number, frame: number): void {
    const { nearMax, nearDistance } = this.options;
    const limit = (nearDistance * this.lodBias) ** 2;
    const everyone = nearMax >= count; // room for all in range: no ranking (the naive baseline's path)
    this.nearest.reset();
    for (let i = 0; i < count; i++) {
      const { body, motion } = avatars[i]!;
      const d2 = focus.distanceToSquared(position.set(body.x, body.y, body.z));
      if (d2 > limit) continue;
      if (everyone) motion.nearFrame = frame;
      else this.nearest.offer(motion, d2);
    }
    for (let i = 0; i < this.nearest.count; i++) this.nearest.at(i).nearFrame = frame;
  }
}
