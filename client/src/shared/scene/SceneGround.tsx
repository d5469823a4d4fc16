/**
 * The ground visitors walk on, as the scene's ground entities draw it (their `ground` component: a pattern
 * in a colour, centred on the entity), or the player's default — a grass-green grid across the world —
 * when the scene has none. The floor itself is the simulation's, at height 0. `onPick` receives where a
 * click (or tap, not a drag) landed on any of it.
 */
import { useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import {
  WORLD_HALF_EXTENT,
  componentsOf,
  sceneEntities,
  transformResolver,
} from '../../../../protocol/index.js';
import { groundTexture, PATTERN_REPEATS, type GroundPattern } from './ground-textures.js';
import type { SceneSource } from './scene-source.js';
import { webglInSoftware } from './webgl-in-software.js';
import { useSceneVersion } from './use-scene-version.js';

interface Ground {
  key: string;
  x: number;
  z: number;
  halfExtent: number;
  pattern: GroundPattern;
  color: string;
  /** Metres one slab or cell covers. */
  tile: number;
  /** Drawn over grounds larger than it (0 = the largest): a plaza in a lawn, both at height 0. */
  layer: number;
}

/** The ground a scene without a ground entity gets (the look the player always had, lines both ways). */
const DEFAULT_GROUND: Ground = {
  key: 'default',
  x: 0,
  z: 0,
  halfExtent: WORLD_HALF_EXTENT,
  pattern: 'grid',
  color: '#6d9c5a',
  tile: 4,
  layer: 0,
};

function groundsOf(source: SceneSource): Ground[] {
  const scene = source.scene;
  if (!scene) return [DEFAULT_GROUND];
  const transformOf = transformResolver(scene);
  const grounds: Ground[] = [];
  for (const entity of sceneEntities(scene))
    for (const component of componentsOf(entity))
      if (component.type === 'ground') {
        const { p } = transformOf(entity);
        grounds.push({ key: entity.id, x: p[0], z: p[2], ...component, layer: 0 });
      }
  if (grounds.length === 0) return [DEFAULT_GROUND];
  // Smaller grounds lie over larger ones; depth offsets (not height) keep them from flickering.
  [...grounds].sort((a, b) => b.halfExtent - a.halfExtent).forEach((ground, layer) => (ground.layer = layer));
  return grounds;
}

function GroundPlane({
  ground,
  patterns,
  onPick,
}: {
  ground: Ground;
  patterns: boolean;
  onPick?: ((x: number, z: number) => void) | undefined;
}) {
  const maxAnisotropy = useThree((state) => state.gl.capabilities.getMaxAnisotropy());
  const size = ground.halfExtent * 2;
  const texture = useMemo(() => {
    const made = patterns
      ? groundTexture(ground.pattern, ground.color, size / (ground.tile * PATTERN_REPEATS))
      : null;
    // Seen at a glancing angle to the horizon: sharp far away too — but not where WebGL runs in software,
    // whose rasterizer pays for every extra sample on most of the screen's pixels.
    if (made) made.anisotropy = webglInSoftware() ? 1 : Math.min(4, maxAnisotropy);
    return made;
  }, [patterns, ground.pattern, ground.color, ground.tile, size, maxAnisotropy]);
  useEffect(() => () => texture?.dispose(), [texture]);
  return (
    <mesh
      name="ground"
      position={[ground.x, 0, ground.z]}
      rotation-x={-Math.PI / 2}
      receiveShadow
      onClick={(event) => {
        if (!onPick || event.delta > 8) return; // the end of a drag, not a click
        event.stopPropagation();
        onPick(event.point.x, event.point.z);
      }}
    >
      <planeGeometry args={[size, size]} />
      {/* Lambert, not PBR: the ground fills most of the view, and a rough floor looks the same either way
          (lit by the sun and the sky light) at a fraction of the cost where WebGL runs in software. */}
      <meshLambertMaterial
        color={texture ? '#ffffff' : ground.color}
        map={texture}
        polygonOffset={ground.layer > 0}
        polygonOffsetFactor={-ground.layer}
        polygonOffsetUnits={-4 * ground.layer}
      />
    </mesh>
  );
}

/** `patterns` false: every ground in its plain colour (the low preset's; see SceneView's sceneDetail). */
export function SceneGround({
  store,
  onPick,
  patterns = true,
}: {
  store: SceneSource;
  onPick?: ((x: number, z: number) => void) | undefined;
  patterns?: boolean;
}) {
  const version = useSceneVersion(store);
  // The scene changes only with its version.
  const grounds = useMemo(() => groundsOf(store), [version, store]);
  return (
    <group>
      {grounds.map((ground) => (
        <GroundPlane key={ground.key} ground={ground} patterns={patterns} onPick={onPick} />
      ))}
    </group>
  );
}
