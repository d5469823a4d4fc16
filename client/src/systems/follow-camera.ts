/** Third-person camera: behind and above the local avatar, looking along +z, eased to avoid jitter. */
import { Vector3, type Camera } from 'three';
import type { AvatarBody } from '../../../protocol/index.js';

/** Camera offset from the avatar, in metres. */
const OFFSET = new Vector3(0, 7, -10);
/** Fraction of the remaining distance closed per second (exponential ease). */
const FOLLOW_RATE = 6;

const target = new Vector3();
const lookAt = new Vector3();

export function followCamera(camera: Camera, body: AvatarBody, dtSeconds: number): void {
  target.set(body.x + OFFSET.x, OFFSET.y, body.z + OFFSET.z);
  const blend = 1 - Math.exp(-FOLLOW_RATE * dtSeconds);
  camera.position.lerp(target, blend);
  lookAt.set(camera.position.x - OFFSET.x, 1, camera.position.z - OFFSET.z);
  camera.lookAt(lookAt);
}
