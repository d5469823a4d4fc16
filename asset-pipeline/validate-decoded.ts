/**
 * The Khronos validator cannot look inside Draco- or meshopt-compressed geometry, so an upload that uses
 * them is validated again after decoding: written out uncompressed and checked the same way. Also used
 * on our own outputs (benchmark, tests) for the same reason.
 */
import type { Document } from '@gltf-transform/core';
import { cloneDocument } from '@gltf-transform/functions';
import { gltfIO } from './gltf-io.js';
import type { IngestedGltf } from './ingest/read-upload.js';
import { validateGltf, type ValidationSummary } from './validate-gltf.js';

const GEOMETRY_COMPRESSION = ['KHR_draco_mesh_compression', 'EXT_meshopt_compression'];

/** Validates `document` with its geometry decoded, when `upload` (if given) was compressed. */
export async function validateDecoded(
  document: Document,
  upload: IngestedGltf | undefined,
  maxImagePixels: number,
): Promise<ValidationSummary | undefined> {
  const used = (upload?.json.extensionsUsed ?? GEOMETRY_COMPRESSION) as unknown;
  if (!Array.isArray(used) || !used.some((name) => GEOMETRY_COMPRESSION.includes(String(name))))
    return undefined;
  const copy = cloneDocument(document);
  for (const extension of copy.getRoot().listExtensionsUsed()) {
    if (GEOMETRY_COMPRESSION.includes(extension.extensionName)) extension.dispose();
  }
  const io = await gltfIO();
  const glb = await io.writeBinary(copy);
  return validateGltf({ format: 'glb', main: glb, json: {}, resources: new Map() }, maxImagePixels);
}
