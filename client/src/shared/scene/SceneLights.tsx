/**
 * The world's lights: the scene's own (scene-lights.ts) where it has them, else the player's defaults — a
 * sky light and a sun. The first directional light is the sun: with shadows on it follows the camera's
 * view, so the shadowed square (2 × SHADOW_HALF_EXTENT metres) is always where the visitor looks.
 * Re-renders only when a new scene version is loaded.
 */
import { useFrame, useThree } from '@react-three/fiber';
import { useLayoutEffect, useMemo, useRef } from 'react';
import { Vector3, type DirectionalLight, type SpotLight } from 'three';
import type { SceneSource } from './scene-source.js';
import { sceneLighting, type SceneLight } from './scene-lights.js';
import { useSceneVersion } from './use-scene-version.js';

/** How far behind its target (metres) a sun sits, and how far around the target its shadows reach. */
const SUN_DISTANCE = 38;
const SHADOW_HALF_EXTENT = 30;
/** The default sun shines from high up, behind-left of the spawn's view. */
const DEFAULT_SUN_DIRECTION: [number, number, number] = (() => {
  const v = new Vector3(-20, -30, 10).normalize();
  return [v.x, v.y, v.z];
})();
const lookDirection = new Vector3();

function Sun(props: {
  color: string;
  intensity: number;
  direction: [number, number, number];
  shadows: boolean;
}) {
  const light = useRef<DirectionalLight>(null);
  const camera = useThree((state) => state.camera);
  const [dx, dy, dz] = props.direction;
  useFrame(() => {
    const sun = light.current;
    if (!sun) return;
    // Centred about 10 m ahead of the camera, on the ground, where the visitor looks.
    camera.getWorldDirection(lookDirection);
    sun.target.position.set(
      camera.position.x + lookDirection.x * 10,
      0,
      camera.position.z + lookDirection.z * 10,
    );
    sun.position.set(
      sun.target.position.x - dx * SUN_DISTANCE,
      sun.target.position.y - dy * SUN_DISTANCE,
      sun.target.position.z - dz * SUN_DISTANCE,
    );
    sun.target.updateMatrixWorld();
  });
  return (
    <directionalLight
      ref={light}
      color={props.color}
      intensity={props.intensity}
      castShadow={props.shadows}
      shadow-mapSize={[2048, 2048]}
      shadow-camera-left={-SHADOW_HALF_EXTENT}
      shadow-camera-right={SHADOW_HALF_EXTENT}
      shadow-camera-top={SHADOW_HALF_EXTENT}
      shadow-camera-bottom={-SHADOW_HALF_EXTENT}
      shadow-camera-far={SUN_DISTANCE * 3}
    />
  );
}

/** Candela fall off with the square of distance, as in the real world (three's physical decay). */
const DECAY = 2;

function Spot({ light }: { light: SceneLight }) {
  const ref = useRef<SpotLight>(null);
  useLayoutEffect(() => {
    const spot = ref.current;
    if (!spot) return;
    const [x, y, z] = light.position;
    const [dx, dy, dz] = light.direction;
    spot.target.position.set(x + dx, y + dy, z + dz);
    spot.target.updateMatrixWorld();
  }, [light]);
  return (
    <spotLight
      ref={ref}
      name={`light-${light.entity}`}
      position={light.position}
      color={light.color}
      intensity={light.intensity}
      distance={light.range}
      angle={light.angle}
      penumbra={0.3}
      decay={DECAY}
    />
  );
}

/** `studio`: the default sky light and sun whatever the scene has (the studio's solid view). */
export function SceneLights({
  store,
  shadows,
  studio = false,
  hdr = true,
}: {
  store: SceneSource;
  shadows: boolean;
  studio?: boolean;
  /** Whether the scene's HDR environment is drawn (SceneView's sceneDetail). */
  hdr?: boolean;
}) {
  const version = useSceneVersion(store);
  // The scene changes only with its version.
  const lighting = useMemo(() => sceneLighting(studio ? null : store.scene), [version, store, studio]);
  return (
    <group>
      {lighting.ambient.length > 0 ? (
        lighting.ambient.map((light) => (
          <ambientLight key={light.entity} color={light.color} intensity={light.intensity} />
        ))
      ) : (
        // The default sky light. Under an HDR environment (which lights PBR materials itself) it is dimmer:
        // it still lights what the environment does not — avatars and the ground (Lambert).
        <hemisphereLight args={['#ffffff', '#55704a', lighting.imageBased && hdr ? 0.7 : 1.2]} />
      )}
      {lighting.directional.length > 0 ? (
        lighting.directional.map((light, index) => (
          <Sun
            key={light.entity}
            color={light.color}
            intensity={light.intensity}
            direction={light.direction}
            shadows={shadows && index === 0}
          />
        ))
      ) : (
        <Sun color="#ffffff" intensity={1.6} direction={DEFAULT_SUN_DIRECTION} shadows={shadows} />
      )}
      {lighting.local.map((light) =>
        light.kind === 'spot' ? (
          <Spot key={light.entity} light={light} />
        ) : (
          <pointLight
            key={light.entity}
            name={`light-${light.entity}`}
            position={light.position}
            color={light.color}
            intensity={light.intensity}
            distance={light.range}
            decay={DECAY}
          />
        ),
      )}
    </group>
  );
}
