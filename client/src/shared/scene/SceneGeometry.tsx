/**
 * What the scene's logic components look like: portals as glowing rings, spawn points as discs, seats as
 * planks and triggers as posts (movable items are drawn by MovableItems, where the room says they are;
 * models by SceneModels). Colliders are invisible — the models are what a visitor sees — but they stay in
 * the scene, so the follow camera still keeps out of walls; `showColliders` draws them as grey boxes and
 * cylinders for creators. A seat or trigger with a model shows only its model. Re-renders only when a
 * new scene version is loaded.
 */
import type { SceneSource } from './scene-source.js';
import { useSceneVersion } from './use-scene-version.js';

export function SceneGeometry({ store, showColliders }: { store: SceneSource; showColliders: boolean }) {
  useSceneVersion(store); // drawn again when a new scene version is loaded
  const world = store.staticWorld;
  return (
    <group>
      {world.obstacles.map((o, i) =>
        o.kind === 'box' ? (
          <mesh
            key={`o${i}`}
            name="collider"
            visible={showColliders}
            position={[o.cx, (o.top + o.bottom) / 2, o.cz]}
            rotation-y={Math.atan2(o.sin, o.cos)}
          >
            <boxGeometry args={[o.hx * 2, o.top - o.bottom, o.hz * 2]} />
            <meshStandardMaterial color="#9a9488" />
          </mesh>
        ) : (
          <mesh
            key={`o${i}`}
            name="collider"
            visible={showColliders}
            position={[o.cx, (o.top + o.bottom) / 2, o.cz]}
          >
            <cylinderGeometry args={[o.r, o.r, o.top - o.bottom, 24]} />
            <meshStandardMaterial color="#8c8579" />
          </mesh>
        ),
      )}
      {world.portals.map((p) => (
        <mesh key={`p${p.entity}`} position={[p.x, p.y + 0.05, p.z]} rotation-x={-Math.PI / 2}>
          <torusGeometry args={[p.radius, 0.08, 8, 48]} />
          <meshStandardMaterial color="#7b5cff" emissive="#5a3dff" emissiveIntensity={0.8} />
        </mesh>
      ))}
      {[...world.interactables.values()]
        // Grabbed items are drawn where the room says; a seat or trigger with a model is drawn by it.
        .filter((item) => item.action !== 'grab' && !store.scene?.entities[item.entity]?.components.model)
        .map((item) =>
          item.action === 'sit' ? (
            // A seat to sit on: its top at the seat height.
            <mesh key={`i${item.entity}`} position={[item.x, item.y - 0.05, item.z]} rotation-y={item.yaw}>
              <boxGeometry args={[1.2, 0.1, 0.5]} />
              <meshStandardMaterial color="#8a5a2b" />
            </mesh>
          ) : (
            <mesh key={`i${item.entity}`} position={[item.x, item.y + 0.5, item.z]}>
              <cylinderGeometry args={[0.08, 0.08, 1, 12]} />
              <meshStandardMaterial color="#d94a3a" />
            </mesh>
          ),
        )}
      {world.spawns.map((s) => (
        <mesh key={`s${s.name}`} position={[s.x, s.y + 0.02, s.z]} rotation-x={-Math.PI / 2}>
          <circleGeometry args={[0.6, 32]} />
          <meshStandardMaterial color="#f0e6b4" />
        </mesh>
      ))}
    </group>
  );
}
