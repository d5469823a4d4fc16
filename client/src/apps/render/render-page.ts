/**
 * A page that renders one glTF to a PNG: thumbnails and the asset benchmark's image comparison drive it
 * in headless Chromium. It uses the player's own loaders, so what renders here loads in the player.
 *   window.__mibRender({ url, size, camera? }) → { png (data URL), camera, drawCalls, triangles }
 *   window.__mibRenderScene({ scene, width, height, timeoutMs }) → { png, models } — a whole scene through
 *   the shared scene renderer (world thumbnails; render-scene.tsx)
 * Without `camera`, the model is framed from its bounding sphere; pass the returned camera to render
 * another model (an optimized copy) from exactly the same place.
 */
import {
  AmbientLight,
  Box3,
  Color,
  DirectionalLight,
  HemisphereLight,
  PerspectiveCamera,
  Scene,
  Sphere,
  Vector3,
  WebGLRenderer,
} from 'three';
import type {
  RenderCamera,
  RenderPageGlobals,
  RenderRequest,
  RenderResult,
} from '../../../../protocol/index.js';
import { createGltfLoader } from '../../shared/assets/gltf-loaders';
import { renderScene } from './render-scene.js';

const FOV_DEGREES = 40;
const renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: true, alpha: false });
renderer.setPixelRatio(1);
document.body.appendChild(renderer.domElement);
const loader = createGltfLoader(renderer);

function frame(scene: Scene): RenderCamera {
  const sphere = new Box3().setFromObject(scene).getBoundingSphere(new Sphere());
  const radius = Math.max(sphere.radius, 1e-3);
  const distance = (radius / Math.sin(((FOV_DEGREES / 2) * Math.PI) / 180)) * 1.05;
  const direction = new Vector3(1, 0.6, 1.2).normalize();
  const position = sphere.center.clone().addScaledVector(direction, distance);
  return {
    position: [position.x, position.y, position.z],
    target: [sphere.center.x, sphere.center.y, sphere.center.z],
    near: distance / 100,
    far: distance + radius * 4,
  };
}

async function render(request: RenderRequest): Promise<RenderResult> {
  const gltf = await loader.loadAsync(request.url);
  const scene = new Scene();
  scene.background = new Color('#20242c');
  scene.add(new HemisphereLight('#ffffff', '#444455', 1.6), new AmbientLight('#ffffff', 0.4));
  const sun = new DirectionalLight('#ffffff', 2.2);
  sun.position.set(3, 5, 4);
  scene.add(sun, gltf.scene);
  scene.updateMatrixWorld(true);
  const view = request.camera ?? frame(scene);
  const camera = new PerspectiveCamera(FOV_DEGREES, 1, view.near, view.far);
  camera.position.set(...view.position);
  camera.lookAt(new Vector3(...view.target));
  renderer.setSize(request.size, request.size, false);
  renderer.info.reset();
  renderer.render(scene, camera);
  const result: RenderResult = {
    png: renderer.domElement.toDataURL('image/png'),
    camera: view,
    drawCalls: renderer.info.render.calls,
    triangles: renderer.info.render.triangles,
  };
  scene.traverse((object) => {
    const mesh = object as { geometry?: { dispose(): void } };
    mesh.geometry?.dispose();
  });
  return result;
}

const globals = window as unknown as RenderPageGlobals;
globals.__mibRender = render;
globals.__mibRenderScene = renderScene;
globals.__mibRenderReady = true;
