/**
 * What a creator needs to see and visitors never do: colliders and voice zones as outlines (one draw for
 * all: overlay-outlines.ts; SceneGeometry draws colliders solid only on request), spawn points with an
 * arrow for the way visitors face, each portal's line to its same-world target (a target in another world
 * is marked with a post), NFT frames as empty panels (what they show comes from a live room) and lights as
 * small wireframe gems in their colour. Named `<kind>-<entity id>`, so the studio can tell what was
 * clicked. Redrawn when the scene version changes.
 */
import { useEffect, useMemo } from 'react';
import { BufferGeometry, Float32BufferAttribute } from 'three';
import { sceneEntities, transformResolver } from '../../../../protocol/index.js';
import { outlineGeometry } from './overlay-outlines.js';
import type { SceneSource } from './scene-source.js';
import { useSceneVersion } from './use-scene-version.js';

function lineBetween(a: [number, number, number], b: [number, number, number]): BufferGeometry {
  return new BufferGeometry().setAttribute('position', new Float32BufferAttribute([...a, ...b], 3));
}

export function EditorOverlays({ store }: { store: SceneSource }) {
  const version = useSceneVersion(store);
  const world = store.staticWorld;
  const portalLines = useMemo(
    () =>
      world.portals.flatMap((portal) => {
        if (portal.world !== undefined) return [];
        const target = world.spawns.find((spawn) => spawn.name === portal.spawn);
        return target
          ? [
              {
                entity: portal.entity,
                geometry: lineBetween(
                  [portal.x, portal.y + 0.3, portal.z],
                  [target.x, target.y + 0.3, target.z],
                ),
              },
            ]
          : [];
      }),
    // The static world changes only with the scene version.
    [version],
  );
  // The static world changes only with the scene version.
  const outlines = useMemo(() => outlineGeometry(world), [version]);
  useEffect(() => () => outlines.dispose(), [outlines]);
  const lights = useMemo(() => {
    const scene = store.scene;
    if (!scene) return [];
    const resolve = transformResolver(scene);
    return sceneEntities(scene).flatMap((entity) =>
      entity.components.light
        ? [{ entity: entity.id, p: resolve(entity).p, color: entity.components.light.color }]
        : [],
    );
    // The scene changes only with the scene version.
  }, [version]);
  return (
    <group name="editor-overlays">
      {world.frames.map((frame) => (
        <mesh
          key={`f${frame.entity}`}
          name={`frame-${frame.entity}`}
          position={[frame.x, frame.y, frame.z]}
          rotation-y={frame.yaw}
        >
          <boxGeometry args={[frame.width, frame.height, 0.05]} />
          <meshStandardMaterial color="#3a3f4b" emissive="#1b1e24" />
        </mesh>
      ))}
      {lights.map((light) => (
        <mesh key={`l${light.entity}`} name={`light-${light.entity}`} position={light.p}>
          <octahedronGeometry args={[0.3]} />
          <meshBasicMaterial color={light.color} wireframe />
        </mesh>
      ))}
      <lineSegments name="outlines" geometry={outlines}>
        <lineBasicMaterial vertexColors />
      </lineSegments>
      {world.spawns.map((spawn) => (
        <mesh
          key={`s${spawn.name}`}
          name="spawn-arrow"
          position={[spawn.x + Math.sin(spawn.yaw) * 0.6, spawn.y + 0.1, spawn.z + Math.cos(spawn.yaw) * 0.6]}
          rotation={[Math.PI / 2, 0, -spawn.yaw]}
        >
          <coneGeometry args={[0.2, 0.5, 12]} />
          <meshBasicMaterial color="#ffd166" />
        </mesh>
      ))}
      {portalLines.map(({ entity, geometry }) => (
        <lineSegments key={`l${entity}`} name="portal-target" geometry={geometry}>
          <lineBasicMaterial color="#7b5cff" />
        </lineSegments>
      ))}
      {world.portals
        .filter((portal) => portal.world !== undefined)
        .map((portal) => (
          <mesh
            key={`w${portal.entity}`}
            name="portal-elsewhere"
            position={[portal.x, portal.y + 1.2, portal.z]}
          >
            <cylinderGeometry args={[0.05, 0.05, 2.4, 8]} />
            <meshBasicMaterial color="#7b5cff" />
          </mesh>
        ))}
    </group>
  );
}
