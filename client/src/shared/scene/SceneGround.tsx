/**
 * The ground every world stands on (a scene entity of its own is still to come): a plane across the whole
 * world with a grid; `onPick` receives where a click (or tap, not a drag) landed on it.
 */
import { WORLD_HALF_EXTENT } from '../../../../protocol/index.js';

export function SceneGround({ onPick }: { onPick?: ((x: number, z: number) => void) | undefined }) {
  const size = WORLD_HALF_EXTENT * 2;
  return (
    <group>
      <mesh
        name="ground"
        rotation-x={-Math.PI / 2}
        receiveShadow
        onClick={(event) => {
          if (!onPick || event.delta > 8) return; // the end of a drag, not a click
          event.stopPropagation();
          onPick(event.point.x, event.point.z);
        }}
      >
        <planeGeometry args={[size, size]} />
        <meshLambertMaterial color="#6d9c5a" />
      </mesh>
      <gridHelper args={[size, size / 4, '#4f7a40', '#5d8a4d']} position-y={0.01} />
    </group>
  );
}
