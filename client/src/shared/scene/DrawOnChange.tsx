/**
 * Draws the canvas only when something may have changed, instead of every frame: an editor's view is
 * still most of the time, and each drawn frame costs the GPU (in software WebGL, 20–25 ms of SwiftShader
 * per frame at 1440×900 — one and a half cores while it draws at 30 frames a second, taken from the
 * server and everything else on the machine). The frame loop still runs every frame, so the renderer's
 * per-frame checks (a new scene version, a model's level, a video's frame) go on; what changes the view
 * says so with react-three-fiber's `invalidate()` — React's own updates of the scene graph do that by
 * themselves — and a moved camera is noticed here. Only the frames asked for are drawn: each costs a
 * software GPU 20–40 ms, so a few "to be safe" after every change kept it busy when the next click came.
 */
import { useFrame } from '@react-three/fiber';
import { useMemo } from 'react';
import { Matrix4 } from 'three';

export function DrawOnChange() {
  const seen = useMemo(() => ({ view: new Matrix4(), projection: new Matrix4(), drawn: false }), []);
  // Priority 1: the drawing is done here (react-three-fiber draws nothing itself while a callback has one).
  useFrame((state) => {
    const { camera, gl, scene, internal } = state;
    camera.updateMatrixWorld(); // controls move the camera; its matrix follows only when it is drawn
    const moved = !seen.view.equals(camera.matrixWorld) || !seen.projection.equals(camera.projectionMatrix);
    // `internal.frames` counts the frames asked for since the last one: invalidate() and React's updates.
    if (seen.drawn && !moved && internal.frames === 0) return;
    seen.drawn = true;
    gl.render(scene, camera);
    seen.view.copy(camera.matrixWorld);
    seen.projection.copy(camera.projectionMatrix);
  }, 1);
  return null;
}
