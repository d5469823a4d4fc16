/**
 * Decodes an HDR environment with three.js's own loaders (the ones the player reads environments with) to
 * half floats: RGBA bit patterns (IEEE 754 binary16), rows from the top of the image down, equirectangular
 * (longitude across, latitude down). Loaded only where the pipeline runs (a worker, the CLI).
 */
import { HalfFloatType, RGBAFormat } from 'three';
import { EXRLoader } from 'three/examples/jsm/loaders/EXRLoader.js';
import { HDRLoader } from 'three/examples/jsm/loaders/HDRLoader.js';
import { reject } from '../errors.js';
import type { HdrFormat, HdrImage } from './hdr-image.js';

/** Decodes the whole image (the caller has checked its size). */
export function decodeHdr(bytes: Uint8Array, format: HdrFormat): HdrImage {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const unreadable = () =>
    reject(
      format === 'exr' ? 'EXR_UNREADABLE' : 'HDR_UNREADABLE',
      format === 'exr'
        ? 'the EXR image could not be decoded: it is damaged or cut short, or uses something three.js cannot read (ripmap tiles, an unusual compression or channel layout); save it again as a scanline RGB image with ZIP or PIZ compression and upload again'
        : 'the .hdr image could not be decoded: it is damaged or cut short; export it again and upload again',
    );
  let parsed: { width?: number; height?: number; data?: ArrayLike<number> };
  try {
    parsed =
      format === 'exr'
        ? new EXRLoader().setDataType(HalfFloatType).setOutputFormat(RGBAFormat).parse(buffer)
        : new HDRLoader().setDataType(HalfFloatType).parse(buffer);
  } catch {
    return unreadable();
  }
  const { width = 0, height = 0, data } = parsed;
  if (!(data instanceof Uint16Array) || width <= 0 || height <= 0 || data.length !== width * height * 4)
    return unreadable();
  // three's EXR reader fills rows bottom-up (for a texture drawn without flipping); the .hdr reader top-down.
  return { format, width, height, half: format === 'exr' ? flipRows(data, width, height) : data };
}

function flipRows(data: Uint16Array, width: number, height: number): Uint16Array {
  const row = width * 4;
  const flipped = new Uint16Array(data.length);
  for (let y = 0; y < height; y++) flipped.set(data.subarray(y * row, (y + 1) * row), (height - 1 - y) * row);
  return flipped;
}
