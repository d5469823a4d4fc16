/**
 * A worn token's model on a near avatar: fitted into its slot's size and attached to the slot's bone, so it
 * moves with the avatar's motions (a crown on the head, a gem in the right hand, wings on the back). The
 * models come from a WornModelSource (loaded once per asset, cloned per wearer); the far crowd does not
 * draw them (a few pixels each), nor does an avatar whose model failed to load — its name tag still shows
 * the token's picture.
 */
import { Box3, Group, Vector3, type Object3D } from 'three';
import type { WearableSlot } from '../../../../protocol/index.js';
import type { BoneName } from './avatar-rig.js';

/** Loaded worn models by asset hash. */
export interface WornModelSource {
  /**
   * The model's scene, to be cloned (never added itself), once loaded; undefined while it loads or after it
   * failed. The first ask starts the load.
   */
  template(asset: string): Object3D | undefined;
}

interface SlotPlacement {
  bone: BoneName;
  /** Largest side of the fitted model, in metres. */
  size: number;
  /** Where the model sits in the bone's frame (the bind pose keeps the avatar's axes: +y up, +z forward). */
  at: [number, number, number];
  /** 'bottom': the model's base rests at `at` (worn on top); 'centre': its middle is at `at`. */
  align: 'bottom' | 'centre';
}

/** The rig's joints: head 1.57 m (its top 1.87), right elbow 1.22 (the hand at 0.88), chest 1.25. */
export const SLOT_PLACEMENTS: Record<WearableSlot, SlotPlacement> = {
  head: { bone: 'head', size: 0.32, at: [0, 0.33, 0], align: 'bottom' },
  hand: { bone: 'lowerArmR', size: 0.2, at: [0, -0.43, 0.05], align: 'centre' },
  back: { bone: 'chest', size: 0.5, at: [0, 0.18, -0.32], align: 'centre' },
};

const box = new Box3();
const size = new Vector3();
const centre = new Vector3();

/** A copy of `template` scaled into `slot` and placed in its bone's frame (add it to that bone). */
export function fittedWornModel(template: Object3D, slot: WearableSlot): Group {
  const placement = SLOT_PLACEMENTS[slot];
  const copy = template.clone(true);
  const holder = new Group();
  holder.name = `worn-${slot}`;
  copy.updateMatrixWorld(true);
  box.setFromObject(copy);
  if (box.isEmpty()) return holder; // nothing to draw (a model of lights or empty nodes)
  box.getSize(size);
  box.getCenter(centre);
  const scale = placement.size / Math.max(size.x, size.y, size.z, 1e-6);
  copy.scale.multiplyScalar(scale);
  const base = placement.align === 'bottom' ? box.min.y : centre.y;
  copy.position.set(-centre.x * scale, -base * scale, -centre.z * scale);
  holder.position.set(...placement.at);
  holder.add(copy);
  return holder;
}
