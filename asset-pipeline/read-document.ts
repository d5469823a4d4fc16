/**
 * An ingested (and validated) upload as a glTF-Transform document. glTF 2.x files that declare
 * `minVersion` 2.0 (or none) are read as 2.0, as the specification asks of a 2.0 loader; glTF-Transform
 * itself refuses any version but "2.0".
 */
import type { Document, JSONDocument } from '@gltf-transform/core';
import { AssetPipelineFault, reject } from './errors.js';
import { gltfIO, QUIET } from './gltf-io.js';
import type { IngestedGltf } from './ingest/read-upload.js';

export async function readDocument(ingested: IngestedGltf): Promise<Document> {
  const io = await gltfIO();
  let jsonDocument: JSONDocument;
  try {
    jsonDocument =
      ingested.format === 'glb'
        ? await io.binaryToJSON(ingested.main)
        : { json: structuredClone(ingested.json) as unknown as JSONDocument['json'], resources: {} };
  } catch (error) {
    throw AssetPipelineFault.of('read the file', error);
  }
  acceptMinorVersion(jsonDocument.json.asset as unknown as Record<string, unknown>);
  for (const [uri, bytes] of ingested.resources)
    jsonDocument.resources[uri] = bytes as Uint8Array<ArrayBuffer>;
  try {
    const document = await io.readJSON(jsonDocument);
    document.setLogger(QUIET);
    return document;
  } catch (error) {
    throw AssetPipelineFault.of('read the model', error);
  }
}

/** Rewrites a loadable 2.x version to "2.0"; refuses versions a 2.0 loader must not load. */
function acceptMinorVersion(asset: Record<string, unknown>): void {
  // The validator has checked both are strings of the form "major.minor".
  const version = typeof asset.version === 'string' ? asset.version : '';
  const minVersion = typeof asset.minVersion === 'string' ? asset.minVersion : undefined;
  const major = /^(\d+)\.(\d+)$/.exec(version)?.[1];
  if (major !== '2')
    reject(
      'UNSUPPORTED_VERSION',
      `asset.version is "${version}"; only glTF 2.x can be loaded — export the model as glTF 2.0`,
      { pointer: '/asset/version' },
    );
  if (minVersion !== undefined && minVersion !== '2.0')
    reject(
      'UNSUPPORTED_VERSION',
      `asset.minVersion is "${minVersion}": the model needs a glTF loader newer than 2.0 — export it as glTF 2.0`,
      { pointer: '/asset/minVersion' },
    );
  asset.version = '2.0';
  delete asset.minVersion;
}
