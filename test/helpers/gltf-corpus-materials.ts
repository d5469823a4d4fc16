/** The corpus's valid cases about materials and textures (see gltf-corpus.ts). */
import { quad, quadScene, texture, type CorpusBuild } from './gltf-corpus-parts.js';
import { RawGltf } from './raw-gltf.js';

export function materialCases(png: Uint8Array): CorpusBuild[] {
  return [
    [
      'KHR_texture_transform on the base colour, with a texCoord override',
      () => {
        const gltf = new RawGltf();
        gltf.uses('KHR_texture_transform');
        const index = texture(gltf, png);
        const material = gltf.add('materials', {
          pbrMetallicRoughness: {
            baseColorTexture: {
              index,
              extensions: {
                KHR_texture_transform: { offset: [0.5, 0], rotation: 0.3, scale: [2, 2], texCoord: 1 },
              },
            },
          },
        });
        quadScene(gltf, material, true);
        return gltf;
      },
    ],
    [
      'a material whose textures read the second UV set (TEXCOORD_1)',
      () => {
        const gltf = new RawGltf();
        const index = texture(gltf, png);
        const material = gltf.add('materials', {
          pbrMetallicRoughness: { baseColorTexture: { index, texCoord: 1 } },
          occlusionTexture: { index, texCoord: 1, strength: 0.5 },
        });
        quadScene(gltf, material, true);
        return gltf;
      },
    ],
    [
      'material extensions: emissive strength, clearcoat, transmission, variants',
      () => {
        const gltf = new RawGltf();
        for (const name of [
          'KHR_materials_emissive_strength',
          'KHR_materials_clearcoat',
          'KHR_materials_transmission',
          'KHR_materials_variants',
        ])
          gltf.uses(name);
        const index = texture(gltf, png);
        const glowing = gltf.add('materials', {
          emissiveFactor: [1, 0.5, 0],
          emissiveTexture: { index },
          extensions: {
            KHR_materials_emissive_strength: { emissiveStrength: 4 },
            KHR_materials_clearcoat: { clearcoatFactor: 1, clearcoatRoughnessFactor: 0.1 },
          },
        });
        const glass = gltf.add('materials', {
          extensions: { KHR_materials_transmission: { transmissionFactor: 1 } },
        });
        gltf.json.extensions = {
          KHR_materials_variants: { variants: [{ name: 'glowing' }, { name: 'glass' }] },
        };
        const { indices, ...attributes } = quad(gltf);
        const mesh = gltf.add('meshes', {
          primitives: [
            {
              attributes,
              indices,
              material: glowing,
              extensions: {
                KHR_materials_variants: {
                  mappings: [
                    { material: glowing, variants: [0] },
                    { material: glass, variants: [1] },
                  ],
                },
              },
            },
          ],
        });
        gltf.json.scenes = [{ nodes: [gltf.add('nodes', { mesh })] }];
        return gltf;
      },
    ],
    [
      'one image shared by two textures with different samplers; a texture without a sampler',
      () => {
        const gltf = new RawGltf();
        const view = gltf.view(png);
        const image = gltf.add('images', { bufferView: view, mimeType: 'image/png' });
        const nearest = gltf.add('samplers', {
          magFilter: 9728,
          minFilter: 9728,
          wrapS: 33071,
          wrapT: 33648,
        });
        const a = gltf.add('textures', { source: image, sampler: nearest });
        const b = gltf.add('textures', { source: image });
        const material = gltf.add('materials', {
          pbrMetallicRoughness: { baseColorTexture: { index: a }, metallicRoughnessTexture: { index: b } },
        });
        quadScene(gltf, material);
        return gltf;
      },
    ],
    [
      'texture transforms on the normal, occlusion, emissive and clearcoat textures, some on UV set 1',
      () => {
        const gltf = new RawGltf();
        gltf.uses('KHR_texture_transform').uses('KHR_materials_clearcoat');
        const index = texture(gltf, png);
        const transform = (texCoord?: number) => ({
          KHR_texture_transform: { scale: [3, 3], ...(texCoord === undefined ? {} : { texCoord }) },
        });
        const material = gltf.add('materials', {
          normalTexture: { index, scale: 0.5, extensions: transform(1) },
          occlusionTexture: { index, texCoord: 1, extensions: transform() },
          emissiveTexture: { index, extensions: transform(0) },
          emissiveFactor: [1, 1, 1],
          extensions: {
            KHR_materials_clearcoat: {
              clearcoatFactor: 1,
              clearcoatTexture: { index, extensions: transform(1) },
              clearcoatNormalTexture: { index, texCoord: 1 },
            },
          },
        });
        quadScene(gltf, material, true);
        return gltf;
      },
    ],
  ];
}
