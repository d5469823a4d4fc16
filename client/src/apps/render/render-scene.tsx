/**
 * Renders a whole scene document to a PNG with the shared scene renderer (SceneView), for world thumbnails:
 * the same drawing the player and the studio show. Waits until every model has loaded or failed (or the
 * request's timeout), frames what the scene holds from above at three quarters, and takes one picture.
 */
import { createRoot, extend } from '@react-three/fiber';
import * as THREE_ELEMENTS from '../../shared/scene/three-elements.js';
import { createRef } from 'react';
import { Box3, PerspectiveCamera, Sphere, Vector3, type Group } from 'three';
import {
  sceneFromAnySchema,
  type SceneRenderRequest,
  type SceneRenderResult,
} from '../../../../protocol/index.js';
import { SceneView } from '../../shared/scene/SceneView.js';
import { createSceneSource } from '../../shared/scene/scene-source.js';

const FOV_DEGREES = 45;

// <Canvas> registers the JSX elements itself (see three-elements.ts); a bare root needs them here.
extend(THREE_ELEMENTS);

function settled(source: ReturnType<typeof createSceneSource>): boolean {
  if (source.modelsForVersion !== source.sceneVersion) return false;
  for (const state of source.models.values()) if (state === 'loading') return false;
  return true;
}

export async function renderScene(request: SceneRenderRequest): Promise<SceneRenderResult> {
  const read = sceneFromAnySchema(request.scene);
  if (!read.ok) throw new Error(`the scene is not valid: ${read.reason} (at ${read.path})`);
  const source = createSceneSource(read.scene);
  const canvas = document.createElement('canvas');
  canvas.width = request.width;
  canvas.height = request.height;
  document.body.appendChild(canvas);
  const camera = new PerspectiveCamera(FOV_DEGREES, request.width / request.height, 0.1, 2000);
  const root = createRoot(canvas);
  await root.configure({
    gl: { antialias: true, preserveDrawingBuffer: true },
    size: { width: request.width, height: request.height, top: 0, left: 0 },
    dpr: 1,
    camera,
    frameloop: 'always',
  });
  const blockers = createRef<Group>();
  const store = root.render(<SceneView source={source} blockers={blockers} />);
  try {
    const deadline = performance.now() + request.timeoutMs;
    // Give React a few frames to mount and the models their first requests, then wait for them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    while (!settled(source) && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const state = store.getState();
    const sphere = blockers.current
      ? new Box3().setFromObject(blockers.current).getBoundingSphere(new Sphere())
      : new Sphere(new Vector3(), 0);
    const radius = Number.isFinite(sphere.radius) && sphere.radius > 0.5 ? sphere.radius : 8;
    const centre =
      Number.isFinite(sphere.radius) && sphere.radius > 0.5 ? sphere.center : new Vector3(0, 1, 0);
    const distance = (radius / Math.sin(((FOV_DEGREES / 2) * Math.PI) / 180)) * 1.1;
    camera.position.copy(centre).addScaledVector(new Vector3(0.8, 0.75, 1).normalize(), distance);
    camera.near = Math.max(0.05, distance / 200);
    camera.far = distance + radius * 4 + 500;
    camera.updateProjectionMatrix();
    camera.lookAt(centre);
    state.gl.render(state.scene, camera);
    const counts = { loaded: 0, failed: 0, pending: 0 };
    for (const model of source.models.values())
      counts[model === 'loaded' ? 'loaded' : model === 'failed' ? 'failed' : 'pending'] += 1;
    return { png: canvas.toDataURL('image/png'), models: counts };
  } finally {
    root.unmount();
    canvas.remove();
  }
}
