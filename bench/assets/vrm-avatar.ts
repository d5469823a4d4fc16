/**
 * VRM 1.0 avatars made in code for tests and the benchmark: the generated skinned avatar (the product's
 * humanoid rig, T-pose, a walk clip) with a ponytail of two spring-bone joints, an MToon material and the
 * VRMC_vrm extension (licence, humanoid, a thumbnail). The extensions are written straight into the GLB's
 * JSON, not through the pipeline's reader, so a test of the pipeline does not test it with itself.
 */
import { gltfIO } from '../../asset-pipeline/index.js';
import { skinnedAvatar, RIG, type SampleModel } from './sample-models.js';

export interface VrmOptions {
  name?: string;
  /** meta.avatarPermission (VRM 1.0: onlyAuthor, onlySeparatelyLicensedPerson, everyone). */
  permission?: string;
  /** Humanoid bones left out of VRMC_vrm (to make a broken avatar). */
  withoutBones?: readonly string[];
  /** Body colour (sRGB 0–1) of the MToon material's base and shade. */
  color?: [number, number, number];
}

const PONYTAIL: typeof RIG = [
  ['hairRoot', 'head', [0, 0.12, -0.1]],
  ['hairTip', 'hairRoot', [0, -0.15, -0.05]],
];

type GltfJson = {
  nodes: { name?: string }[];
  materials: { extensions?: Record<string, unknown>; pbrMetallicRoughness?: Record<string, unknown> }[];
  textures?: unknown[];
  images?: unknown[];
  extensionsUsed?: string[];
  extensions?: Record<string, unknown>;
};

export async function vrmAvatar(options: VrmOptions = {}): Promise<SampleModel> {
  const name = options.name ?? 'generated-vrm-avatar';
  const base = await skinnedAvatar([...RIG, ...PONYTAIL], name, true);
  const io = await gltfIO();
  const { json: raw, resources } = await io.binaryToJSON(base.glb);
  const json = raw as unknown as GltfJson;
  const nodeOf = (bone: string) => json.nodes.findIndex((node) => node.name === bone);
  const humanBones = Object.fromEntries(
    RIG.map(([bone]) => bone)
      .filter((bone) => !options.withoutBones?.includes(bone))
      .map((bone) => [bone, { node: nodeOf(bone) }]),
  );
  const [r, g, b] = options.color ?? [0.85, 0.45, 0.3];
  const material = json.materials[0]!;
  material.pbrMetallicRoughness = { ...material.pbrMetallicRoughness, baseColorFactor: [r, g, b, 1] };
  material.extensions = {
    VRMC_materials_mtoon: {
      specVersion: '1.0',
      shadeColorFactor: [r * 0.6, g * 0.6, b * 0.6],
      shadeMultiplyTexture: { index: 0, texCoord: 0 },
      shadingToonyFactor: 0.9,
    },
  };
  json.extensionsUsed = [
    ...(json.extensionsUsed ?? []),
    'VRMC_vrm',
    'VRMC_springBone',
    'VRMC_materials_mtoon',
  ];
  json.extensions = {
    ...json.extensions,
    VRMC_vrm: {
      specVersion: '1.0',
      meta: {
        name,
        version: '1',
        authors: ['metaverse-in-a-box tests'],
        licenseUrl: 'https://vrm.dev/licenses/1.0/',
        avatarPermission: options.permission ?? 'everyone',
        commercialUsage: 'personalNonProfit',
        thumbnailImage: 0,
      },
      humanoid: { humanBones },
      firstPerson: { meshAnnotations: [{ node: nodeOf('body'), type: 'auto' }] },
      // The body's one morph target, as a VRM binds its blink.
      expressions: {
        preset: { blink: { morphTargetBinds: [{ node: nodeOf('body'), index: 0, weight: 1 }] } },
      },
      lookAt: { type: 'bone', offsetFromHeadBone: [0, 0.06, 0] },
    },
    VRMC_springBone: {
      specVersion: '1.0',
      colliders: [{ node: nodeOf('head'), shape: { sphere: { offset: [0, 0, 0], radius: 0.1 } } }],
      colliderGroups: [{ name: 'head', colliders: [0] }],
      springs: [
        {
          name: 'ponytail',
          joints: [
            { node: nodeOf('hairRoot'), hitRadius: 0.02, stiffness: 1, gravityPower: 0.2, dragForce: 0.4 },
            { node: nodeOf('hairTip'), hitRadius: 0.02, stiffness: 1, gravityPower: 0.2, dragForce: 0.4 },
          ],
          colliderGroups: [0],
          center: nodeOf('hips'),
        },
      ],
    },
  };
  return { name, glb: glbOf(JSON.stringify(json), resources['@glb.bin']) };
}

/** A GLB container: the JSON chunk (space-padded) and the binary chunk (zero-padded), 4-byte aligned. */
export function glbOf(jsonText: string, bin: Uint8Array | undefined): Uint8Array {
  const pad = (length: number) => (4 - (length % 4)) % 4;
  const jsonBytes = new TextEncoder().encode(jsonText);
  const jsonLength = jsonBytes.length + pad(jsonBytes.length);
  const binLength = bin ? bin.length + pad(bin.length) : 0;
  const total = 12 + 8 + jsonLength + (bin ? 8 + binLength : 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x46546c67, true); // "glTF"
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, jsonLength, true);
  view.setUint32(16, 0x4e4f534a, true); // "JSON"
  out.set(jsonBytes, 20);
  out.fill(0x20, 20 + jsonBytes.length, 20 + jsonLength);
  if (bin) {
    const at = 20 + jsonLength;
    view.setUint32(at, binLength, true);
    view.setUint32(at + 4, 0x004e4942, true); // "BIN\0"
    out.set(bin, at + 8);
  }
  return out;
}
