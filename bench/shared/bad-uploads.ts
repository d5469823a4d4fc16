/** Hostile and broken uploads for the asset pipeline's rejection tests, built in code. */
import { crc32 } from 'node:zlib';
import { zipSync } from 'fflate';
import sharp from 'sharp';

const encoder = new TextEncoder();

/** A minimal valid glTF JSON: one triangle, its buffer as `uri` (a data URI unless given). */
export function triangleGltf(
  bufferUri?: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const positions = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]);
  const uri =
    bufferUri ?? `data:application/octet-stream;base64,${Buffer.from(positions.buffer).toString('base64')}`;
  return {
    asset: { version: '2.0' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0 }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0 } }] }],
    accessors: [
      { bufferView: 0, componentType: 5126, count: 3, type: 'VEC3', min: [0, 0, 0], max: [1, 1, 0] },
    ],
    bufferViews: [{ buffer: 0, byteLength: 36 }],
    buffers: [{ byteLength: 36, uri }],
    ...extra,
  };
}

export function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** The triangle's raw buffer (for zips holding a .gltf and its .bin). */
export function triangleBin(): Uint8Array {
  return new Uint8Array(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]).buffer);
}

export function zip(files: Record<string, Uint8Array>): Uint8Array {
  return zipSync(files, { level: 9 });
}

/** A zip of `name` holding `megabytes` of zeros: a few KB that inflate to far more. */
export function zipBomb(megabytes: number): Uint8Array {
  return zipSync(
    {
      'model.gltf': jsonBytes(triangleGltf('zeros.bin')),
      'zeros.bin': new Uint8Array(megabytes * 1024 * 1024),
    },
    { level: 9 },
  );
}

/**
 * A PNG whose header claims width × height while its data is a tiny image: a decoder that trusted the
 * header would allocate width × height × 4 bytes. Nothing may decode it.
 */
export async function pngClaiming(width: number, height: number): Promise<Uint8Array> {
  const png = Buffer.from(
    await sharp({ create: { width: 4, height: 4, channels: 4, background: '#f00' } })
      .png()
      .toBuffer(),
  );
  // IHDR data starts at byte 16 (8 signature + 4 length + 4 type); its CRC follows the 13 data bytes.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return new Uint8Array(png);
}

/** A glTF using `image` as a textured triangle's base colour, packed in a zip with the image file. */
export function texturedTriangleZip(image: Uint8Array): Uint8Array {
  const gltf = triangleGltf('tri.bin', {
    meshes: [{ primitives: [{ attributes: { POSITION: 0, TEXCOORD_0: 1 }, material: 0 }] }],
    accessors: [
      { bufferView: 0, componentType: 5126, count: 3, type: 'VEC3', min: [0, 0, 0], max: [1, 1, 0] },
      { bufferView: 1, componentType: 5126, count: 3, type: 'VEC2' },
    ],
    bufferViews: [
      { buffer: 0, byteLength: 36 },
      { buffer: 0, byteOffset: 36, byteLength: 24 },
    ],
    buffers: [{ byteLength: 60, uri: 'tri.bin' }],
    images: [{ uri: 'texture.png' }],
    textures: [{ source: 0 }],
    materials: [{ pbrMetallicRoughness: { baseColorTexture: { index: 0 } } }],
  });
  const bin = new Uint8Array(60);
  bin.set(triangleBin());
  bin.set(new Uint8Array(new Float32Array([0, 0, 1, 0, 0, 1]).buffer), 36);
  return zip({ 'model.gltf': jsonBytes(gltf), 'tri.bin': bin, 'texture.png': image });
}
