/**
 * The scene's models (model components), from the asset pipeline: each entity's GLB placed at its world
 * transform, with the asset's levels of detail switched by their size on screen (model-detail.ts; the
 * coarsest loaded first, finer ones streamed in after, nearest models first; models a few pixels wide drawn
 * as dots). An edit redraws only the models it moved or changed. Models within NEEDED_RADIUS of where the
 * visitor starts count toward the loading bar; the rest load after entering. A model that cannot be loaded
 * shows as a marked placeholder box, with a notice — the world still loads. Copies of one asset are drawn
 * together where `instancing` says so (model-instancing.ts). In a live world the model of
 * a movable item (an entity visitors grab) follows the item, and is hidden while the visitor does not see it.
 *
 * A sky given as an asset (the environment's `sky`) is a model too: drawn unlit around the camera, behind
 * everything, fitted inside the view distance — a dome or box whose inside is the sky. It counts toward
 * the loading bar (it is the first thing seen).
 */
import { useFrame, useThree } from '@react-three/fiber';
import { memo, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import {
  Box3,
  DoubleSide,
  MeshBasicMaterial,
  Sphere,
  type Group,
  type Material,
  type Mesh,
  type MeshStandardMaterial,
  type PerspectiveCamera,
} from 'three';
import {
  componentsOf,
  sceneEntities,
  placedModels,
  type ItemPose,
  type ModelPlacement,
  type SceneDocument,
} from '../../../../protocol/index.js';
import { modelLoadsFor, type AssetInfo, type ModelLoads, type NeededModel } from '../assets/model-loads.js';
import type { GLTF } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { DrawnModel, DrawnModels, ModelDots } from './drawn-models.js';
import { ModelInstancing } from './model-instancing.js';
import type { SceneSource } from './scene-source.js';
import { useSceneVersion } from './use-scene-version.js';

/** Models this close to the start (metres) must load before the visitor enters. */
const NEEDED_RADIUS = 30;
/** Priority offset so every model's coarse level loads before any model's fine levels. */
const DETAIL_LATER = 10_000;

/** Radius (metres) a sky model is scaled to: inside the camera's far plane (400 m) from any angle. */
const SKY_RADIUS = 300;

/** Marks a model failed and tells the visitor why (the world goes on loading). */
function reportFailure(store: SceneSource, entity: string, error: unknown): string {
  const why = error instanceof Error ? error.message : String(error);
  store.models.set(entity, 'failed');
  store.notice = {
    text: `A model (${entity}) could not be loaded: ${why}`,
    until: performance.now() + 8_000,
  };
  return why;
}

/** The sky's own look: unlit (a sky shines by itself), seen from inside, never fogged, drawn first. */
function skyMaterial(material: Material): MeshBasicMaterial {
  const { map, color, vertexColors } = material as MeshStandardMaterial;
  return new MeshBasicMaterial({
    map,
    color,
    vertexColors,
    side: DoubleSide,
    fog: false,
    depthWrite: false,
  });
}

/**
 * Loads level `index` of an asset, after the decoders it needs; with `entering` (a model that must load
 * before the visitor enters) the decoders' and the file's bytes count toward the loading bar.
 */
async function loadLevel(
  loads: ModelLoads,
  info: AssetInfo,
  index: number,
  priority: number,
  entering: NeededModel | null,
): Promise<GLTF> {
  const level = info.levels[index]!;
  const decoders = loads.decoders(info.decoders, entering !== null);
  if (entering) await decoders.sized;
  const file = loads.file(level.url, priority, entering !== null, level.bytes, decoders.done);
  entering?.sized();
  return file;
}

function SkyModel({
  entity,
  asset,
  loads,
  store,
}: {
  entity: string;
  asset: string;
  loads: ModelLoads;
  store: SceneSource;
}) {
  const holder = useRef<Group>(null);
  const camera = useThree((state) => state.camera);
  const invalidate = useThree((state) => state.invalidate);
  useEffect(() => {
    let live = true;
    const entering = loads.need();
    store.models.set(entity, 'loading');
    let sky: Group | undefined;
    loads
      .info(asset)
      .then((info) => loadLevel(loads, info, 0, 0, entering))
      .then((gltf) => {
        if (!live) return;
        sky = gltf.scene.clone(true);
        const bounds = new Box3().setFromObject(sky).getBoundingSphere(new Sphere());
        const scale = SKY_RADIUS / Math.max(bounds.radius, 1e-3);
        sky.scale.setScalar(scale);
        sky.position.copy(bounds.center).multiplyScalar(-scale);
        sky.traverse((object) => {
          const mesh = object as Mesh;
          if (!mesh.isMesh) return;
          mesh.renderOrder = -1;
          mesh.frustumCulled = false;
          mesh.material = Array.isArray(mesh.material)
            ? mesh.material.map(skyMaterial)
            : skyMaterial(mesh.material);
        });
        holder.current?.add(sky);
        invalidate();
        store.models.set(entity, 'loaded');
        entering.settle();
      })
      .catch((error: unknown) => {
        entering.settle();
        if (live) reportFailure(store, entity, error);
      });
    return () => {
      live = false;
      sky?.removeFromParent();
      store.models.delete(entity);
    };
  }, [asset, entity, loads, store, invalidate]);
  // Always centred on the viewer: a sky is infinitely far away.
  useFrame(() => holder.current?.position.copy(camera.position));
  return <group ref={holder} name={`sky-${entity}`} />;
}

function ModelEntity({
  placement,
  loads,
  store,
  drawn,
  start,
  movable,
}: {
  placement: ModelPlacement;
  loads: ModelLoads;
  store: SceneSource;
  drawn: DrawnModels;
  start: { x: number; z: number };
  /** Visitors grab it: in a live world the model follows the item (store.itemPose). */
  movable: boolean;
}) {
  const holder = useRef<Group>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const { entity, asset, transform } = placement;
  // Where the model stood, and the visitor started, when its loads were queued (nearest first); later
  // edits move the holder, they do not load the model again.
  const queued = useRef({ at: transform.p, start });

  useEffect(() => {
    const group = holder.current;
    if (!group) return;
    let live = true;
    const { at, start: from } = queued.current;
    const distance = Math.hypot(at[0] - from.x, at[2] - from.z);
    const entering = distance <= NEEDED_RADIUS ? loads.need() : null;
    const model = new DrawnModel(group, asset);
    drawn.add(model);
    store.models.set(entity, 'loading');
    const fail = (error: unknown) => {
      entering?.settle();
      if (live) setFailed(reportFailure(store, entity, error));
    };
    loads
      .info(asset)
      .then(async (info) => {
        // Coarsest first: something to see early; the finer levels are there when it is seen up close.
        for (let index = info.levels.length - 1; index >= 0; index--) {
          const first = index === info.levels.length - 1;
          const priority = distance + (first ? 0 : DETAIL_LATER);
          const gltf = await loadLevel(loads, info, index, priority, first ? entering : null);
          if (!live) return;
          model.addLevel(index, gltf.scene.clone(true));
          if (first) {
            store.models.set(entity, 'loaded');
            entering?.settle();
          }
        }
      })
      .catch(fail);
    return () => {
      live = false;
      drawn.delete(model);
      store.models.delete(entity);
    };
  }, [asset, entity, loads, store, drawn]);

  return (
    <group
      ref={holder}
      position={transform.p}
      quaternion={transform.q}
      scale={transform.s}
      name={`model-${entity}`}
    >
      {movable && store.itemPose && <FollowItem holder={holder} entity={entity} itemPose={store.itemPose} />}
      {failed && (
        <mesh position={[0, 0.5, 0]} userData={{ placeholder: true }}>
          <boxGeometry args={[1, 1, 1]} />
          <meshBasicMaterial color="#ff3ea5" wireframe />
        </mesh>
      )}
    </group>
  );
}

/**
 * Moves a movable item's model to where the item is now each frame, and hides it while this visitor does
 * not see the item (outside its interest, the room does not say where it is).
 */
function FollowItem({
  holder,
  entity,
  itemPose,
}: {
  holder: RefObject<Group | null>;
  entity: string;
  itemPose: (entity: string, out: ItemPose) => boolean;
}) {
  const pose = useMemo<ItemPose>(() => ({ x: 0, y: 0, z: 0, yaw: 0 }), []);
  useFrame(() => {
    const group = holder.current;
    if (!group) return;
    group.visible = itemPose(entity, pose);
    if (!group.visible) return;
    group.position.set(pose.x, pose.y, pose.z);
    group.rotation.set(0, pose.yaw, 0);
  });
  return null;
}

/** An entity's model is drawn again only when its asset or transform changed (an edit elsewhere leaves it). */
const sameTransform = (a: ModelPlacement['transform'], b: ModelPlacement['transform']) =>
  a.p.every((v, i) => v === b.p[i]) && a.q.every((v, i) => v === b.q[i]) && a.s.every((v, i) => v === b.s[i]);
const PlacedModel = memo(
  ModelEntity,
  (before, after) =>
    before.placement.asset === after.placement.asset &&
    sameTransform(before.placement.transform, after.placement.transform) &&
    before.movable === after.movable &&
    before.loads === after.loads &&
    before.store === after.store &&
    before.drawn === after.drawn,
);

/** The environment's sky when it is an asset (a model), not a colour. */
function skyAssetOf(scene: SceneDocument | null): { entity: string; asset: string } | null {
  for (const entity of scene ? sceneEntities(scene) : [])
    for (const component of componentsOf(entity))
      if (component.type === 'environment' && !component.sky.startsWith('#'))
        return { entity: entity.id, asset: component.sky };
  return null;
}

export function SceneModels({
  store,
  assetBase = '',
  triangleBudget = Number.POSITIVE_INFINITY,
  instancing = false,
}: {
  store: SceneSource;
  assetBase?: string;
  /** Most triangles the models may draw a frame (model-detail.ts); unlimited by default. */
  triangleBudget?: number;
  /** Draw copies of one asset together (model-instancing.ts): not where models are picked one by one. */
  instancing?: boolean;
}) {
  const gl = useThree((state) => state.gl);
  const loads = useMemo(() => modelLoadsFor(gl, store.entryProgress, assetBase), [gl, store, assetBase]);
  const version = useSceneVersion(store);
  const placements = useMemo(
    () => (store.scene ? placedModels(store.scene) : []),
    // The scene changes only with its version.
    [version],
  );
  const sky = useMemo(() => skyAssetOf(store.scene), [version]);
  // Where the visitor starts: its avatar if placed, else the scene's default spawn point, else the origin.
  const start = useMemo(() => {
    const spawn = store.staticWorld.defaultSpawn;
    return store.local
      ? { x: store.local.predicted.x, z: store.local.predicted.z }
      : { x: spawn?.x ?? 0, z: spawn?.z ?? 0 };
    // Measured once per scene version.
  }, [version]);
  const drawn = useMemo(() => new DrawnModels(), []);
  const dots = useMemo(() => new ModelDots(), []);
  useEffect(() => () => dots.dispose(), [dots]);
  const batches = useMemo(() => (instancing ? new ModelInstancing() : null), [instancing]);
  useEffect(() => () => batches?.dispose(), [batches]);
  // Each model's level of detail for this frame's view, and the dots of those too small for any.
  useFrame(({ camera, size, invalidate }) => {
    if (!(camera as PerspectiveCamera).isPerspectiveCamera) return;
    const levelsChanged = drawn.update(camera as PerspectiveCamera, size.height, triangleBudget);
    batches?.update(drawn.all);
    if (dots.draw(drawn.dots) || levelsChanged) invalidate(); // a canvas drawn on change must show it
  });
  // Children's effects (which count the models needed to enter) run before this one.
  useEffect(() => {
    store.modelsForVersion = version;
  }, [store, version]);
  return (
    <group>
      {placements.map((placement) => (
        <PlacedModel
          key={placement.entity}
          placement={placement}
          loads={loads}
          store={store}
          drawn={drawn}
          start={start}
          movable={store.staticWorld.interactables.get(placement.entity)?.action === 'grab'}
        />
      ))}
      <primitive object={dots.points} />
      {batches && <primitive object={batches.root} />}
      {sky && <SkyModel entity={sky.entity} asset={sky.asset} loads={loads} store={store} />}
    </group>
  );
}
