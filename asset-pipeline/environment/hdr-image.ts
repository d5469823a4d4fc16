/**
 * An uploaded HDR environment's format and size, from its first bytes alone: OpenEXR (.exr) or Radiance
 * RGBE (.hdr). Checked before decode-hdr.ts decodes it — so a header claiming a gigapixel never allocates
 * it. Free of three.js (the server's main thread sniffs uploads; only the pipeline's worker decodes).
 *
 * Pixels are linear RGB as half floats (IEEE 754 binary16 bit patterns, 4 per pixel: R, G, B, A), rows from
 * the top of the image down, equirectangular (longitude across, latitude down).
 */
import { reject } from '../errors.js';

export type HdrFormat = 'exr' | 'hdr';

export interface HdrImage {
  format: HdrFormat;
  width: number;
  height: number;
  /** RGBA half-float bit patterns, top row first. */
  half: Uint16Array;
}

const EXR_MAGIC = 0x01312f76; // little-endian 76 2f 31 01
const WHAT_TO_UPLOAD =
  'upload an equirectangular environment as OpenEXR (.exr, RGB) or Radiance (.hdr), e.g. from Poly Haven';

export function formatOf(bytes: Uint8Array): HdrFormat | undefined {
  if (bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === EXR_MAGIC)
    return 'exr';
  const start = new TextDecoder('latin1').decode(bytes.subarray(0, 10));
  if (start.startsWith('#?RADIANCE') || start.startsWith('#?RGBE')) return 'hdr';
  return undefined;
}

/** Width and height from the header alone (nothing decoded). */
export function headerSize(bytes: Uint8Array, format: HdrFormat): { width: number; height: number } {
  return format === 'exr' ? exrHeaderSize(bytes) : hdrHeaderSize(bytes);
}

/** EXR: attributes (name\0 type\0 size:uint32 value) until an empty name; dataWindow is a box2i. */
function exrHeaderSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = bytes.length >= 8 ? view.getUint32(4, true) : 0;
  if ((flags & 0x800) !== 0)
    reject(
      'EXR_DEEP',
      'the EXR file holds deep data (several samples per pixel), not an image; flatten it to a scanline RGB image and upload again',
    );
  let offset = 8;
  const readString = (): string => {
    const end = bytes.indexOf(0, offset);
    if (end < 0 || end - offset > 255)
      reject('EXR_BAD_HEADER', `the EXR header is damaged; ${WHAT_TO_UPLOAD}`);
    const text = new TextDecoder('latin1').decode(bytes.subarray(offset, end));
    offset = end + 1;
    return text;
  };
  while (offset < bytes.length) {
    const name = readString();
    if (name === '') break;
    const type = readString();
    if (offset + 4 > bytes.length) break;
    const size = view.getUint32(offset, true);
    offset += 4;
    if (name === 'dataWindow' && type === 'box2i' && size === 16 && offset + 16 <= bytes.length) {
      const [xMin, yMin, xMax, yMax] = [0, 4, 8, 12].map((at) => view.getInt32(offset + at, true)) as [
        number,
        number,
        number,
        number,
      ];
      return { width: xMax - xMin + 1, height: yMax - yMin + 1 };
    }
    offset += size;
  }
  return reject(
    'EXR_BAD_HEADER',
    `the EXR header has no dataWindow (the file is damaged); ${WHAT_TO_UPLOAD}`,
  );
}

/** Radiance: text lines up to an empty one, then the resolution line, e.g. "-Y 1024 +X 2048". */
function hdrHeaderSize(bytes: Uint8Array): { width: number; height: number } {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 4096)));
  const blank = head.indexOf('\n\n');
  const line = blank < 0 ? '' : head.slice(blank + 2, head.indexOf('\n', blank + 2));
  if (/FORMAT=32-bit_rle_xyze/.test(head.slice(0, blank)))
    reject(
      'HDR_XYZE',
      `the .hdr file stores XYZ colour, not RGB; save it as RGBE (32-bit_rle_rgbe) and upload again`,
    );
  const match = /^-Y (\d+) \+X (\d+)$/.exec(line.trim());
  if (!match)
    reject(
      'HDR_BAD_HEADER',
      `the .hdr file has no "-Y <height> +X <width>" resolution line after its header (it is damaged or flipped); ${WHAT_TO_UPLOAD}`,
    );
  return { width: Number(match[2]), height: Number(match[1]) };
}
