/**
 * Copies of one asset at one level of detail drawn together: one instanced draw per mesh of the level, an
 * instance at each copy's place, the copies' own meshes hidden (still there for rays); a copy that leaves
 * the group (hidden holder, another level, another asset, the last but one) draws itself again.
 */
import { describe, expect, it } from '@jest/globals';
import {
  BoxGeometry,
  Group,
  type InstancedMesh,
  Matrix4,
  Mesh,
  MeshStandardMaterial,
  Raycaster,
  Vector3,
  type Object3D,
} from 'three';
import { DrawnModel } from '../../client/src/shared/scene/drawn-models.js';
import { ModelInstancing } from '../../client/src/shared/scene/model-instancing.js';

/** A loaded asset's level: a trunk and a crown (two meshes), as gltf.scene.clone(true) shares them. */
const tree = (() => {
  const level = new Group();
  const trunk = new Mesh(new BoxGeometry(0.2, 1, 0.2), new MeshStandardMaterial());
  const crown = new Mesh(new BoxGeometry(1, 1, 1), new MeshStandardMaterial());
  crown.position.y = 1.5;
  level.add(trunk, crown);
  return level;
})();

function place(asset: string, level: Object3D, x: number): DrawnModel {
  const holder = new Group();
  holder.position.set(x, 0, 0);
  const model = new DrawnModel(holder, asset);
  model.addLevel(0, level.clone(true));
  model.show(0);
  return model;
}

const meshesOf = (model: DrawnModel): Mesh[] => {
  const meshes: Mesh[] = [];
  model.holder.traverse((object) => (object as Mesh).isMesh && meshes.push(object as Mesh));
  return meshes;
};
const instanced = (batches: ModelInstancing): InstancedMesh[] =>
  batches.root.children.filter((child): child is InstancedMesh => (child as InstancedMesh).isInstancedMesh);
const positionOf = (mesh: InstancedMesh, index: number): Vector3 => {
  const matrix = new Matrix4();
  mesh.getMatrixAt(index, matrix);
  return new Vector3().setFromMatrixPosition(matrix);
};

describe('ModelInstancing', () => {
  it('draws copies of one asset together, one draw per mesh of the level, each copy where it stands', () => {
    const batches = new ModelInstancing();
    const trees = [place('tree', tree, 0), place('tree', tree, 5), place('tree', tree, 10)];
    const lone = place('fountain', tree, 20);
    batches.update([...trees, lone]);
    const draws = instanced(batches);
    expect(draws).toHaveLength(2); // trunk and crown
    expect(draws.map((draw) => draw.count)).toEqual([3, 3]);
    expect([0, 1, 2].map((i) => positionOf(draws[1]!, i).toArray())).toEqual([
      [0, 1.5, 0],
      [5, 1.5, 0],
      [10, 1.5, 0],
    ]);
    // The copies' meshes are hidden, the lone fountain's are not.
    expect(trees.flatMap(meshesOf).every((mesh) => !mesh.visible)).toBe(true);
    expect(meshesOf(lone).every((mesh) => mesh.visible)).toBe(true);
    // Rays still meet a hidden copy (the follow camera's blockers, picking), never the instances.
    const ray = new Raycaster(new Vector3(5, 0.5, 10), new Vector3(0, 0, -1));
    const hits = ray.intersectObjects([batches.root, ...trees.map((model) => model.holder)], true);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((hit) => !(hit.object as InstancedMesh).isInstancedMesh)).toBe(true);
  });

  it('follows a copy that moves, and lets one that is hidden or on another level draw itself', () => {
    const batches = new ModelInstancing();
    const trees = [place('tree', tree, 0), place('tree', tree, 5), place('tree', tree, 10)];
    batches.update(trees);
    trees[0]!.holder.position.set(0, 0, 7);
    batches.update(trees);
    expect(positionOf(instanced(batches)[0]!, 0).toArray()).toEqual([0, 0, 7]);

    trees[2]!.holder.visible = false; // a movable item out of view
    batches.update(trees);
    expect(instanced(batches)[0]!.count).toBe(2);

    trees[1]!.addLevel(1, tree.clone(true));
    trees[1]!.show(1); // farther: its coarser level, alone at that level
    batches.update(trees);
    expect(instanced(batches)).toHaveLength(0); // one copy left at level 0: nothing to draw together
    expect(
      trees
        .slice(0, 2)
        .flatMap(meshesOf)
        .every((mesh) => mesh.visible),
    ).toBe(true);
  });

  it('draws copies first seen at a coarser level together, frame after frame', () => {
    const batches = new ModelInstancing();
    const far = (x: number) => {
      const model = place('bush', tree, x);
      model.addLevel(1, tree.clone(true));
      model.show(1); // no copy of this asset at level 0
      return model;
    };
    const bushes = [far(0), far(4)];
    batches.update(bushes);
    batches.update(bushes);
    expect(instanced(batches).map((draw) => draw.count)).toEqual([2, 2]);
  });

  it('draws copy by copy what cannot be instanced (morph targets), and restores everything on dispose', () => {
    const batches = new ModelInstancing();
    const morphing = new Group();
    const geometry = new BoxGeometry();
    geometry.morphAttributes.position = [geometry.getAttribute('position').clone()];
    morphing.add(new Mesh(geometry, new MeshStandardMaterial()));
    const avatars = [place('blob', morphing, 0), place('blob', morphing, 3)];
    const trees = [place('tree', tree, 0), place('tree', tree, 5)];
    batches.update([...avatars, ...trees]);
    expect(instanced(batches)).toHaveLength(2);
    expect(avatars.flatMap(meshesOf).every((mesh) => mesh.visible)).toBe(true);
    batches.dispose();
    expect(instanced(batches)).toHaveLength(0);
    expect(trees.flatMap(meshesOf).every((mesh) => mesh.visible)).toBe(true);
  });
});
