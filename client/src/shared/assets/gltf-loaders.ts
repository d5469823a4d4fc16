/**
 * The glTF loader the player uses for pipeline assets: meshopt geometry (decoder bundled), Draco and KTX2
 * (their WASM decoders served from this origin under /decoders/, copied there by the build — nothing
 * comes from a CDN).
 */
import type { WebGLRenderer } from 'three';
import { DRACOLoader } from 'three/examples/jsm/loaders/DRACOLoader.js';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { KTX2Loader } from 'three/examples/jsm/loaders/KTX2Loader.js';
import { MeshoptDecoder } from 'three/examples/jsm/libs/meshopt_decoder.module.js';

export const DECODERS_PATH = '/decoders/';

/** Decoders fetched at run time (meshopt's is part of the player's code). */
export type Decoder = 'draco' | 'ktx2';

/** Each decoder's files, as its loader fetches them (the WASM build). */
export const DECODER_FILES: Record<Decoder, readonly string[]> = {
  draco: [`${DECODERS_PATH}draco/draco_wasm_wrapper.js`, `${DECODERS_PATH}draco/draco_decoder.wasm`],
  ktx2: [`${DECODERS_PATH}basis/basis_transcoder.js`, `${DECODERS_PATH}basis/basis_transcoder.wasm`],
};

export function createGltfLoader(renderer: WebGLRenderer): GLTFLoader {
  const draco = new DRACOLoader().setDecoderPath(`${DECODERS_PATH}draco/`);
  const ktx2 = new KTX2Loader().setTranscoderPath(`${DECODERS_PATH}basis/`).detectSupport(renderer);
  return new GLTFLoader().setMeshoptDecoder(MeshoptDecoder).setDRACOLoader(draco).setKTX2Loader(ktx2);
}
