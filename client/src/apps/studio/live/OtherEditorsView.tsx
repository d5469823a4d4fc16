/**
 * The other editors in the viewport, each in their colour: their camera as a small frustum looking where
 * they look, their pointer as a dot on the scene, and a box around each entity they have selected. Drawn
 * again (the view draws only on change) whenever any of it moves.
 */
import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo, useRef } from 'react';
import type { Group } from 'three';
import { Box3, BufferGeometry, Float32BufferAttribute, Vector3 } from 'three';
import { transformResolver, type SceneDocument } from '../../../../../protocol/index.js';
import type { OtherEditor } from './live-draft-session.js';

/** The frustum's length and half-width at its far end, metres. */
const FRUSTUM_LENGTH = 1.2;
const FRUSTUM_HALF = 0.5;
/** A frustum whose eye is this close to this editor's camera is hidden (it would fill the view), metres. */
const HIDE_NEAR = 2.5;
/** An entity without a model gets a box this big, metres. */
const MARKER_SIZE = 0.6;

/** Lines of a pyramid from the eye toward the target: four edges and the far rectangle. */
function frustumGeometry(
  position: [number, number, number],
  target: [number, number, number],
): BufferGeometry {
  const eye = new Vector3(...position);
  const forward = new Vector3(...target).sub(eye);
  if (forward.lengthSq() < 1e-9) forward.set(0, 0, -1);
  forward.normalize();
  const right = new Vector3().crossVectors(forward, new Vector3(0, 1, 0));
  if (right.lengthSq() < 1e-9) right.set(1, 0, 0);
  right.normalize();
  const up = new Vector3().crossVectors(right, forward).normalize();
  const centre = eye.clone().addScaledVector(forward, FRUSTUM_LENGTH);
  const corners = [
    [1, 1],
    [-1, 1],
    [-1, -1],
    [1, -1],
  ].map(([x, y]) =>
    centre
      .clone()
      .addScaledVector(right, x! * FRUSTUM_HALF)
      .addScaledVector(up, y! * FRUSTUM_HALF * 0.6),
  );
  const points: number[] = [];
  corners.forEach((corner, i) => {
    points.push(...eye.toArray(), ...corner.toArray());
    points.push(...corner.toArray(), ...corners[(i + 1) % 4]!.toArray());
  });
  return new BufferGeometry().setAttribute('position', new Float32BufferAttribute(points, 3));
}

export function OtherEditorsView({ others, scene }: { others: OtherEditor[]; scene: SceneDocument | null }) {
  const three = useThree((state) => state.scene);
  const invalidate = useThree((state) => state.invalidate);
  const key = JSON.stringify(others);
  const drawn = useMemo(() => {
    const resolve = scene ? transformResolver(scene) : undefined;
    return others.map((other) => ({
      other,
      frustum: other.camera ? frustumGeometry(other.camera.position, other.camera.target) : null,
      boxes: other.selection.flatMap((id) => {
        const entity = scene?.entities[id];
        if (!entity || !resolve) return [];
        const model = three.getObjectByName(`model-${id}`);
        const box = model ? new Box3().setFromObject(model) : new Box3();
        if (box.isEmpty())
          box.setFromCenterAndSize(
            new Vector3(...resolve({ ...entity, id }).p),
            new Vector3().setScalar(MARKER_SIZE),
          );
        return [{ id, box }];
      }),
    }));
    // `key` stands for `others` (a new array on every read).
  }, [key, scene, three]);
  useEffect(() => {
    invalidate();
    return () => drawn.forEach(({ frustum }) => frustum?.dispose());
  }, [drawn, invalidate]);
  // Someone looking from where this camera is (followed, or just there) would be a frame around the view.
  const frustums = useRef<Map<string, Group>>(new Map());
  const eye = useMemo(() => new Vector3(), []);
  useFrame(({ camera }) => {
    for (const { other } of drawn) {
      const group = frustums.current.get(other.sessionId);
      if (group && other.camera)
        group.visible = camera.position.distanceTo(eye.set(...other.camera.position)) > HIDE_NEAR;
    }
  });
  return (
    <group name="other-editors">
      {drawn.map(({ other, frustum, boxes }) => (
        <group key={other.sessionId} name={`editor-${other.sessionId}`}>
          {frustum && (
            <group
              ref={(group) => {
                if (group) frustums.current.set(other.sessionId, group);
                else frustums.current.delete(other.sessionId);
              }}
            >
              <lineSegments geometry={frustum}>
                <lineBasicMaterial color={other.colour} />
              </lineSegments>
            </group>
          )}
          {other.pointer && (
            <mesh position={other.pointer}>
              <sphereGeometry args={[0.12, 12, 8]} />
              <meshBasicMaterial color={other.colour} />
            </mesh>
          )}
          {boxes.map(({ id, box }) => (
            <box3Helper key={id} args={[box, other.colour]} name={`selected-by-${other.sessionId}-${id}`} />
          ))}
        </group>
      ))}
    </group>
  );
}
