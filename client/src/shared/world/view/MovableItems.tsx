/**
 * Movable scene items without a model, drawn as plain crates where item-pose.ts says they are (resting, or
 * in front of whoever carries them). An item with a model is drawn by the scene's models, following the same
 * pose (SceneModels). Re-renders only when items come or go; poses are applied per frame without
 * allocation.
 */
import { useFrame } from '@react-three/fiber';
import { useRef, useState } from 'react';
import type { Mesh } from 'three';
import type { ItemPose } from '../../../../../protocol/index.js';
import { itemPoseNow } from '../item-pose.js';
import type { WorldStore } from '../world-store.js';

/** Side of the crate drawn for an item, in metres. */
const CRATE_SIZE = 0.4;
const pose: ItemPose = { x: 0, y: 0, z: 0, yaw: 0 };

function MovableItem({ store, entity }: { store: WorldStore; entity: string }) {
  const mesh = useRef<Mesh>(null);
  useFrame(() => {
    if (!mesh.current || !itemPoseNow(store, entity, pose)) return;
    mesh.current.position.set(pose.x, pose.y + CRATE_SIZE / 2, pose.z);
    mesh.current.rotation.y = pose.yaw;
  });
  return (
    <mesh ref={mesh}>
      <boxGeometry args={[CRATE_SIZE, CRATE_SIZE, CRATE_SIZE]} />
      <meshStandardMaterial color="#4a8ad9" />
    </mesh>
  );
}

export function MovableItems({ store }: { store: WorldStore }) {
  const [version, setVersion] = useState(store.itemsVersion);
  useFrame(() => {
    if (store.itemsVersion !== version) setVersion(store.itemsVersion);
  });
  return (
    <group>
      {[...store.items.keys()]
        .filter((entity) => !store.scene?.entities[entity]?.components.model)
        .map((entity) => (
          <MovableItem key={entity} store={store} entity={entity} />
        ))}
    </group>
  );
}
