/** Models for scene tests: a generated sky box, and uploads through the asset pipeline to a running server. */
import { expect } from '@jest/globals';
import { Document, NodeIO } from '@gltf-transform/core';
import { pmndrsModels } from '../../bench/assets/sample-models.js';
import { waitFor } from './wait.js';

/** A sky box: 2 m cube, its top vertices sky blue and its bottom ones a sunset orange (vertex colours). */
export async function skyBoxGlb(): Promise<Uint8Array> {
  const document = new Document();
  const buffer = document.createBuffer();
  const corners = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => [i & 1 ? 1 : -1, i & 2 ? 1 : -1, i & 4 ? 1 : -1]);
  const colours = corners.map(([, y]) => (y! > 0 ? [0.25, 0.55, 1, 1] : [1, 0.55, 0.2, 1]));
  // Two triangles per face, as corner indices (x = bit 0, y = bit 1, z = bit 2).
  const faces = [
    0, 1, 3, 0, 3, 2, 4, 6, 7, 4, 7, 5, 0, 4, 5, 0, 5, 1, 2, 3, 7, 2, 7, 6, 0, 2, 6, 0, 6, 4, 1, 5, 7, 1, 7,
    3,
  ];
  const accessor = (
    type: 'VEC3' | 'VEC4' | 'SCALAR',
    array: Float32Array<ArrayBuffer> | Uint16Array<ArrayBuffer>,
  ) => document.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', accessor('VEC3', new Float32Array(corners.flat())))
    .setAttribute('COLOR_0', accessor('VEC4', new Float32Array(colours.flat())))
    .setIndices(accessor('SCALAR', new Uint16Array(faces)))
    .setMaterial(document.createMaterial('sky').setDoubleSided(true));
  const mesh = document.createMesh('sky').addPrimitive(primitive);
  document.createScene().addChild(document.createNode('sky').setMesh(mesh));
  return new NodeIO().writeBinary(document);
}

/** Uploads a model through the asset pipeline (with LODs) and returns its hash once optimised. */
export async function uploadModel(
  baseUrl: string,
  token: string,
  glb?: Uint8Array,
  query = '',
): Promise<string> {
  return (await uploadToLibrary(baseUrl, token, glb, query)).hash;
}

/** The same, returning the upload's asset library entry too. */
export async function uploadToLibrary(
  baseUrl: string,
  token: string,
  glb?: Uint8Array,
  query = '',
  profile = 'prop',
  mediaType = 'model/gltf-binary',
): Promise<{ hash: string; libraryAsset: string }> {
  glb ??= (await pmndrsModels())[0]!.glb; // the bunny
  const created = await fetch(`${baseUrl}/assets?profile=${profile}${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': mediaType },
    body: Buffer.from(glb),
  });
  expect(created.status).toBe(202);
  const { id, libraryAsset } = (await created.json()) as { id: string; libraryAsset: string };
  const job = await waitFor(
    async () => {
      const response = await fetch(`${baseUrl}/assets/jobs/${id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return (await response.json()) as { status: string; assetHash: string };
    },
    (body) => body.status !== 'queued' && body.status !== 'running',
    { what: 'the model upload to be optimised', timeoutMs: 90_000, intervalMs: 250 },
  );
  expect(job.status).toBe('succeeded');
  return { hash: job.assetHash, libraryAsset };
}
