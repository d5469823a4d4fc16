/**
 * The editor's camera: drag to orbit, wheel to zoom, right-drag to pan (three's OrbitControls). When the
 * draft first loads it goes back to where the creator left it (`initialView`, after a play-test), or else
 * frames the draft's entities from above at three quarters.
 */
import { useThree } from '@react-three/fiber';
import { useEffect, useState } from 'react';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { transformResolver, type SceneDocument } from '../../../../protocol/index.js';
import { framedEntities } from './framing.js';

/** Where the entities stand: the centre and radius (metres) that frame them all. */
function framing(scene: SceneDocument | null): { centre: [number, number, number]; radius: number } {
  if (!scene) return { centre: [0, 0, 0], radius: 10 };
  const resolve = transformResolver(scene);
  const points = framedEntities(scene).map((entity) => resolve(entity).p);
  if (points.length === 0) return { centre: [0, 0, 0], radius: 10 };
  const min = [0, 1, 2].map((i) => Math.min(...points.map((p) => p[i]!)));
  const max = [0, 1, 2].map((i) => Math.max(...points.map((p) => p[i]!)));
  const centre = [0, 1, 2].map((i) => (min[i]! + max[i]!) / 2) as [number, number, number];
  const radius = Math.max(5, Math.hypot(max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!) / 2);
  return { centre, radius };
}

/** Where the camera stands and what it looks at, metres. */
export interface CameraView {
  position: [number, number, number];
  target: [number, number, number];
}

/** Hands its OrbitControls to `onControls` (the move handles pause them while dragging). */
export function EditorCamera({
  scene,
  initialView,
  onControls,
}: {
  scene: SceneDocument | null;
  initialView: CameraView | null;
  onControls: (controls: OrbitControls | null) => void;
}) {
  const camera = useThree((state) => state.camera);
  const gl = useThree((state) => state.gl);
  const [controls, setControls] = useState<OrbitControls | null>(null);
  const [framed, setFramed] = useState(false);
  useEffect(() => {
    const orbit = new OrbitControls(camera, gl.domElement);
    orbit.enableDamping = false;
    setControls(orbit);
    onControls(orbit);
    return () => {
      onControls(null);
      orbit.dispose();
    };
  }, [camera, gl, onControls]);
  useEffect(() => {
    if (!controls || !scene || framed) return;
    setFramed(true);
    if (initialView) {
      controls.target.set(...initialView.target);
      camera.position.set(...initialView.position);
      controls.update();
      return;
    }
    const { centre, radius } = framing(scene);
    controls.target.set(...centre);
    // Far enough that the whole radius fits a narrow viewport (the panels take the sides).
    camera.position.set(centre[0] + radius * 1.6, centre[1] + radius * 1.4, centre[2] + radius * 2.6);
    controls.update();
  }, [controls, scene, camera, framed, initialView]);
  return null;
}
