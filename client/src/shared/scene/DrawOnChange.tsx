/**
 * Draws the canvas only when something may have changed, instead of every frame: an editor's view is
 * still most of the time, and each drawn frame costs the GPU (in software WebGL, 20–25 ms of SwiftShader
 * per frame at 1440×900 — one and a half cores while it draws at 30 frames a second, taken from the
 * server and everything else on the machine). The frame loop still runs every frame, so the renderer's
 * per-frame checks (a new scene version, a model's level, a video's frame) go on; what changes the view
 * says so with react-three-fiber's `invalidate()` — React's own updates of the scene graph do that by
 * themselves — and a moved camera is noticed here. After a change it keeps drawing for SETTLE_FRAMES,
 * for what follows a change within a few frames (effects after a commit, a level chosen again).
 */
import { useFrame } from '@react-three/fiber';
import { useMemo } from 'react';
import { Matrix4 } from 'three';

/** Frames drawn after the last change (at 60 Hz, about 100 ms). */
export const SETTLE_FRAMES = 6;

export function DrawOnChange() {
  const seen = useMemo(() => ({ view: new Matrix4(), projection: new Matrix4(), settle: SETTLE_FRAMES }), []);
  // Priority 1: the drawing is done here (react-three-fiber draws nothing itself while a callback has one).
  useFrame((state) => {
    const { camera, gl, scene, internal } = state;
    camera.updateMatrixWorld(); // controls move the camera; its matrix follows only when it is drawn
    const moved = !seen.view.equals(camera.matrixWorld) || !seen.projection.equals(camera.projectionMatrix);
    // `internal.frames` counts the frames asked for since the last one: invalidate() and React's updates.
    if (moved || internal.frames > 0) seen.settle = SETTLE_FRAMES;
    if (seen.settle === 0) return;
    seen.settle -= 1;
    gl.render(scene, camera);
    seen.view.copy(camera.matrixWorld);
    seen.projection.copy(camera.projectionMatrix);
  }, 1);
  return null;
}
