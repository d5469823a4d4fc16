/**
 * The `avatar` profile: a VRM 1.0 keeps what three-vrm needs (VRMC_vrm with its humanoid, licence and
 * thumbnail, spring bones, MToon) with every reference still naming the right object after optimization;
 * a rigged glTF is described by its joints' names; a broken or foreign rig is refused with the fix.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { gltfIO, processAsset } from '../../asset-pipeline/index.js';
import { RIG, skinnedAvatar, type SampleModel } from '../../bench/assets/sample-models.js';
import { glbOf, vrmAvatar } from '../../bench/assets/vrm-avatar.js';
import { rejectionOf } from '../helpers/asset-rejections.js';

interface Json {
  nodes: { name?: string }[];
  meshes: { primitives: { targets?: unknown[] }[] }[];
  textures: { source?: number; extensions?: Record<string, { source: number }> }[];
  images: unknown[];
  materials: { extensions?: Record<string, Record<string, { index: number }>> }[];
  extensionsUsed?: string[];
  extensions: Record<string, Record<string, unknown>>;
}

async function jsonOf(glb: Uint8Array): Promise<Json> {
  const { json } = await (await gltfIO()).binaryToJSON(glb);
  return json as unknown as Json;
}

let vrm: SampleModel;

beforeAll(async () => {
  vrm = await vrmAvatar();
});

describe('avatar uploads', () => {
  it.each([false, true])(
    'a VRM keeps its humanoid, spring bones, MToon and thumbnail, each naming the right object (KTX2: %s)',
    async (ktx2) => {
      const { glb, report, lods } = await processAsset(vrm.glb, { profile: 'avatar', ktx2 });
      expect(report.avatar).toEqual({
        format: 'vrm',
        name: 'generated-vrm-avatar',
        authors: ['metaverse-in-a-box tests'],
        permission: 'everyone',
        humanoidBones: RIG.length,
      });
      expect(lods).toEqual([]);
      const json = await jsonOf(glb);
      expect(json.extensionsUsed).toEqual(
        expect.arrayContaining(['VRMC_vrm', 'VRMC_springBone', 'VRMC_materials_mtoon']),
      );
      const nodeName = (index: unknown) => json.nodes[index as number]?.name;
      const { humanoid, meta } = json.extensions.VRMC_vrm as {
        humanoid: { humanBones: Record<string, { node: number }> };
        meta: { thumbnailImage: number; avatarPermission: string };
      };
      for (const [bone] of RIG) expect(nodeName(humanoid.humanBones[bone]?.node)).toBe(bone);
      expect(json.images[meta.thumbnailImage]).toBeDefined();
      // The blink still binds the body's morph target (a VRM's meshes are not joined or simplified).
      const { expressions } = json.extensions.VRMC_vrm as {
        expressions: { preset: { blink: { morphTargetBinds: { node: number; index: number }[] } } };
      };
      const [bind] = expressions.preset.blink.morphTargetBinds;
      expect(nodeName(bind!.node)).toBe('body');
      const bodyMesh = json.meshes[(json.nodes[bind!.node] as { mesh: number }).mesh]!;
      expect(bodyMesh.primitives[0]!.targets).toHaveLength(1);
      const springs = json.extensions.VRMC_springBone as {
        springs: { joints: { node: number }[]; center: number }[];
        colliders: { node: number }[];
      };
      expect(springs.springs[0]!.joints.map((joint) => nodeName(joint.node))).toEqual([
        'hairRoot',
        'hairTip',
      ]);
      expect(nodeName(springs.springs[0]!.center)).toBe('hips');
      expect(nodeName(springs.colliders[0]!.node)).toBe('head');
      const mtoon = json.materials[0]!.extensions!.VRMC_materials_mtoon!;
      const shade = json.textures[mtoon.shadeMultiplyTexture!.index]!;
      const source = shade.extensions?.[ktx2 ? 'KHR_texture_basisu' : 'EXT_texture_webp']?.source;
      expect(json.images[source as number]).toBeDefined();
    },
  );

  it('a VRM without every required bone is refused, naming the bones and where', async () => {
    const broken = await vrmAvatar({ withoutBones: ['leftHand', 'rightFoot'] });
    const problems = await rejectionOf(broken.glb, { profile: 'avatar' });
    expect(problems).toEqual([
      expect.objectContaining({ code: 'NOT_HUMANOID', pointer: '/extensions/VRMC_vrm/humanoid/humanBones' }),
    ]);
    expect(problems[0]!.message).toMatch(/lacks leftHand, rightFoot: .*set them in the VRM's humanoid/);
  });

  it('a VRM licensed to its author only says so in the report (the room enforces it)', async () => {
    const own = await vrmAvatar({ permission: 'onlyAuthor', name: 'mine' });
    const { report } = await processAsset(own.glb, { profile: 'avatar', lodRatios: [] });
    expect(report.avatar).toMatchObject({ permission: 'onlyAuthor', name: 'mine' });
    const odd = await vrmAvatar({ permission: 'anyone at all' });
    const problems = await rejectionOf(odd.glb, { profile: 'avatar' });
    expect(problems[0]).toMatchObject({
      code: 'VRM_BAD_LICENCE',
      pointer: '/extensions/VRMC_vrm/meta/avatarPermission',
    });
  });

  it('a VRM 0.x is refused with the way to convert it', async () => {
    const problems = await rejectionOf(await vrm0Of(vrm.glb), { profile: 'avatar' });
    expect(problems[0]).toMatchObject({ code: 'VRM_0_NOT_SUPPORTED', pointer: '/extensions/VRM' });
    expect(problems[0]!.message).toMatch(/convert it .*VRM 1\.0/);
  });

  it('a rigged glTF is an avatar when its joints are humanoid bones (VRM or Mixamo names)', async () => {
    const { report } = await processAsset((await skinnedAvatar()).glb, { profile: 'avatar', lodRatios: [] });
    expect(report.avatar).toEqual({
      format: 'gltf',
      name: null,
      authors: [],
      permission: 'everyone',
      humanoidBones: RIG.length,
    });
    const mixamoNames: Record<string, string> = {
      leftUpperArm: 'LeftArm',
      leftLowerArm: 'LeftForeArm',
      leftUpperLeg: 'LeftUpLeg',
    };
    const mixamo = await skinnedAvatar(
      RIG.map(([bone, parent, offset]) => [
        `mixamorig:${mixamoNames[bone] ?? bone}`,
        parent && `mixamorig:${mixamoNames[parent] ?? parent}`,
        offset,
      ]),
    );
    const described = await processAsset(mixamo.glb, { profile: 'avatar', lodRatios: [] });
    expect(described.report.avatar?.humanoidBones).toBe(RIG.length);
  });

  it('a skinned model whose joints are not a humanoid is refused, naming the missing bones', async () => {
    const creature = await skinnedAvatar(
      RIG.map(([bone, parent, offset]) => [
        `bone_${bone.length}${bone}`,
        parent && `bone_${parent.length}${parent}`,
        offset,
      ]),
      'creature',
    );
    const problems = await rejectionOf(creature.glb, { profile: 'avatar' });
    expect(problems[0]).toMatchObject({ code: 'NOT_HUMANOID', pointer: '/skins' });
    expect(problems[0]!.message).toMatch(/no joint for hips, spine, head, .*Mixamo names/);
  });
});

/** `glb` as UniVRM 0.x would have written it: a "VRM" extension instead of VRM 1.0's. */
async function vrm0Of(glb: Uint8Array): Promise<Uint8Array> {
  const { json, resources } = await (await gltfIO()).binaryToJSON(glb);
  const old = json as unknown as { extensionsUsed: string[]; extensions: Record<string, unknown> };
  old.extensionsUsed = ['VRM'];
  old.extensions = { VRM: { exporterVersion: 'UniVRM-0.99', humanoid: { humanBones: [] } } };
  for (const material of (json.materials ?? []) as { extensions?: unknown }[]) delete material.extensions;
  return glbOf(JSON.stringify(old), resources['@glb.bin']);
}
