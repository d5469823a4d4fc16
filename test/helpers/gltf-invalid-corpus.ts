/** glTF the pipeline must refuse, with the reason and where — never with a raw JavaScript error. */
import { quad, quadScene, type CorpusCase } from './gltf-corpus-parts.js';
import { RawGltf } from './raw-gltf.js';

/**
 * glTF the Khronos validator refuses, each for one reason: the pipeline must refuse it with the
 * validator's words and a JSON pointer, never with a raw JavaScript error.
 */
export interface InvalidCase extends CorpusCase {
  /** Where the refusal must point. */
  pointer: RegExp;
  /** The validator only warns; the pipeline refuses it all the same (a loader could not use it). */
  validatorWarnsOnly?: boolean;
}

export function invalidCorpus(): InvalidCase[] {
  const broken = (
    name: string,
    pointer: RegExp,
    spoil: (gltf: RawGltf) => void,
    validatorWarnsOnly = false,
  ): InvalidCase => {
    const gltf = new RawGltf();
    quadScene(gltf);
    spoil(gltf);
    return { name, pointer, glb: gltf.glb(), validatorWarnsOnly };
  };
  return [
    broken(
      'an accessor of type "NotaVEC3"',
      /^\/(accessors\/0|meshes\/0\/primitives\/0\/attributes\/POSITION)/,
      (gltf) => {
        gltf.json.accessors[0]!.type = 'NotaVEC3';
      },
    ),
    broken('indices pointing past the last vertex', /^\/(meshes|accessors)/, (gltf) => {
      const indices = gltf.json.accessors.findIndex((accessor) => accessor.type === 'SCALAR');
      gltf.json.accessors[indices]!.count = 6;
      const view = gltf.json.bufferViews[gltf.json.accessors[indices]!.bufferView as number]!;
      // Rewrite the index data through the view's offset: a vertex 40 of 4.
      view.byteLength = 12;
      gltf.json.accessors.push({ ...gltf.json.accessors[indices], max: [40], min: [0] });
      (gltf.json.meshes as { primitives: { indices: number }[] }[])[0]!.primitives[0]!.indices =
        gltf.json.accessors.length - 1;
    }),
    broken('a buffer view reaching past the end of its buffer', /^\/bufferViews\/\d+/, (gltf) => {
      gltf.json.bufferViews[0]!.byteLength = 1_000_000;
    }),
    broken('a node naming a mesh that does not exist', /^\/nodes\/0\/mesh/, (gltf) => {
      (gltf.json.nodes as { mesh: number }[])[0]!.mesh = 7;
    }),
    broken('a mesh without primitives', /^\/meshes\/0/, (gltf) => {
      (gltf.json.meshes as { primitives: unknown[] }[])[0]!.primitives = [];
    }),
    broken('asset.version "3.0"', /^\/asset/, (gltf) => {
      gltf.json.asset = { version: '3.0' };
    }),
    broken(
      'asset.minVersion "2.1" (needs a newer loader)',
      /^\/asset\/minVersion$/,
      (gltf) => {
        gltf.json.asset = { version: '2.1', minVersion: '2.1' };
      },
      true,
    ),
    broken('an animation whose key times go backwards', /^\/(animations|accessors)/, (gltf) => {
      const times = gltf.accessor(new Float32Array([1, 0]), 'SCALAR', { bounds: true });
      const values = gltf.accessor(new Float32Array([0, 0, 0, 1, 1, 1]), 'VEC3');
      gltf.add('animations', {
        samplers: [{ input: times, output: values }],
        channels: [{ sampler: 0, target: { node: 0, path: 'translation' } }],
      });
    }),
    broken(
      'an image whose bytes are not an image',
      /^\/images\/0$/,
      (gltf) => {
        const view = gltf.view(new TextEncoder().encode('not a png at all'));
        const image = gltf.add('images', { bufferView: view, mimeType: 'image/png' });
        const texture = gltf.add('textures', { source: image });
        gltf.add('materials', { pbrMetallicRoughness: { baseColorTexture: { index: texture } } });
        (gltf.json.meshes as { primitives: { material?: number }[] }[])[0]!.primitives[0]!.material = 0;
      },
      true,
    ),
  ];
}

/**
 * `warnings` primitives the validator warns about (4 vertices drawn as TRIANGLES), then one that names an
 * accessor that does not exist: past the validator's issue limit, that error would go unseen.
 */
export function errorPastManyWarnings(warnings: number): Uint8Array {
  const gltf = new RawGltf();
  const { POSITION } = quad(gltf);
  const primitives: unknown[] = Array.from({ length: warnings }, () => ({ attributes: { POSITION } }));
  primitives.push({ attributes: { POSITION: 999 } });
  const mesh = gltf.add('meshes', { primitives });
  gltf.json.scenes = [{ nodes: [gltf.add('nodes', { mesh })] }];
  return gltf.glb();
}
