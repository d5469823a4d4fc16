/**
 * What an `avatar` upload is, checked before it is optimized: a VRM 1.0 (its humanoid, its licence) or a
 * rigged glTF whose joints are named as humanoid bones (VRM's names or Mixamo's). Either way every bone the
 * shared motions move must be there, or the avatar could not walk; the answer names the missing bones and
 * how to fix the export. A VRM 0.x is refused with the way to convert it (its layout is another format).
 */
import type { Document, Node } from '@gltf-transform/core';
import { humanoidBoneOfJoint, missingHumanoidBones } from '../../protocol/index.js';
import { reject } from '../errors.js';
import type { KeptJson } from './kept-extension.js';
import { VRM_EXTENSION_NAME } from './vrm-extensions.js';

export const AVATAR_PERMISSIONS = ['onlyAuthor', 'onlySeparatelyLicensedPerson', 'everyone'] as const;
export type AvatarPermission = (typeof AVATAR_PERMISSIONS)[number];

export interface AvatarDescription {
  format: 'vrm' | 'gltf';
  /** The VRM's meta.name (a glTF: null). */
  name: string | null;
  authors: string[];
  /**
   * Who may wear it, from the VRM licence's meta.avatarPermission ("onlyAuthor" when absent, as VRM 1.0
   * says): "everyone", or only its uploader. A rigged glTF carries no licence: the uploader's to share.
   */
  permission: AvatarPermission;
  /** How many humanoid bones it maps. */
  humanoidBones: number;
}

const HUMANOID_FIX =
  'export it as a VRM 1.0 (with its humanoid set up) or name the joints as humanoid bones — VRM names (hips, spine, head, leftUpperArm…) or Mixamo names (mixamorig:Hips, mixamorig:LeftArm…)';

/** Describes an avatar upload or refuses it. `extensionsUsed` is the upload's own list (before reading). */
export function describeAvatar(document: Document, extensionsUsed: readonly string[]): AvatarDescription {
  if (extensionsUsed.includes('VRM') && !extensionsUsed.includes(VRM_EXTENSION_NAME))
    reject(
      'VRM_0_NOT_SUPPORTED',
      'this is a VRM 0.x avatar; avatars must be VRM 1.0 — convert it (UniVRM 0.100 or later, or the VRM Add-on for Blender, can export VRM 1.0) and upload it again',
      { pointer: '/extensions/VRM' },
    );
  const vrm = document.getRoot().getExtension<KeptJson>(VRM_EXTENSION_NAME);
  return vrm ? describeVrm(vrm) : describeRiggedGltf(document);
}

function describeVrm(vrm: KeptJson): AvatarDescription {
  const json = (vrm.template ?? {}) as {
    specVersion?: unknown;
    meta?: { name?: unknown; authors?: unknown; avatarPermission?: unknown };
    humanoid?: { humanBones?: Record<string, { node?: unknown } | undefined> };
  };
  const pointer = `/extensions/${VRM_EXTENSION_NAME}`;
  if (typeof json.specVersion !== 'string' || !json.specVersion.startsWith('1.'))
    reject(
      'VRM_VERSION',
      `${VRM_EXTENSION_NAME}.specVersion is ${JSON.stringify(json.specVersion ?? null)}; only VRM 1.x avatars load — export it as VRM 1.0`,
      { pointer: `${pointer}/specVersion` },
    );
  const bones = json.humanoid?.humanBones ?? {};
  const mapped: string[] = [];
  for (const [bone, entry] of Object.entries(bones)) {
    // A reference the reader resolved is a placeholder object; a bare number named no node of the file.
    const node = entry?.node;
    if (typeof node === 'number' || node === undefined)
      reject(
        'VRM_BAD_BONE',
        `humanoid bone "${bone}" names node ${JSON.stringify(node ?? null)}, which is not in the file; set the bone to one of the skeleton's nodes`,
        { pointer: `${pointer}/humanoid/humanBones/${bone}/node` },
      );
    mapped.push(bone);
  }
  const missing = missingHumanoidBones(mapped);
  if (missing.length > 0)
    reject(
      'NOT_HUMANOID',
      `the VRM's humanoid lacks ${missing.join(', ')}: every VRM 1.0 required bone must be set so the avatar can walk; set them in the VRM's humanoid and export again`,
      { pointer: `${pointer}/humanoid/humanBones` },
    );
  const meta = json.meta ?? {};
  const permission = meta.avatarPermission ?? 'onlyAuthor';
  if (!(AVATAR_PERMISSIONS as readonly unknown[]).includes(permission))
    reject(
      'VRM_BAD_LICENCE',
      `meta.avatarPermission is ${JSON.stringify(permission)}; it must be one of ${AVATAR_PERMISSIONS.join(', ')} — set the VRM's licence and export again`,
      { pointer: `${pointer}/meta/avatarPermission` },
    );
  return {
    format: 'vrm',
    name: typeof meta.name === 'string' ? meta.name.slice(0, 200) : null,
    authors: Array.isArray(meta.authors)
      ? meta.authors.filter((author): author is string => typeof author === 'string').slice(0, 20)
      : [],
    permission: permission as AvatarPermission,
    humanoidBones: mapped.length,
  };
}

function describeRiggedGltf(document: Document): AvatarDescription {
  const skins = document.getRoot().listSkins();
  if (skins.length === 0)
    reject(
      'NOT_RIGGED',
      `the model has no skin (skeleton), so it cannot move as an avatar; ${HUMANOID_FIX}`,
      {
        pointer: '/skins',
      },
    );
  const bones = new Set<string>();
  const joints = new Set<Node>(skins.flatMap((skin) => skin.listJoints()));
  for (const joint of joints) {
    const bone = humanoidBoneOfJoint(joint.getName());
    if (bone) bones.add(bone);
  }
  const missing = missingHumanoidBones(bones);
  if (missing.length > 0)
    reject(
      'NOT_HUMANOID',
      `the skeleton has no joint for ${missing.join(', ')}, so the shared motions cannot move it; ${HUMANOID_FIX}`,
      { pointer: '/skins' },
    );
  return { format: 'gltf', name: null, authors: [], permission: 'everyone', humanoidBones: bones.size };
}
