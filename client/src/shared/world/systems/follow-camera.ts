/**
 * Third-person camera: orbiting the local avatar as the visitor turned it (camera-orbit.ts), eased to
 * avoid jitter, and pulled in front of any scene geometry between it and the avatar's head so walls never
 * hide the avatar.
 */
import { Raycaster, Vector3, type Camera, type Intersection, type Object3D } from 'three';
import type { AvatarBody } from '../../../../../protocol/index.js';
import { orbit } from './camera-orbit.js';

/** Fraction of the remaining distance closed per second (exponential ease). */
const FOLLOW_RATE = 6;
/** The point the camera looks at and orbits: the avatar's head height, in metres. */
const HEAD = 1.6;
/** How far in front of a blocking surface the camera stops, in metres. */
const CLEARANCE = 0.3;

const head = new Vector3();
const wanted = new Vector3();
const direction = new Vector3();
const ray = new Raycaster();
const hits: Intersection[] = [];

/** Places the camera for this frame; returns its distance from the avatar's head, in metres. */
export function followCamera(
  camera: Camera,
  body: AvatarBody,
  dtSeconds: number,
  blockers: Object3D | null,
): number {
  head.set(body.x, body.y + HEAD, body.z);
  const flat = Math.cos(orbit.pitch) * orbit.distance;
  // Behind the avatar as seen along yaw (yaw 0 looks along +z, so the camera sits at −z).
  direction.set(
    -Math.sin(orbit.yaw) * flat,
    Math.sin(orbit.pitch) * orbit.distance,
    -Math.cos(orbit.yaw) * flat,
  );
  let reach = orbit.distance;
  if (blockers) {
    direction.normalize();
    ray.set(head, direction);
    ray.far = orbit.distance;
    hits.length = 0;
    ray.intersectObject(blockers, true, hits);
    for (const hit of hits) {
      if (hit.object.userData.placeholder) continue;
      reach = Math.max(0.5, hit.distance - CLEARANCE);
      break;
    }
    direction.multiplyScalar(reach);
  }
  wanted.copy(head).add(direction);
  const blend = 1 - Math.exp(-FOLLOW_RATE * dtSeconds);
  camera.position.lerp(wanted, blend);
  // A wall pulls the camera in at once (easing would show the wall first).
  if (reach < orbit.distance && camera.position.distanceTo(head) > reach + 0.01) camera.position.copy(wanted);
  camera.lookAt(head);
  return camera.position.distanceTo(head);
}
