/**
 * What an asset costs a visitor's GPU, measured from a glTF-Transform document: the figures budgets
 * are checked against and the report shows.
 */
import { Primitive, type Document, type Mesh, type Node } from '@gltf-transform/core';
import type { InstancedMesh } from '@gltf-transform/extensions';

export interface AssetMeasures {
  /** Triangles drawn for one copy of the asset, instances counted. */
  triangles: number;
  vertices: number;
  /** Meshes primitives drawn (an upper bound on draw calls). */
  drawCalls: number;
  materials: number;
  textures: number;
  /** Largest texture side, in pixels (0 without textures). */
  textureMaxPx: number;
  /** GPU memory of all textures with mipmaps, in bytes (KTX2 at its transcoded size, others as RGBA8). */
  gpuTextureBytes: number;
  /** Most joints in one skin (0 without skins). */
  bones: number;
  /** Most joint influences per vertex (JOINTS_n sets × 4). */
  influences: number;
  /** Joint names of every skin, for rig checks. */
  jointNames: string[];
  animations: number;
}

/** Bytes per pixel on the GPU: KTX2 (Basis) transcodes to 8 bpp block formats (BC7/ASTC/ETC2 RGBA). */
const GPU_BYTES_PER_PIXEL_KTX2 = 1;
const GPU_BYTES_PER_PIXEL_RGBA8 = 4;
/** A full mip chain adds a third. */
const MIP_FACTOR = 4 / 3;

export function measureDocument(document: Document): AssetMeasures {
  const root = document.getRoot();
  let triangles = 0;
  let vertices = 0;
  let drawCalls = 0;
  const countMesh = (mesh: Mesh, copies: number): void => {
    for (const primitive of mesh.listPrimitives()) {
      const count = primitive.getIndices()?.getCount() ?? primitive.getAttribute('POSITION')?.getCount() ?? 0;
      vertices += (primitive.getAttribute('POSITION')?.getCount() ?? 0) * copies;
      triangles += trianglesOf(primitive.getMode(), count) * copies;
      drawCalls += 1;
    }
  };
  const scenes = root.listScenes();
  if (scenes.length > 0) {
    for (const scene of scenes) {
      scene.traverse((node: Node) => {
        const mesh = node.getMesh();
        if (mesh) countMesh(mesh, instanceCount(node));
      });
    }
  } else {
    for (const mesh of root.listMeshes()) countMesh(mesh, 1);
  }
  let textureMaxPx = 0;
  let gpuTextureBytes = 0;
  for (const texture of root.listTextures()) {
    const size = texture.getSize();
    if (!size) continue;
    textureMaxPx = Math.max(textureMaxPx, size[0], size[1]);
    const perPixel =
      texture.getMimeType() === 'image/ktx2' ? GPU_BYTES_PER_PIXEL_KTX2 : GPU_BYTES_PER_PIXEL_RGBA8;
    gpuTextureBytes += Math.round(size[0] * size[1] * perPixel * MIP_FACTOR);
  }
  let bones = 0;
  const jointNames = new Set<string>();
  for (const skin of root.listSkins()) {
    const joints = skin.listJoints();
    bones = Math.max(bones, joints.length);
    for (const joint of joints) jointNames.add(joint.getName());
  }
  let influences = 0;
  for (const mesh of root.listMeshes()) {
    for (const primitive of mesh.listPrimitives()) {
      const sets = primitive.listSemantics().filter((semantic) => semantic.startsWith('JOINTS_')).length;
      influences = Math.max(influences, sets * 4);
    }
  }
  return {
    triangles,
    vertices,
    drawCalls,
    materials: root.listMaterials().length,
    textures: root.listTextures().length,
    textureMaxPx,
    gpuTextureBytes,
    bones,
    influences,
    jointNames: [...jointNames].sort(),
    animations: root.listAnimations().length,
  };
}

function trianglesOf(mode: number, count: number): number {
  switch (mode) {
    case Primitive.Mode.TRIANGLES:
      return Math.floor(count / 3);
    case Primitive.Mode.TRIANGLE_STRIP:
    case Primitive.Mode.TRIANGLE_FAN:
      return Math.max(0, count - 2);
    default:
      return 0;
  }
}

function instanceCount(node: Node): number {
  const instanced = node.getExtension<InstancedMesh>('EXT_mesh_gpu_instancing');
  return (
    instanced?.getAttribute('TRANSLATION')?.getCount() ?? instanced?.listAttributes()[0]?.getCount() ?? 1
  );
}
