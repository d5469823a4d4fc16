/**
 * The demo collectibles' 3D model (their metadata's animation_url): a faceted gem in the token's colour,
 * made here in code as a GLB, so the embedded setup shows a token's model on a frame with nothing
 * downloaded. Deterministic: the same token always gives the same bytes (and so the same asset hash).
 */
import { Document, NodeIO } from '@gltf-transform/core';

/** An octahedron 0.5 m across, stretched upright; flat-shaded (each face its own vertices and normal). */
function gemGeometry(): { positions: Float32Array<ArrayBuffer>; normals: Float32Array<ArrayBuffer> } {
  const top = [0, 0.35, 0];
  const bottom = [0, -0.35, 0];
  const ring = [
    [0.25, 0, 0],
    [0, 0, 0.25],
    [-0.25, 0, 0],
    [0, 0, -0.25],
  ];
  const positions: number[] = [];
  const normals: number[] = [];
  for (let i = 0; i < 4; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % 4]!;
    for (const [apex, first, second] of [
      [top, b, a],
      [bottom, a, b],
    ] as const) {
      const u = first.map((value, axis) => value - apex[axis]!);
      const v = second.map((value, axis) => value - apex[axis]!);
      const n = [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
      const length = Math.hypot(n[0]!, n[1]!, n[2]!);
      positions.push(...apex, ...first, ...second);
      for (let k = 0; k < 3; k++) normals.push(n[0]! / length, n[1]! / length, n[2]! / length);
    }
  }
  return { positions: new Float32Array(positions), normals: new Float32Array(normals) };
}

/** The gem as a GLB, coloured `hex` (#rrggbb). */
export async function demoModelGlb(hex: string): Promise<Uint8Array> {
  const document = new Document();
  const buffer = document.createBuffer();
  const { positions, normals } = gemGeometry();
  const colour = [1, 3, 5].map((at) => (Number.parseInt(hex.slice(at, at + 2), 16) / 255) ** 2.2);
  const material = document
    .createMaterial('gem')
    .setBaseColorFactor([colour[0]!, colour[1]!, colour[2]!, 1])
    .setMetallicFactor(0.2)
    .setRoughnessFactor(0.35);
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', document.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer))
    .setAttribute('NORMAL', document.createAccessor().setType('VEC3').setArray(normals).setBuffer(buffer))
    .setMaterial(material);
  document
    .createScene()
    .addChild(document.createNode('gem').setMesh(document.createMesh('gem').addPrimitive(primitive)));
  return new NodeIO().writeBinary(document);
}
