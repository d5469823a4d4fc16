/**
 * The scene's models (model components), from the asset pipeline: each entity's GLB placed at its world
 * transform, with the asset's levels of detail switched by distance (coarsest loaded first, finer ones
 * streamed in after, nearest models first). Models within NEEDED_RADIUS of where the visitor starts count
 * toward the loading bar; the rest load after entering. A model that cannot be loaded shows as a marked
 * placeholder box, with a notice — the world still loads.
 */
import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo, useRef, useState } from 'react';
import { LOD, type Group } from 'three';
import { placedModels, type ModelPlacement } from '../../../protocol/index.js';
import { ModelLoads } from '../assets/model-loads.js';
import type { WorldStore } from '../world-store.js';

/** Models this close to the start (metres) must load before the visitor enters. */
const NEEDED_RADIUS = 30;
/** Each coarser level of detail takes over this many metres farther out. */
const LOD_STEP_METRES = 25;
/** Priority offset so every model's coarse level loads before any model's fine levels. */
const DETAIL_LATER = 10_000;

function ModelEntity({
  placement,
  loads,
  store,
  start,
}: {
  placement: ModelPlacement;
  loads: ModelLoads;
  store: WorldStore;
  start: { x: number; z: number };
}) {
  const holder = useRef<Group>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const { entity, asset, transform } = placement;

  useEffect(() => {
    let live = true;
    const distance = Math.hypot(transform.p[0] - start.x, transform.p[2] - start.z);
    const settle = distance <= NEEDED_RADIUS ? loads.need() : () => undefined;
    const lod = new LOD();
    store.models.set(entity, 'loading');
    const fail = (error: unknown) => {
      settle();
      if (!live) return;
      const why = error instanceof Error ? error.message : String(error);
      store.models.set(entity, 'failed');
      store.notice = {
        text: `A model (${entity}) could not be loaded: ${why}`,
        until: performance.now() + 8_000,
      };
      setFailed(why);
    };
    loads
      .info(asset)
      .then(async (info) => {
        // Coarsest first: something to see early, finer levels replace it as they arrive.
        const order = info.levels.map((level, index) => ({ level, index })).reverse();
        for (const [step, { level, index }] of order.entries()) {
          const gltf = await loads.file(level.url, distance + (step === 0 ? 0 : DETAIL_LATER), step === 0);
          if (!live) return;
          lod.addLevel(gltf.scene.clone(true), index * LOD_STEP_METRES);
          if (step === 0) {
            holder.current?.add(lod);
            store.models.set(entity, 'loaded');
            settle();
          }
        }
      })
      .catch(fail);
    return () => {
      live = false;
      lod.removeFromParent();
      store.models.delete(entity);
    };
  }, [asset, entity, loads, store, transform, start]);

  return (
    <group
      ref={holder}
      position={transform.p}
      quaternion={transform.q}
      scale={transform.s}
      name={`model-${entity}`}
    >
      {failed && (
        <mesh position={[0, 0.5, 0]} userData={{ placeholder: true }}>
          <boxGeometry args={[1, 1, 1]} />
          <meshBasicMaterial color="#ff3ea5" wireframe />
        </mesh>
      )}
    </group>
  );
}

export function SceneModels({ store }: { store: WorldStore }) {
  const gl = useThree((state) => state.gl);
  const loads = useMemo(() => new ModelLoads(gl, store.modelProgress), [gl, store]);
  const [version, setVersion] = useState(store.sceneVersion);
  useFrame(() => {
    if (store.sceneVersion !== version) setVersion(store.sceneVersion);
  });
  const placements = useMemo(
    () => (store.scene ? placedModels(store.scene) : []),
    // The scene changes only with its version.
    [version],
  );
  // Where the visitor starts: its avatar if placed, else the scene's default spawn point, else the origin.
  const start = useMemo(() => {
    const spawn = store.staticWorld.defaultSpawn;
    return store.local
      ? { x: store.local.predicted.x, z: store.local.predicted.z }
      : { x: spawn?.x ?? 0, z: spawn?.z ?? 0 };
    // Measured once per scene version.
  }, [version]);
  // Children's effects (which count the models needed to enter) run before this one.
  useEffect(() => {
    store.modelsForVersion = version;
  }, [store, version]);
  return (
    <group key={version}>
      {placements.map((placement) => (
        <ModelEntity key={placement.entity} placement={placement} loads={loads} store={store} start={start} />
      ))}
    </group>
  );
}
