/**
 * Puts valid-but-unusual glTF into the shape the optimization passes expect, without changing what a
 * viewer draws: a TRIANGLES primitive with trailing vertices that form no whole triangle is cut to whole
 * triangles (WebGL ignores the rest too), and a skin without inverse bind matrices gets identity matrices
 * (what the specification says an absent accessor means).
 */
import { Primitive, type Buffer, type Document } from '@gltf-transform/core';

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

export function normalizeDocument(document: Document): void {
  wholeTriangles(document);
  identityInverseBindMatrices(document);
}

/** The document's first buffer, created only when something new must be stored and there is none. */
function bufferOf(document: Document): Buffer {
  return document.getRoot().listBuffers()[0] ?? document.createBuffer();
}

function wholeTriangles(document: Document): void {
  for (const mesh of document.getRoot().listMeshes()) {
    for (const primitive of mesh.listPrimitives()) {
      if (primitive.getMode() !== Primitive.Mode.TRIANGLES) continue;
      const indices = primitive.getIndices();
      const count = indices?.getCount() ?? primitive.getAttribute('POSITION')?.getCount() ?? 0;
      const whole = count - (count % 3);
      if (whole === count) continue;
      const kept = indices
        ? Uint32Array.from(indices.getArray()!.subarray(0, whole))
        : Uint32Array.from({ length: whole }, (_, index) => index);
      primitive.setIndices(
        document.createAccessor().setType('SCALAR').setArray(kept).setBuffer(bufferOf(document)),
      );
    }
  }
}

function identityInverseBindMatrices(document: Document): void {
  for (const skin of document.getRoot().listSkins()) {
    if (skin.getInverseBindMatrices()) continue;
    const joints = skin.listJoints().length;
    const matrices = new Float32Array(joints * 16);
    for (let joint = 0; joint < joints; joint += 1) matrices.set(IDENTITY, joint * 16);
    skin.setInverseBindMatrices(
      document.createAccessor().setType('MAT4').setArray(matrices).setBuffer(bufferOf(document)),
    );
  }
}
