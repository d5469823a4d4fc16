/** Where the WASM decoders the glTF loaders fetch at run time are served (copied there by the build). */
export const DECODERS_PATH = '/decoders/';

/** Decoders fetched at run time (meshopt's is part of the player's code). */
export type Decoder = 'draco' | 'ktx2';

/** Each decoder's files, as its loader fetches them (the WASM build). */
export const DECODER_FILES: Record<Decoder, readonly string[]> = {
  draco: [`${DECODERS_PATH}draco/draco_wasm_wrapper.js`, `${DECODERS_PATH}draco/draco_decoder.wasm`],
  ktx2: [`${DECODERS_PATH}basis/basis_transcoder.js`, `${DECODERS_PATH}basis/basis_transcoder.wasm`],
};
