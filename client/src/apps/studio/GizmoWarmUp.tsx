/**
 * Draws the move / rotate / scale handles once, into one pixel, just after the viewport opens — so the
 * creator's first click draws them at once. Compiling the handles' shaders is not enough: the GPU driver
 * builds each draw's pipeline the first time it is used (SwiftShader: 90–150 ms for the handles on the
 * first selection, 46 ms for the lines shown only while a handle is dragged on the first drag). For three
 * frames (one per mode) it draws the frame as usual, then the scene again with the handles on — as they
 * look at rest and while dragged — in a 1×1 scissor at the canvas's corner, where the scene alone would
 * be drawn the same: nothing shows. The handles take no pointer input meanwhile; then it unmounts.
 */
import { useFrame, useThree } from '@react-three/fiber';
import { useRef } from 'react';
import { Vector3, type Object3D } from 'three';
import type { TransformControls } from 'three/examples/jsm/controls/TransformControls.js';
import type { GizmoMode } from './TransformGizmo.js';

const MODES: readonly GizmoMode[] = ['translate', 'rotate', 'scale'];
/** Metres ahead of the camera where the handles are drawn (in view, so nothing culls them). */
const AHEAD_M = 10;
const ahead = new Vector3();

/** The part of TransformControls that draws the handles: as at rest, or dragged along an axis. */
type HandlesLook = Object3D & { dragging: boolean; axis: string | null };

export function GizmoWarmUp({
  controls,
  proxy,
  mode,
  onDone,
}: {
  controls: TransformControls;
  /** The object the handles hold (unattached while nothing is selected). */
  proxy: Object3D;
  /** The mode the creator chose, restored afterwards. */
  mode: GizmoMode;
  onDone: () => void;
}) {
  const gl = useThree((state) => state.gl);
  const scene = useThree((state) => state.scene);
  const camera = useThree((state) => state.camera);
  const steps = useRef(0);
  // Priority 1: this frame's drawing is done here (react-three-fiber draws nothing itself meanwhile).
  useFrame(() => {
    gl.render(scene, camera);
    const warming = MODES[steps.current];
    if (warming === undefined) return;
    steps.current += 1;
    if (controls.object !== undefined) return onDone(); // something is selected: its handles are drawn anyway
    const held = proxy.position.clone();
    camera.getWorldDirection(ahead);
    proxy.position.copy(camera.position).addScaledVector(ahead, AHEAD_M);
    proxy.updateMatrixWorld();
    controls.enabled = false;
    controls.attach(proxy);
    controls.setMode(warming);
    const autoClear = gl.autoClear;
    gl.autoClear = false;
    gl.setScissorTest(true);
    gl.setScissor(0, 0, 2, 2); // CSS pixels: at least one of the canvas's
    gl.render(scene, camera);
    const look = controls.getHelper().children.find((child) => child.type === 'TransformControlsGizmo') as
      HandlesLook | undefined;
    if (look) {
      // Only how they look changes: the controls themselves are not dragging (no events are sent).
      [look.dragging, look.axis] = [true, 'X'];
      gl.render(scene, camera);
      [look.dragging, look.axis] = [false, null];
    }
    gl.setScissorTest(false);
    gl.autoClear = autoClear;
    controls.detach();
    controls.setMode(mode);
    controls.enabled = true;
    proxy.position.copy(held);
    proxy.updateMatrixWorld();
    if (steps.current === MODES.length) onDone();
  }, 1);
  return null;
}
