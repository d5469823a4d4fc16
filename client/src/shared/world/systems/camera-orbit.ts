/**
 * The third-person camera's orbit, set with the mouse: drag on the scene to turn it around the avatar
 * (and tilt it), the wheel to move it nearer or farther. A press without a drag stays a click (walk
 * there). Movement keys and the joystick are relative to where the camera looks (see toCameraFrame).
 */
import type { MoveIntent } from '../../../../../protocol/index.js';

/** Yaw 0 looks along +z (the avatars' forward); pitch is the camera's height angle above the avatar. */
export const orbit = { yaw: 0, pitch: 0.5, distance: 11.4 };

const MIN_PITCH = 0.08;
const MAX_PITCH = 1.35;
const MIN_DISTANCE = 3;
const MAX_DISTANCE = 24;
/** Radians turned per pixel dragged. */
const TURN_PER_PIXEL = 0.006;
/** A press that moves farther than this (pixels) is a drag, not a click. */
const DRAG_THRESHOLD = 4;

/** Listens on the canvas's element; returns a function that stops listening. Runs once per page. */
/* eslint-disable no-restricted-syntax -- installs listeners once; only toCameraFrame runs per frame */
export function installCameraOrbit(element: HTMLElement): () => void {
  let pressed = false;
  let dragging = false;
  let startX = 0;
  let startY = 0;
  let lastX = 0;
  let lastY = 0;
  const down = (event: PointerEvent): void => {
    if (event.pointerType === 'touch' || event.button !== 0) return;
    pressed = true;
    dragging = false;
    startX = lastX = event.clientX;
    startY = lastY = event.clientY;
  };
  const move = (event: PointerEvent): void => {
    if (!pressed) return;
    if (!dragging && Math.hypot(event.clientX - startX, event.clientY - startY) > DRAG_THRESHOLD)
      dragging = true;
    if (!dragging) return;
    orbit.yaw -= (event.clientX - lastX) * TURN_PER_PIXEL;
    orbit.pitch = Math.min(
      MAX_PITCH,
      Math.max(MIN_PITCH, orbit.pitch + (event.clientY - lastY) * TURN_PER_PIXEL),
    );
    lastX = event.clientX;
    lastY = event.clientY;
  };
  const up = (): void => {
    pressed = false;
  };
  const wheel = (event: WheelEvent): void => {
    event.preventDefault();
    orbit.distance = Math.min(
      MAX_DISTANCE,
      Math.max(MIN_DISTANCE, orbit.distance * Math.exp(event.deltaY * 0.001)),
    );
  };
  element.addEventListener('pointerdown', down);
  window.addEventListener('pointermove', move);
  window.addEventListener('pointerup', up);
  element.addEventListener('wheel', wheel, { passive: false });
  return () => {
    element.removeEventListener('pointerdown', down);
    window.removeEventListener('pointermove', move);
    window.removeEventListener('pointerup', up);
    element.removeEventListener('wheel', wheel);
  };
}

/* eslint-enable no-restricted-syntax */

/**
 * Turns intent given relative to the screen (x to the screen's left, z into it, as keyboard.ts reads it)
 * into the world's axes for the camera's current yaw.
 */
export function toCameraFrame(intent: MoveIntent): void {
  if (orbit.yaw === 0 || (intent.x === 0 && intent.z === 0)) return;
  const cos = Math.cos(orbit.yaw);
  const sin = Math.sin(orbit.yaw);
  const x = intent.x;
  const z = intent.z;
  intent.x = x * cos + z * sin;
  intent.z = z * cos - x * sin;
}
