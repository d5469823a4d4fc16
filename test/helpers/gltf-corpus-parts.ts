/**
 * The pieces the glTF corpus (gltf-corpus.ts, gltf-invalid-corpus.ts) builds its cases from: a textured
 * quad with one or two UV sets, its scene, a small PNG.
 */
import sharp from 'sharp';
import { type RawGltf } from './raw-gltf.js';

export interface CorpusCase {
  name: string;
  glb: Uint8Array;
}

/** A case: its name and how to build it. */
export type CorpusBuild = [string, () => RawGltf];

export const ARRAY_BUFFER = 34962;
export const ELEMENT_ARRAY_BUFFER = 34963;

/** A 16×16 PNG of a colour gradient (the texture every textured case uses). */
export async function gradientPng(): Promise<Uint8Array> {
  const size = 16;
  const pixels = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const at = (y * size + x) * 3;
      pixels[at] = x * 16;
      pixels[at + 1] = y * 16;
      pixels[at + 2] = 128;
    }
  }
  return new Uint8Array(
    await sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

/** A unit quad facing +Z: positions, normals, two UV sets and indices, on `gltf`'s buffer. */
export function quad(gltf: RawGltf, options: { secondUv?: boolean } = {}): Record<string, number> {
  const position = gltf.accessor(new Float32Array([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0]), 'VEC3', {
    bounds: true,
    target: ARRAY_BUFFER,
  });
  const normal = gltf.accessor(new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]), 'VEC3', {
    target: ARRAY_BUFFER,
  });
  const uv0 = gltf.accessor(new Float32Array([0, 1, 1, 1, 1, 0, 0, 0]), 'VEC2', { target: ARRAY_BUFFER });
  const attributes: Record<string, number> = { POSITION: position, NORMAL: normal, TEXCOORD_0: uv0 };
  if (options.secondUv) {
    attributes.TEXCOORD_1 = gltf.accessor(new Float32Array([0, 0.5, 0.5, 0.5, 0.5, 0, 0, 0]), 'VEC2', {
      target: ARRAY_BUFFER,
    });
  }
  const indices = gltf.accessor(new Uint16Array([0, 1, 2, 0, 2, 3]), 'SCALAR', {
    target: ELEMENT_ARRAY_BUFFER,
  });
  return { ...attributes, indices };
}

/** One mesh of the quad with `material` (if any), in a scene of one node. */
export function quadScene(gltf: RawGltf, material?: number, secondUv = false): number {
  const { indices, ...attributes } = quad(gltf, { secondUv });
  const mesh = gltf.add('meshes', {
    primitives: [{ attributes, indices, ...(material === undefined ? {} : { material }) }],
  });
  const node = gltf.add('nodes', { mesh, name: 'Quad' });
  gltf.json.scenes = [{ nodes: [node] }];
  gltf.json.scene = 0;
  return node;
}

export function texture(gltf: RawGltf, png: Uint8Array, name = 'gradient'): number {
  const view = gltf.view(png);
  const image = gltf.add('images', { bufferView: view, mimeType: 'image/png', name });
  return gltf.add('textures', { source: image });
}
