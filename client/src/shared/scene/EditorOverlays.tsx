/**
 * What a creator needs to see and visitors never do: colliders as wireframes (SceneGeometry draws them
 * solid only on request), voice zones as coloured wireframe boxes, spawn points with an arrow for the way
 * visitors face, each portal's line to its same-world target (a target in another world is marked
 * with a post), NFT frames as empty panels (what they show comes from a live room) and lights as small
 * wireframe gems in their colour. Named `<kind>-<entity id>`, so the studio can tell what was clicked.
 * Redrawn when the scene version changes.
 */
import { useMemo } from 'react';
import { BufferGeometry, Float32BufferAttribute } from 'three';
import { sceneEntities, transformResolver } from '../../../../protocol/index.js';
import type { SceneSource } from './scene-source.js';
import { useSceneVersion } from './use-scene-version.js';

const ZONE_COLOURS = { private: '#ff9f1c', stage: '#2ec4b6', global: '#e71d36' } as const;

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
    <group key={version} name="editor-overlays">
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
      {world.obstacles.map((o, i) =>
        o.kind === 'box' ? (
          <mesh
            key={`c${i}`}
            name="collider-outline"
            position={[o.cx, (o.top + o.bottom) / 2, o.cz]}
            rotation-y={Math.atan2(o.sin, o.cos)}
          >
            <boxGeometry args={[o.hx * 2, o.top - o.bottom, o.hz * 2]} />
            <meshBasicMaterial color="#00e5ff" wireframe />
          </mesh>
        ) : (
          <mesh key={`c${i}`} name="collider-outline" position={[o.cx, (o.top + o.bottom) / 2, o.cz]}>
            <cylinderGeometry args={[o.r, o.r, o.top - o.bottom, 16]} />
            <meshBasicMaterial color="#00e5ff" wireframe />
          </mesh>
        ),
      )}
      {world.voiceZones.map((zone) => (
        <mesh
          key={`z${zone.entity}`}
          name="voice-zone-outline"
          position={[zone.x, zone.y, zone.z]}
          rotation-y={zone.yaw}
        >
          <boxGeometry args={[zone.hx * 2, zone.hy * 2, zone.hz * 2]} />
          <meshBasicMaterial color={ZONE_COLOURS[zone.mode]} wireframe />
        </mesh>
      ))}
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
