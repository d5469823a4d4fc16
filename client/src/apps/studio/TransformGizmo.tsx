/**
 * The viewport's move / rotate / scale handles (three's TransformControls) on the selected entity, along
 * the world's axes or the entity's own, snapping to steps when asked (SNAP), or standing the moved entity
 * on the surface under the pointer (`surface`: its origin on the first model, sign or frame hit, else the
 * ground). Made once with the viewport, its shaders compiled and its draws warmed then (GizmoWarmUp):
 * selecting shows the handles, it never builds or compiles them (a compile takes seconds in software
 * WebGL). During a drag only the entity's drawn objects move (fast whatever the scene's size); when the
 * handle is let go, the entity's new transform relative to its parent goes to `onChange` — one command,
 * one undo step, one save.
 */
import { useThree } from '@react-three/fiber';
import { useEffect, useMemo, useState } from 'react';
import { Matrix4, Object3D, Quaternion, Raycaster, Vector2, Vector3 } from 'three';
import { TransformControls } from 'three/examples/jsm/controls/TransformControls.js';
import type { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { GizmoWarmUp } from './GizmoWarmUp.js';
import { surfaceHit } from './surface-hit.js';
import { transformResolver, type SceneDocument, type SceneEntity } from '../../../../protocol/index.js';

export type GizmoMode = 'translate' | 'rotate' | 'scale';

/** What the scene renderer and the editor overlays name after an entity (`<prefix>-<id>`). */
const DRAWN_PREFIXES = ['model', 'text', 'frame', 'light'] as const;

/** Steps while snapping: 0.25 m, 15°, 0.1 of the size. */
export const SNAP = { metres: 0.25, radians: Math.PI / 12, scale: 0.1 } as const;

/** The entity and every entity under it (parent links followed down; no copies of the entities). */
function subtree(scene: SceneDocument, root: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const id in scene.entities) {
    const parent = scene.entities[id]!.parent;
    if (parent === undefined) continue;
    const siblings = children.get(parent);
    if (siblings) siblings.push(id);
    else children.set(parent, [id]);
  }
  const ids = new Set([root]);
  for (const id of ids) for (const child of children.get(id) ?? []) ids.add(child); // a Set visits what is added
  return ids;
}

/** The objects drawn for `ids` (the first named `<prefix>-<id>` each, as getObjectByName finds), in one walk. */
function drawnFor(three: Object3D, ids: ReadonlySet<string>): Object3D[] {
  const names = new Set<string>();
  for (const id of ids) for (const prefix of DRAWN_PREFIXES) names.add(`${prefix}-${id}`);
  const found = new Map<string, Object3D>();
  three.traverse((object) => {
    if (names.has(object.name) && !found.has(object.name)) found.set(object.name, object);
  });
  return [...found.values()];
}

const matrixOf = (t: { p: number[]; q: number[]; s: number[] }) =>
  new Matrix4().compose(
    new Vector3(t.p[0], t.p[1], t.p[2]),
    new Quaternion(t.q[0], t.q[1], t.q[2], t.q[3]),
    new Vector3(t.s[0], t.s[1], t.s[2]),
  );

