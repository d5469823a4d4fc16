/**
 * A corpus of unusual but valid glTF files (each one the Khronos validator accepts), built in code: the
 * features real exporters write and a pipeline tuned on simple models trips over — lights, texture
 * transforms, second UV sets, sparse accessors, cameras, morph targets, interleaving, unused objects,
 * newer minor versions. Every case must come through the asset pipeline, or be refused by a named budget.
 * The invalid counterpart is gltf-invalid-corpus.ts.
 */
import {
  ARRAY_BUFFER,
  ELEMENT_ARRAY_BUFFER,
  gradientPng,
  quad,
  quadScene,
  texture,
  type CorpusBuild,
  type CorpusCase,
} from './gltf-corpus-parts.js';
import { materialCases } from './gltf-corpus-materials.js';
import { RawGltf } from './raw-gltf.js';

export type { CorpusCase } from './gltf-corpus-parts.js';

export async function validCorpus(): Promise<CorpusCase[]> {
  const png = await gradientPng();
  const cases: CorpusBuild[] = [
    ...materialCases(png),
    [
      'KHR_lights_punctual: a point, a spot and a directional light',
      () => {
        const gltf = new RawGltf();
        const quadNode = quadScene(gltf);
        gltf.uses('KHR_lights_punctual');
        gltf.json.extensions = {
          KHR_lights_punctual: {
            lights: [
              { type: 'point', color: [1, 0.9, 0.8], intensity: 20, range: 10, name: 'bulb' },
              { type: 'spot', intensity: 40, spot: { innerConeAngle: 0.2, outerConeAngle: 0.6 } },
              { type: 'directional', intensity: 3 },
            ],
          },
        };
        const lights = [0, 1, 2].map((light) =>
          gltf.add('nodes', { translation: [light, 2, 1], extensions: { KHR_lights_punctual: { light } } }),
        );
        (gltf.json.scenes as { nodes: number[] }[])[0]!.nodes = [quadNode, ...lights];
        return gltf;
      },
    ],
    [
      'named but unused objects: a material, a texture, a mesh, an accessor and a node outside every scene',
      () => {
        const gltf = new RawGltf();
        quadScene(gltf);
        const index = texture(gltf, png, 'unused');
        gltf.add('materials', {
          name: 'Unused material',
          pbrMetallicRoughness: { baseColorTexture: { index } },
        });
        const { indices, ...attributes } = quad(gltf);
        const mesh = gltf.add('meshes', { name: 'Unused mesh', primitives: [{ attributes, indices }] });
        gltf.add('nodes', { name: 'Orphan', mesh });
        gltf.accessor(new Float32Array([1, 2, 3]), 'SCALAR');
        return gltf;
      },
    ],
    [
      'a sparse POSITION accessor over a buffer view, and a sparse one with no buffer view (zeros)',
      () => {
        const gltf = new RawGltf();
        const { indices, ...attributes } = quad(gltf);
        const sparseIndices = gltf.view(new Uint8Array(new Uint16Array([2, 0]).buffer));
        const sparseValues = gltf.view(new Uint8Array(new Float32Array([1, 1.5, 0]).buffer));
        const base = attributes.POSITION!;
        const moved = gltf.add('accessors', {
          ...gltf.json.accessors[base],
          max: [1, 1.5, 0],
          sparse: {
            count: 1,
            indices: { bufferView: sparseIndices, componentType: 5123 },
            values: { bufferView: sparseValues },
          },
        });
        const offsetIndices = gltf.view(new Uint8Array(new Uint16Array([1, 2]).buffer));
        const offsetValues = gltf.view(new Uint8Array(new Float32Array([0, 0, 0.1, 0, 0, 0.1]).buffer));
        const target = gltf.add('accessors', {
          componentType: 5126,
          count: 4,
          type: 'VEC3',
          min: [0, 0, 0],
          max: [0, 0, 0.1],
          sparse: {
            count: 2,
            indices: { bufferView: offsetIndices, componentType: 5123 },
            values: { bufferView: offsetValues },
          },
        });
        const mesh = gltf.add('meshes', {
          primitives: [
            { attributes: { ...attributes, POSITION: moved }, indices, targets: [{ POSITION: target }] },
          ],
          weights: [0.5],
        });
        gltf.json.scenes = [{ nodes: [gltf.add('nodes', { mesh })] }];
        return gltf;
      },
    ],
    [
      'cameras: a perspective and an orthographic one on nodes',
      () => {
        const gltf = new RawGltf();
        const quadNode = quadScene(gltf);
        gltf.add('cameras', { type: 'perspective', perspective: { yfov: 0.8, znear: 0.1 } });
        gltf.add('cameras', {
          type: 'orthographic',
          orthographic: { xmag: 2, ymag: 2, znear: 0.1, zfar: 50 },
        });
        const a = gltf.add('nodes', { camera: 0, translation: [0, 0, 5] });
        const b = gltf.add('nodes', {
          camera: 1,
          translation: [0, 5, 0],
          rotation: [-0.7071068, 0, 0, 0.7071068],
        });
        (gltf.json.scenes as { nodes: number[] }[])[0]!.nodes = [quadNode, a, b];
        return gltf;
      },
    ],
    [
      'morph targets with an animation of their weights (cubic spline) and a step-interpolated translation',
      () => {
        const gltf = new RawGltf();
        const { indices, ...attributes } = quad(gltf);
        const offset = gltf.accessor(new Float32Array([0, 0, 0.5, 0, 0, 0.5, 0, 0, 0.5, 0, 0, 0.5]), 'VEC3', {
          bounds: true,
        });
        const mesh = gltf.add('meshes', {
          primitives: [{ attributes, indices, targets: [{ POSITION: offset }] }],
          weights: [0],
          extras: { targetNames: ['Bulge'] },
        });
        const node = gltf.add('nodes', { mesh, name: 'Morphing' });
        gltf.json.scenes = [{ nodes: [node] }];
        const times = gltf.accessor(new Float32Array([0, 1]), 'SCALAR', { bounds: true });
        // Cubic spline: in-tangent, value, out-tangent per key (one weight each).
        const weights = gltf.accessor(new Float32Array([0, 0, 0, 0, 1, 0]), 'SCALAR');
        const stepTimes = gltf.accessor(new Float32Array([0, 0.5, 1]), 'SCALAR', { bounds: true });
        const steps = gltf.accessor(new Float32Array([0, 0, 0, 0, 1, 0, 0, 0, 0]), 'VEC3');
        gltf.add('animations', {
          name: 'Pulse',
          samplers: [
            { input: times, output: weights, interpolation: 'CUBICSPLINE' },
            { input: stepTimes, output: steps, interpolation: 'STEP' },
          ],
          channels: [
            { sampler: 0, target: { node, path: 'weights' } },
            { sampler: 1, target: { node, path: 'translation' } },
          ],
        });
        return gltf;
      },
    ],
    [
      'interleaved vertex attributes in one strided buffer view',
      () => {
        const gltf = new RawGltf();
        // position (12 bytes) + uv (8 bytes) per vertex, stride 20.
        const vertices = new Float32Array([0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0]);
        const view = gltf.view(new Uint8Array(vertices.buffer), { byteStride: 20, target: ARRAY_BUFFER });
        const position = gltf.accessorOn(
          view,
          new Float32Array([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0]),
          'VEC3',
          {
            bounds: true,
          },
        );
        const uv = gltf.accessorOn(view, new Float32Array(8), 'VEC2', { byteOffset: 12 });
        const indices = gltf.accessor(new Uint16Array([0, 1, 2, 0, 2, 3]), 'SCALAR', {
          target: ELEMENT_ARRAY_BUFFER,
        });
        const index = texture(gltf, png);
        const material = gltf.add('materials', { pbrMetallicRoughness: { baseColorTexture: { index } } });
        const mesh = gltf.add('meshes', {
          primitives: [{ attributes: { POSITION: position, TEXCOORD_0: uv }, indices, material }],
        });
        gltf.json.scenes = [{ nodes: [gltf.add('nodes', { mesh })] }];
        return gltf;
      },
    ],
    [
      'quantized attributes (KHR_mesh_quantization): normalized byte and short texture coordinates and positions',
      () => {
        const gltf = new RawGltf();
        gltf.uses('KHR_mesh_quantization', true);
        const position = gltf.accessor(new Int16Array([0, 0, 0, 100, 0, 0, 100, 100, 0, 0, 100, 0]), 'VEC3', {
          bounds: true,
          target: ARRAY_BUFFER,
        });
        const uv = gltf.accessor(new Uint8Array([0, 255, 255, 255, 255, 0, 0, 0]), 'VEC2', {
          normalized: true,
          target: ARRAY_BUFFER,
        });
        const indices = gltf.accessor(new Uint8Array([0, 1, 2, 0, 2, 3]), 'SCALAR', {
          target: ELEMENT_ARRAY_BUFFER,
        });
        const index = texture(gltf, png);
        const material = gltf.add('materials', { pbrMetallicRoughness: { baseColorTexture: { index } } });
        const mesh = gltf.add('meshes', {
          primitives: [{ attributes: { POSITION: position, TEXCOORD_0: uv }, indices, material }],
        });
        gltf.json.scenes = [{ nodes: [gltf.add('nodes', { mesh, scale: [0.01, 0.01, 0.01] })] }];
        return gltf;
      },
    ],
    [
      'no indices, a triangle strip, a triangle fan, lines and points in one mesh',
      () => {
        const gltf = new RawGltf();
        const { POSITION } = quad(gltf);
        const mesh = gltf.add('meshes', {
          primitives: [
            { attributes: { POSITION } },
            { attributes: { POSITION }, mode: 5 },
            { attributes: { POSITION }, mode: 6 },
            { attributes: { POSITION }, mode: 1 },
            { attributes: { POSITION }, mode: 0 },
          ],
        });
        gltf.json.scenes = [{ nodes: [gltf.add('nodes', { mesh })] }];
        return gltf;
      },
    ],
    [
      'asset.version 2.1 with minVersion 2.0 (a newer minor version that a 2.0 loader must load)',
      () => {
        const gltf = new RawGltf();
        quadScene(gltf);
        gltf.json.asset = { version: '2.1', minVersion: '2.0' };
        return gltf;
      },
    ],
    [
      'several scenes and no default scene',
      () => {
        const gltf = new RawGltf();
        const node = quadScene(gltf);
        const other = gltf.add('nodes', { name: 'Empty', translation: [3, 0, 0] });
        gltf.json.scenes = [
          { nodes: [node], name: 'Main' },
          { nodes: [other], name: 'Other' },
        ];
        delete gltf.json.scene;
        return gltf;
      },
    ],
    [
      'a scene of lights and empty nodes only, no mesh at all',
      () => {
        const gltf = new RawGltf();
        gltf.uses('KHR_lights_punctual');
        gltf.json.extensions = { KHR_lights_punctual: { lights: [{ type: 'point', intensity: 5 }] } };
        const light = gltf.add('nodes', { extensions: { KHR_lights_punctual: { light: 0 } } });
        const root = gltf.add('nodes', { name: 'Rig', children: [light] });
        gltf.json.scenes = [{ nodes: [root] }];
        gltf.json.scene = 0;
        return gltf;
      },
    ],
    [
      'vertex colours as normalized unsigned-short RGB, a primitive without a material',
      () => {
        const gltf = new RawGltf();
        const { indices, ...attributes } = quad(gltf);
        const color = gltf.accessor(
          new Uint16Array([65535, 0, 0, 0, 65535, 0, 0, 0, 65535, 65535, 65535, 65535]),
          'VEC3',
          { normalized: true, target: ARRAY_BUFFER },
        );
        const mesh = gltf.add('meshes', {
          primitives: [{ attributes: { ...attributes, COLOR_0: color }, indices }],
        });
        gltf.json.scenes = [{ nodes: [gltf.add('nodes', { mesh })] }];
        return gltf;
      },
    ],
    [
      'a skin without inverse bind matrices and a joint hierarchy',
      () => {
        const gltf = new RawGltf();
        const { indices, ...attributes } = quad(gltf);
        const joints = gltf.accessor(
          new Uint8Array([0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
          'VEC4',
          {
            target: ARRAY_BUFFER,
          },
        );
        const weights = gltf.accessor(
          new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]),
          'VEC4',
          {
            target: ARRAY_BUFFER,
          },
        );
        const mesh = gltf.add('meshes', {
          primitives: [{ attributes: { ...attributes, JOINTS_0: joints, WEIGHTS_0: weights }, indices }],
        });
        const tip = gltf.add('nodes', { name: 'Tip', translation: [0, 1, 0] });
        const hip = gltf.add('nodes', { name: 'Hip', children: [tip] });
        const skin = gltf.add('skins', { joints: [hip, tip], skeleton: hip });
        const skinned = gltf.add('nodes', { mesh, skin, name: 'Skinned' });
        gltf.json.scenes = [{ nodes: [hip, skinned] }];
        return gltf;
      },
    ],
    [
      'an attribute and a morph target read from accessors with no buffer view (all zeros)',
      () => {
        const gltf = new RawGltf();
        const { indices, ...attributes } = quad(gltf);
        const zeros = gltf.add('accessors', { componentType: 5126, count: 4, type: 'VEC2' });
        const still = gltf.add('accessors', {
          componentType: 5126,
          count: 4,
          type: 'VEC3',
          min: [0, 0, 0],
          max: [0, 0, 0],
        });
        const mesh = gltf.add('meshes', {
          primitives: [
            { attributes: { ...attributes, TEXCOORD_1: zeros }, indices, targets: [{ POSITION: still }] },
          ],
        });
        gltf.json.scenes = [{ nodes: [gltf.add('nodes', { mesh })] }];
        return gltf;
      },
    ],
  ];
  return cases.map(([name, build]) => ({ name, glb: build().glb() }));
}

/** A .gltf with its buffer and its texture as separate files beside it (what exporters write by default). */
export async function gltfWithNeighbours(): Promise<{ gltf: Uint8Array; files: Record<string, Uint8Array> }> {
  const gltf = new RawGltf();
  const png = await gradientPng();
  const image = gltf.add('images', { uri: 'textures/gradient%20map.png' });
  const index = gltf.add('textures', { source: image });
  const material = gltf.add('materials', { pbrMetallicRoughness: { baseColorTexture: { index } } });
  quadScene(gltf, material);
  const { gltf: json, bin } = gltf.gltf('quad.bin');
  return { gltf: json, files: { 'quad.bin': bin, 'textures/gradient map.png': png } };
}
