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

/** The copies of one asset showing one level this frame, and the batch drawing them (two or more). */
interface Copies {
  models: DrawnModel[];
  batch: Batch | null;
}

export class ModelInstancing {
  /** Where the instanced draws live; put it in the scene once. */
  readonly root = new Group();
  /** By asset, then by level shown: reused from frame to frame (a still view makes no garbage). */
  private readonly copies = new Map<string, Copies[]>();
  /** Meshes hidden because a batch draws them, as of the last update (and the set reused for the next). */
  private hidden = new Set<Mesh>();
  private hiddenNext = new Set<Mesh>();

  constructor() {
    this.root.name = 'model-instances';
  }

  /** Draws this frame's repeated models together (after DrawnModels.update chose their levels). */
  update(models: Iterable<DrawnModel>): void {
    for (const levels of this.copies.values())
      for (const copies of levels) if (copies) copies.models.length = 0; // levels never shown are holes
    for (const model of models) {
      if (model.shown < 0 || !model.asset || !model.holder.visible) continue;
      let levels = this.copies.get(model.asset);
      if (!levels) this.copies.set(model.asset, (levels = []));
      (levels[model.shown] ??= { models: [], batch: null }).models.push(model);
    }
    const hiddenNow = this.hiddenNext;
    hiddenNow.clear();
    for (const [asset, levels] of this.copies) {
      let any = false;
      for (let level = 0; level < levels.length; level += 1) {
        const copies = levels[level];
        if (!copies) continue;
        any ||= copies.models.length > 0;
        this.draw(copies, asset, level, hiddenNow);
      }
      if (!any) this.copies.delete(asset); // gone from the scene: its batches were dropped above
    }
    // Copies no longer drawn together draw themselves again.
    for (const mesh of this.hidden) if (!hiddenNow.has(mesh)) mesh.visible = true;
    this.hiddenNext = this.hidden;
    this.hidden = hiddenNow;
  }

  /** Draws `copies` as one batch when there are two or more and their level can be instanced. */
  private draw(copies: Copies, asset: string, level: number, hiddenNow: Set<Mesh>): void {
    const { models } = copies;
    const first = models[0];
    const sources = models.length >= 2 && first ? partsOf(first.levels[first.shown]!) : null;
    if (!sources) {
      this.drop(copies);
      return;
    }
    const batch = this.batchFor(copies, asset, level, sources);
    for (let index = 0; index < models.length; index += 1) {
      const model = models[index]!;
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
      part.drawn.count = models.length;
      part.drawn.instanceMatrix.needsUpdate = true;
    }
  }

  private batchFor(copies: Copies, asset: string, level: number, sources: Mesh[]): Batch {
    const existing = copies.batch;
    const count = copies.models.length;
    if (existing && existing.capacity >= count && existing.parts.length === sources.length) return existing;
    this.drop(copies);
    const capacity = Math.max(count, (existing?.capacity ?? 0) * 2, 4);
    const parts = sources.map((source) => {
      const drawn = new InstancedMesh(source.geometry, source.material, capacity);
      drawn.name = `instances-${asset}#${level}`;
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
    copies.batch = { parts, capacity };
    return copies.batch;
  }

  private drop(copies: Copies): void {
    const batch = copies.batch;
    if (!batch) return;
    for (const part of batch.parts) {
      this.root.remove(part.drawn);
      part.drawn.dispose(); // its instance buffers only: geometry and material belong to the asset
    }
    copies.batch = null;
  }

  dispose(): void {
    for (const levels of this.copies.values()) for (const copies of levels) if (copies) this.drop(copies);
    this.copies.clear();
    for (const mesh of this.hidden) mesh.visible = true;
    this.hidden.clear();
  }
}