export function TransformGizmo({
  scene,
  entity,
  mode,
  space,
  snap,
  surface = false,
  orbit,
  handles,
  onChange,
}: {
  scene: SceneDocument | null;
  /** The entity with the handles; null hides them. */
  entity: string | null;
  mode: GizmoMode;
  /** Handles along the world's axes or the entity's own. */
  space: 'world' | 'local';
  snap: boolean;
  /** Moving stands the entity on the surface under the pointer (the ground where there is nothing else). */
  surface?: boolean;
  orbit: OrbitControls | null;
  /** Receives the controls (the viewport asks whether a press is on a handle). */
  handles?: { current: TransformControls | null };
  onChange: (transform: SceneEntity['transform']) => void;
}) {
  const camera = useThree((state) => state.camera);
  const gl = useThree((state) => state.gl);
  const three = useThree((state) => state.scene);
  const invalidate = useThree((state) => state.invalidate);
  const proxy = useMemo(() => new Object3D(), []);
  const controls = useMemo(() => new TransformControls(camera, gl.domElement), [camera, gl]);

  useEffect(() => {
    const helper = controls.getHelper();
    three.add(proxy, helper);
    if (handles) handles.current = controls;
    return () => {
      controls.detach();
      three.remove(proxy, helper);
      controls.dispose();
      if (handles?.current === controls) handles.current = null;
    };
  }, [controls, proxy, three, handles]);
  useEffect(() => {
    const dragging = (event: { value: unknown }) => {
      if (orbit) orbit.enabled = !event.value; // the camera holds still while a handle is dragged
    };
    controls.addEventListener('dragging-changed', dragging);
    return () => controls.removeEventListener('dragging-changed', dragging);
  }, [controls, orbit]);

  // Compiled now, and drawn once out of sight, so the first selection draws at once.
  useEffect(() => void gl.compileAsync(controls.getHelper(), camera, three), [controls, gl, camera, three]);
  const [warm, setWarm] = useState(false);
  useEffect(() => {
    if (entity !== null) controls.attach(proxy);
    else controls.detach();
    invalidate();
  }, [controls, proxy, entity, invalidate]);
  // Whatever changes how the handles look (a hover, a drag, a mode) is drawn (the canvas draws on change).
  useEffect(() => {
    const redraw = () => invalidate();
    controls.addEventListener('change', redraw);
    return () => controls.removeEventListener('change', redraw);
  }, [controls, invalidate]);

  useEffect(() => controls.setMode(mode), [controls, mode]);
  useEffect(() => controls.setSpace(space), [controls, space]);
  useEffect(() => {
    controls.setTranslationSnap(snap ? SNAP.metres : null);
    controls.setRotationSnap(snap ? SNAP.radians : null);
    controls.setScaleSnap(snap ? SNAP.scale : null);
  }, [controls, snap]);

  // Where the entity is (its world transform), and what undoes its parent's.
  const parentInverse = useMemo(() => {
    if (!scene || entity === null) return new Matrix4();
    const resolve = transformResolver(scene);
    const parent = scene.entities[entity]?.parent;
    const parentEntity = parent !== undefined ? scene.entities[parent] : undefined;
    const world = scene.entities[entity] ? resolve({ ...scene.entities[entity], id: entity }) : undefined;
    if (world) matrixOf(world).decompose(proxy.position, proxy.quaternion, proxy.scale);
    return parentEntity ? matrixOf(resolve({ ...parentEntity, id: parent! })).invert() : new Matrix4();
  }, [scene, entity, proxy]);

  // While a handle is dragged, only what is drawn for the entity (and everything under it) moves — no
  // edit, no redraw of the scene; the one edit is made when the handle is let go.
  useEffect(() => {
    let start: { inverse: Matrix4; drawn: { object: Object3D; matrix: Matrix4 }[] } | null = null;
    if (!scene || entity === null) return;
    // One walk of the parent links and one of the drawn scene at the press (not one per name: the press
    // is a drag's first frame).
    const drawnUnder = (): Object3D[] => drawnFor(three, subtree(scene, entity));
    const localTransform = (): SceneEntity['transform'] => {
      proxy.updateMatrix();
      const local = new Matrix4().multiplyMatrices(parentInverse, proxy.matrix);
      const p = new Vector3();
      const q = new Quaternion();
      const s = new Vector3();
      local.decompose(p, q, s);
      const round = (v: number) => Math.round(v * 1e4) / 1e4 + 0; // 0.1 mm; no -0.000000001 noise, no -0
      return {
        position: [round(p.x), round(p.y), round(p.z)],
        rotation: [round(q.x), round(q.y), round(q.z), round(q.w)],
        scale: [round(s.x), round(s.y), round(s.z)],
      };
    };
    const dragging = (event: { value: unknown }) => {
      if (event.value) {
        proxy.updateMatrix();
        start = {
          inverse: proxy.matrix.clone().invert(),
          drawn: drawnUnder().map((object) => {
            object.updateMatrix();
            return { object, matrix: object.matrix.clone() };
          }),
        };
        return;
      }
      if (!start) return;
      start = null;
      onChange(localTransform());
    };
    const changed = () => {
      if (!start) return;
      if (surface && controls.mode === 'translate' && tracked) {
        raycaster.setFromCamera(pointer, camera);
        const hit = surfaceHit(raycaster, three, new Set(start.drawn.map(({ object }) => object)));
        if (hit) proxy.position.copy(hit.point);
      }
      proxy.updateMatrix();
      delta.multiplyMatrices(proxy.matrix, start.inverse);
      for (const { object, matrix } of start.drawn)
        moved.multiplyMatrices(delta, matrix).decompose(object.position, object.quaternion, object.scale);
    };
    const delta = new Matrix4(); // scratch, reused by every move
    const moved = new Matrix4();
    // Where the pointer is (normalised device coordinates), for standing the entity on surfaces.
    const raycaster = new Raycaster();
    const pointer = new Vector2();
    let tracked = false;
    const track = (event: PointerEvent) => {
      const box = gl.domElement.getBoundingClientRect();
      pointer.set(
        ((event.clientX - box.left) / box.width) * 2 - 1,
        -((event.clientY - box.top) / box.height) * 2 + 1,
      );
      tracked = true;
    };
    // Before TransformControls moves the entity, so each move sees where the pointer is now.
    gl.domElement.addEventListener('pointermove', track, { capture: true });
    controls.addEventListener('dragging-changed', dragging);
    controls.addEventListener('objectChange', changed);
    return () => {
      gl.domElement.removeEventListener('pointermove', track, { capture: true });
      controls.removeEventListener('dragging-changed', dragging);
      controls.removeEventListener('objectChange', changed);
    };
  }, [controls, proxy, parentInverse, onChange, scene, entity, three, surface, camera, gl]);
  return warm ? null : (
    <GizmoWarmUp controls={controls} proxy={proxy} mode={mode} onDone={() => setWarm(true)} />
  );
}
