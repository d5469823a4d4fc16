/**
 * Writes every avatar (local first, then remotes) into the instanced meshes: one draw call for all bodies
 * and one for all visors, however many avatars there are. Scratch objects live at module scope.
 */
import { Color, Matrix4, Quaternion, Vector3, type InstancedMesh } from 'three';
import type { AvatarBody } from '../../../protocol/index.js';
import type { WorldStore } from '../world-store.js';

/** Most avatars drawn; the instanced meshes are allocated for this many. */
export const MAX_DRAWN_AVATARS = 1024;
/** Height of the capsule's centre above the ground, in metres. */
const BODY_CENTRE_Y = 0.85;

const matrix = new Matrix4();
const position = new Vector3();
const rotation = new Quaternion();
const scale = new Vector3(1, 1, 1);
const up = new Vector3(0, 1, 0);
const color = new Color();
const visorOffset = new Vector3();

function place(
  bodies: InstancedMesh,
  visors: InstancedMesh,
  index: number,
  body: AvatarBody,
  hex: number,
): void {
  rotation.setFromAxisAngle(up, body.yaw);
  position.set(body.x, BODY_CENTRE_Y + body.y, body.z);
  matrix.compose(position, rotation, scale);
  bodies.setMatrixAt(index, matrix);
  bodies.setColorAt(index, color.setHex(hex));
  // The visor sits in front of the face, so facing is visible from above.
  visorOffset.set(0, 0.45, 0.3).applyQuaternion(rotation);
  position.add(visorOffset);
  matrix.compose(position, rotation, scale);
  visors.setMatrixAt(index, matrix);
}

/** Returns how many avatars were drawn. */
export function drawAvatars(store: WorldStore, bodies: InstancedMesh, visors: InstancedMesh): number {
  let index = 0;
  if (store.local && store.connection === 'joined') {
    place(bodies, visors, index++, store.local.predicted, store.local.colorHex);
  }
  for (const remote of store.remotes.values()) {
    if (index >= MAX_DRAWN_AVATARS) break;
    if (remote.count === 0) continue; // no position received yet
    place(bodies, visors, index++, remote.rendered, remote.colorHex);
  }
  bodies.count = index;
  visors.count = index;
  bodies.instanceMatrix.needsUpdate = true;
  visors.instanceMatrix.needsUpdate = true;
  if (bodies.instanceColor) bodies.instanceColor.needsUpdate = true;
  return index;
}
