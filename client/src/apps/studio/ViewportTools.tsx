/**
 * What the editor asks of the viewport, from outside the canvas: which entity is under the pointer (a
 * model or sign hit by a ray, else the nearest entity's origin within a few pixels), which entities a
 * dragged rectangle holds, the surface point under the pointer (where a dropped model lands: the first
 * model or marker hit, else the ground), and framing the camera on some entities or all of them.
 */
import { useThree } from '@react-three/fiber';
import { useEffect } from 'react';
import { Box3, Plane, Raycaster, Sphere, Vector2, Vector3 } from 'three';
import type { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { sceneEntities, transformResolver, type SceneDocument } from '../../../../protocol/index.js';
import { framedEntities } from './framing.js';
import { drawnRoots, entityOf, surfaceHit } from './surface-hit.js';
import type { ViewportApi } from './viewport-api.js';

/** Pixels from an entity's origin that still pick it when no model is hit. */
const PICK_PX = 14;

export type { ViewportApi };

export function ViewportTools({
  scene,
  orbit,
  api,
}: {
  scene: SceneDocument | null;
  orbit: OrbitControls | null;
  api: { current: ViewportApi | null };
}) {
  const camera = useThree((state) => state.camera);
  const gl = useThree((state) => state.gl);
  const three = useThree((state) => state.scene);
  const invalidate = useThree((state) => state.invalidate);

  useEffect(() => {
    const raycaster = new Raycaster();
    const ndc = (clientX: number, clientY: number) => {
      const box = gl.domElement.getBoundingClientRect();
      return new Vector2(
        ((clientX - box.left) / box.width) * 2 - 1,
        -((clientY - box.top) / box.height) * 2 + 1,
      );
    };
    // Every entity's origin in the world, worked out once per scene (when first asked).
    let known: { id: string; p: Vector3 }[] | undefined;
    const origins = (): { id: string; p: Vector3 }[] => {
      if (!scene) return [];
      const resolve = transformResolver(scene);
      known ??= sceneEntities(scene).map((entity) => ({
        id: entity.id,
        p: new Vector3(...resolve(entity).p),
      }));
      return known;
    };
    /** Where a point is on the page; `box` is the canvas's (asked once per question: it costs a layout). */
    const toClient = (p: Vector3, box = gl.domElement.getBoundingClientRect()) => {
      const v = p.clone().project(camera);
      return {
        x: box.left + ((v.x + 1) / 2) * box.width,
        y: box.top + ((1 - v.y) / 2) * box.height,
        front: v.z < 1,
      };
    };
    api.current = {
      pick(clientX, clientY) {
        raycaster.setFromCamera(ndc(clientX, clientY), camera);
        for (const hit of raycaster.intersectObjects(drawnRoots(three), true)) {
          const id = entityOf(hit.object);
          if (id && scene?.entities[id]) return id;
        }
        let best: { id: string; d: number } | null = null;
        const box = gl.domElement.getBoundingClientRect();
        for (const { id, p } of origins()) {
          const at = toClient(p, box);
          const d = Math.hypot(at.x - clientX, at.y - clientY);
          if (at.front && d <= PICK_PX && (!best || d < best.d)) best = { id, d };
        }
        return best?.id ?? null;
      },
      inRect(x0, y0, x1, y1) {
        const [left, right, top, bottom] = [
          Math.min(x0, x1),
          Math.max(x0, x1),
          Math.min(y0, y1),
          Math.max(y0, y1),
        ];
        const box = gl.domElement.getBoundingClientRect();
        return origins()
          .filter(({ p }) => {
            const at = toClient(p, box);
            return at.front && at.x >= left && at.x <= right && at.y >= top && at.y <= bottom;
          })
          .map(({ id }) => id);
      },
      surfaceAt(clientX, clientY) {
        raycaster.setFromCamera(ndc(clientX, clientY), camera);
        const hit = surfaceHit(raycaster, three);
        const ground = new Vector3();
        const point = hit?.point ?? raycaster.ray.intersectPlane(new Plane(new Vector3(0, 1, 0), 0), ground);
        const round = (v: number) => Math.round(v * 1000) / 1000;
        return point ? [round(point.x), round(point.y), round(point.z)] : [0, 0, 0];
      },
      frame(ids) {
        if (!scene || !orbit) return;
        const resolve = transformResolver(scene);
        const wanted = ids === 'all' ? null : new Set(ids);
        const box = new Box3();
        for (const entity of wanted ? sceneEntities(scene) : framedEntities(scene)) {
          let inside = !wanted || wanted.has(entity.id);
          for (let at = entity.parent; !inside && at !== undefined; at = scene.entities[at]?.parent)
            inside = wanted!.has(at);
          if (!inside) continue;
          box.expandByPoint(new Vector3(...resolve(entity).p));
          const model = three.getObjectByName(`model-${entity.id}`);
          if (model) box.expandByObject(model);
        }
        if (box.isEmpty()) return;
        const sphere = box.getBoundingSphere(new Sphere());
        const radius = Math.max(sphere.radius, 1.5);
        // Keep the direction the camera looks from; back off until the sphere fits the narrower field of view.
        const direction = camera.position.clone().sub(orbit.target).normalize();
        const fov = 'fov' in camera ? (camera.fov * Math.PI) / 180 : Math.PI / 4;
        const aspect = gl.domElement.clientWidth / Math.max(1, gl.domElement.clientHeight);
        const fit = Math.min(fov, 2 * Math.atan(Math.tan(fov / 2) * aspect));
        const distance = (radius / Math.sin(fit / 2)) * 1.1;
        orbit.target.copy(sphere.center);
        camera.position.copy(sphere.center).addScaledVector(direction, distance);
        orbit.update();
      },
      project(id) {
        if (!scene?.entities[id]) return null;
        const at = toClient(new Vector3(...transformResolver(scene)({ ...scene.entities[id], id }).p));
        return at.front ? { x: at.x, y: at.y } : null;
      },
      snapshot() {
        // Drawn again just before reading, in the same task: the canvas keeps no copy between frames.
        const helpers = three.children.filter((child) => child.type.includes('Helper'));
        for (const helper of helpers) helper.visible = false;
        gl.render(three, camera);
        for (const helper of helpers) helper.visible = true;
        invalidate(); // the next frame shows the handles again
        return new Promise((resolve) => gl.domElement.toBlob(resolve, 'image/png'));
      },
      view() {
        if (!orbit) return null;
        return { position: camera.position.toArray(), target: orbit.target.toArray() };
      },
      look(view) {
        if (!orbit) return;
        orbit.target.set(...view.target);
        camera.position.set(...view.position);
        orbit.update();
        invalidate();
      },
      drawn() {
        const { calls, triangles, frame } = gl.info.render;
        return { calls, triangles, frames: frame };
      },
      redraw: () => invalidate(),
    };
    return () => {
      api.current = null;
    };
  }, [scene, orbit, camera, gl, three, api, invalidate]);
  return null;
}
