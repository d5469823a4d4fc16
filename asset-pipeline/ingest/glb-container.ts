/**
 * Reads a GLB container's header and JSON chunk (glTF 2.0 §4.4) without trusting its declared lengths.
 */
import { reject } from '../errors.js';

const GLB_MAGIC = 0x46546c67; // "glTF"
const CHUNK_JSON = 0x4e4f534a; // "JSON"
const HEADER_BYTES = 12;

export function isGlb(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && readU32(bytes, 0) === GLB_MAGIC;
}

/** Returns the GLB's JSON chunk as text; rejects truncated or inconsistent containers. */
export function readGlbJsonText(bytes: Uint8Array): string {
  if (bytes.length < HEADER_BYTES + 8) {
    reject(
      'GLB_TRUNCATED',
      `the GLB is ${bytes.length} bytes, too short for its header; the file is truncated — export or upload it again`,
    );
  }
  const version = readU32(bytes, 4);
  if (version !== 2)
    reject(
      'GLB_VERSION',
      `the GLB says version ${version}; only glTF 2.0 GLBs are supported — re-export as glTF 2.0`,
    );
  const declared = readU32(bytes, 8);
  if (declared > bytes.length) {
    reject(
      'GLB_TRUNCATED',
      `the GLB declares ${declared} bytes but the file has ${bytes.length}; the file is truncated — upload it again`,
    );
  }
  if (declared < bytes.length) {
    reject(
      'GLB_TRAILING_BYTES',
      `the GLB declares ${declared} bytes but the file has ${bytes.length}; it has bytes after its end — re-export it`,
    );
  }
  const chunkLength = readU32(bytes, 12);
  const chunkType = readU32(bytes, 16);
  if (chunkType !== CHUNK_JSON)
    reject('GLB_NO_JSON', 'the GLB does not start with its JSON chunk; re-export it');
  if (HEADER_BYTES + 8 + chunkLength > declared) {
    reject(
      'GLB_TRUNCATED',
      `the GLB's JSON chunk declares ${chunkLength} bytes, past the end of the file; the file is truncated`,
    );
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(20, 20 + chunkLength));
}

function readU32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, true);
}
