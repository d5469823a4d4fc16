/**
 * Repeated models drawn together. Where two or more placed models of one asset show the same level of
 * detail, each mesh of that level is drawn once for all of them — an InstancedMesh whose instances are the
 * placed copies' world matrices — and the copies' own meshes are hidden (kept in the scene graph: a ray
 * still meets them, so the follow camera and picking see no difference). Six trees, four lamp posts and
 * three benches of the demo plaza are then three draws, not thirteen. A level with skinned or morphed
 * meshes, or several materials on one mesh, is drawn copy by copy as before, as is a model whose holder is
 * hidden (a movable item out of view). For the player and the embed; the studio picks and outlines models
 * by their own meshes and draws them one by one.
 */
import { Group, InstancedMesh, type Mesh, type Object3D } from 'three';
import type { DrawnModel } from './drawn-models.js';

/** One mesh of a shared level, drawn for every copy. */
interface Part {
  source: Mesh;
  drawn: InstancedMesh;
}

interface Batch {
  parts: Part[];
  capacity: number;
}

/** Each level's instanceable meshes (a level's meshes never change once loaded). */
const partsCache = new WeakMap<Object3D, Mesh[] | null>();

/** The meshes of a level that can be instanced, or null when one cannot (it is then drawn copy by copy). */
function partsOf(level: Object3D): Mesh[] | null {
  let parts = partsCache.get(level);
  if (parts === undefined) partsCache.set(level, (parts = findParts(level)));
  return parts;
}

function findParts(level: Object3D): Mesh[] | null {
  const meshes: Mesh[] = [];
  let plain = true;
  level.traverse((object) => {
    const mesh = object as Mesh & { isSkinnedMesh?: boolean; isInstancedMesh?: boolean };
    if (!mesh.isMesh) return;
    if (
      mesh.isSkinnedMesh ||
      mesh.isInstancedMesh ||
      Array.isArray(mesh.material) ||
      Object.keys(mesh.geometry.morphAttributes).length > 0
    )
      plain = false;
    meshes.push(mesh);
  });
  return plain && meshes.length > 0 ? meshes : null;
}

const noRaycast = (): void => undefined;

export class ModelInstancing {
  /** Where the instanced draws live; put it in the scene once. */
  readonly root = new Group();
  private readonly batches = new Map<string, Batch>();
  /** Meshes hidden because a batch draws them, as of the last update. */
  private hidden = new Set<Mesh>();
  private readonly groups = new Map<string, DrawnModel[]>();

  constructor() {
    this.root.name = 'model-instances';
  }

  /** Draws this frame's repeated models together (after DrawnModels.update chose their levels). */
  update(models: Iterable<DrawnModel>): void {
    for (const list of this.groups.values()) list.length = 0;
    for (const model of models) {
      if (model.shown < 0 || !model.asset || !model.holder.visible) continue;
      const key = `${model.asset}#${model.shown}`;
      let list = this.groups.get(key);
      if (!list) this.groups.set(key, (list = []));
      list.push(model);
    }
    const hiddenNow = new Set<Mesh>();
    for (const [key, list] of this.groups) {
      const level = list.length >= 2 ? list[0]!.levels[list[0]!.shown] : undefined;
      const sources = level ? partsOf(level) : null;
      if (!sources) {
        this.drop(key);
        if (list.length === 0) this.groups.delete(key);
        continue;
      }
      const batch = this.batchFor(key, sources, list.length);
      for (const [index, model] of list.entries()) {
        const copy = model.levels[model.shown]!;
        copy.updateWorldMatrix(true, true);
        const meshes = partsOf(copy);
        for (let p = 0; meshes && p < batch.parts.length; p += 1) {
          const mesh = meshes[p];
          if (!mesh) continue;
          batch.parts[p]!.drawn.setMatrixAt(index, mesh.matrixWorld);
          mesh.visible = false;
          hiddenNow.add(mesh);
        }
      }
      for (const part of batch.parts) {
        part.drawn.count = list.length;
        part.drawn.instanceMatrix.needsUpdate = true;
      }
    }
    // Copies no longer drawn together draw themselves again.
    for (const mesh of this.hidden) if (!hiddenNow.has(mesh)) mesh.visible = true;
    this.hidden = hiddenNow;
  }

  /** How many draws the batches make now (for tests and stats). */
  get batchCount(): number {
    return this.batches.size;
  }

  private batchFor(key: string, sources: Mesh[], copies: number): Batch {
    const existing = this.batches.get(key);
    if (existing && existing.capacity >= copies && existing.parts.length === sources.length) return existing;
    this.drop(key);
    const capacity = Math.max(copies, (existing?.capacity ?? 0) * 2, 4);
    const parts = sources.map((source) => {
      const drawn = new InstancedMesh(source.geometry, source.material, capacity);
      drawn.name = `instances-${key}`;
      drawn.castShadow = source.castShadow;
      drawn.receiveShadow = source.receiveShadow;
      drawn.renderOrder = source.renderOrder;
      // Instances are written each frame; a bounding sphere of them would be stale.
      drawn.frustumCulled = false;
      // The copies' own (hidden) meshes answer rays.
      drawn.raycast = noRaycast;
      this.root.add(drawn);
      return { source, drawn };
    });
    const batch = { parts, capacity };
    this.batches.set(key, batch);
    return batch;
  }

  private drop(key: string): void {
    const batch = this.batches.get(key);
    if (!batch) return;
    for (const part of batch.parts) {
      this.root.remove(part.drawn);
      part.drawn.dispose(); // its instance buffers only: geometry and material belong to the asset
    }
    this.batches.delete(key);
  }

  dispose(): void {
    for (const key of [...this.batches.keys()]) this.drop(key);
    for (const mesh of this.hidden) mesh.visible = true;
    this.hidden.clear();
  }
}
