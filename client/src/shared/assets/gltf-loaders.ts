/**
 * The glTF loader the player uses for pipeline assets: meshopt geometry (decoder bundled), Draco and KTX2
 * (their WASM decoders served from this origin under /decoders/, copied there by the build — nothing
 * comes from a CDN). Imported on demand (model-loads.ts): a world without models never downloads it.
 */
import type { WebGLRenderer } from 'three';
import { DRACOLoader } from 'three/examples/jsm/loaders/DRACOLoader.js';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { KTX2Loader } from 'three/examples/jsm/loaders/KTX2Loader.js';
import { MeshoptDecoder } from 'three/examples/jsm/libs/meshopt_decoder.module.js';
import { DECODERS_PATH } from './decoder-files.js';

export function createGltfLoader(renderer: WebGLRenderer): GLTFLoader {
  const draco = new DRACOLoader().setDecoderPath(`${DECODERS_PATH}draco/`);
  const ktx2 = new KTX2Loader().setTranscoderPath(`${DECODERS_PATH}basis/`).detectSupport(renderer);
  return new GLTFLoader().setMeshoptDecoder(MeshoptDecoder).setDRACOLoader(draco).setKTX2Loader(ktx2);
}
