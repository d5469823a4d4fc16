/**
 * Movable scene items (crates until models arrive with the asset pipeline), drawn where the room says they
 * rest, or riding in front of whoever carries them — the local visitor's predicted avatar or a remote's
 * interpolated one, so a carried item moves as smoothly as its holder. Re-renders only when items come or
 * go; poses are applied per frame without allocation.
 */
import { useFrame } from '@react-three/fiber';
import { useRef, useState } from 'react';
import type { Mesh } from 'three';
import { carriedPose, type ItemPose } from '../../../../../protocol/index.js';
import type { WorldStore } from '../world-store.js';

/** Side of the crate drawn for an item, in metres. */
const CRATE_SIZE = 0.4;
const carried: ItemPose = { x: 0, y: 0, z: 0, yaw: 0 };

function MovableItem({ store, entity }: { store: WorldStore; entity: string }) {
  const mesh = useRef<Mesh>(null);
  useFrame(() => {
    const item = store.items.get(entity);
    if (!item || !mesh.current) return;
    let pose = item.pose;
    if (item.heldBy !== '') {
      const holder =
        item.heldBy === store.sessionId ? store.local?.predicted : store.remotes.get(item.heldBy)?.rendered;
      if (holder) pose = carriedPose(holder, carried);
    }
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
      {[...store.items.keys()].map((entity) => (
        <MovableItem key={entity} store={store} entity={entity} />
      ))}
    </group>
  );
}
