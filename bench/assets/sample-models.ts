/**
 * Models for the asset benchmark and tests: the CC0 models of @pmndrs/assets plus generated ones that
 * exercise what those lack (textures, many meshes, instancing, skinning and animation). Generation is
 * deterministic (seeded), so every run measures the same inputs.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Document, type Material, type Node, type Texture } from '@gltf-transform/core';
import sharp from 'sharp';
import { gltfIO } from '../../asset-pipeline/index.js';
import { random } from '../shared/random.js';

export interface SampleModel {
  name: string;
  glb: Uint8Array;
}

const require = createRequire(import.meta.url);

/** The three GLBs shipped (as base64 data URLs in JS modules) by @pmndrs/assets. */
export async function pmndrsModels(): Promise<SampleModel[]> {
  const names = ['bunny', 'suzi', 'pmndrs'];
  return Promise.all(
    names.map(async (name) => {
      const source = await readFile(require.resolve(`@pmndrs/assets/models/${name}.glb.js`), 'utf8');
      const base64 = source.slice(source.indexOf('base64,') + 7, source.lastIndexOf("'"));
      return { name, glb: new Uint8Array(Buffer.from(base64, 'base64')) };
    }),
  );
}

export { random };

/**
 * A PNG with soft blobs and fine noise (compresses like a real photo texture, not like a flat fill). The
 * blobs are drawn at 128² and scaled up by sharp; the grain is per pixel.
 */
export async function noiseTexturePng(size: number, seed: number, normalMap = false): Promise<Uint8Array> {
  const next = random(seed);
  const base = 128;
  const field = Buffer.alloc(base * base * 3);
  const blobs = Array.from({ length: 12 }, () => ({
    x: next() * base,
    y: next() * base,
    r: (0.1 + next() * 0.3) * base,
    c: [next(), next(), next()] as const,
  }));
  for (let y = 0; y < base; y += 1) {
    for (let x = 0; x < base; x += 1) {
      let r = 0.3;
      let g = 0.3;
      let b = 0.3;
      for (const blob of blobs) {
        const w = Math.max(0, 1 - Math.hypot(x - blob.x, y - blob.y) / blob.r);
        r += w * blob.c[0];
        g += w * blob.c[1];
        b += w * blob.c[2];
      }
      const offset = (y * base + x) * 3;
      if (normalMap) {
        field[offset] = 128 + Math.round(Math.sin(x / 3) * 40);
        field[offset + 1] = 128 + Math.round(Math.cos(y / 2.5) * 40);
        field[offset + 2] = 255;
      } else {
        field[offset] = clamp255(r);
        field[offset + 1] = clamp255(g);
        field[offset + 2] = clamp255(b);
      }
    }
  }
  const pixels = await sharp(field, { raw: { width: base, height: base, channels: 3 } })
    .resize(size, size, { kernel: 'cubic' })
    .raw()
    .toBuffer();
  for (let index = 0; index < pixels.length; index += 1) {
    pixels[index] = Math.max(0, Math.min(255, (pixels[index] as number) + Math.round((next() - 0.5) * 16)));
  }
  return new Uint8Array(
    await sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

function clamp255(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value * 200)));
}

/** A UV sphere: positions, normals, uvs and indices. */
function sphere(segments: number, rings: number, radius: number) {
  const positions: number[] = [];
  const normals: number[] = [];
  const uvs: number[] = [];
  const indices: number[] = [];
  for (let ring = 0; ring <= rings; ring += 1) {
    const v = ring / rings;
    const phi = v * Math.PI;
    for (let segment = 0; segment <= segments; segment += 1) {
      const u = segment / segments;
      const theta = u * Math.PI * 2;
      const nx = Math.sin(phi) * Math.cos(theta);
      const ny = Math.cos(phi);
      const nz = Math.sin(phi) * Math.sin(theta);
      positions.push(nx * radius, ny * radius, nz * radius);
      normals.push(nx, ny, nz);
      uvs.push(u, v);
    }
  }
  for (let ring = 0; ring < rings; ring += 1) {
    for (let segment = 0; segment < segments; segment += 1) {
      const a = ring * (segments + 1) + segment;
      const b = a + segments + 1;
      indices.push(a, a + 1, b, b, a + 1, b + 1); // counter-clockwise seen from outside
    }
  }
  return { positions, normals, uvs, indices };
}

function addMesh(document: Document, name: string, shape: ReturnType<typeof sphere>, material: Material) {
  const buffer = document.getRoot().listBuffers()[0] ?? document.createBuffer();
  const accessor = (
    type: 'VEC3' | 'VEC2' | 'SCALAR',
    array: Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>,
  ) => document.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', accessor('VEC3', new Float32Array(shape.positions)))
    .setAttribute('NORMAL', accessor('VEC3', new Float32Array(shape.normals)))
    .setAttribute('TEXCOORD_0', accessor('VEC2', new Float32Array(shape.uvs)))
    .setIndices(accessor('SCALAR', new Uint32Array(shape.indices)))
    .setMaterial(material);
  return document.createMesh(name).addPrimitive(primitive);
}

async function texture(
  document: Document,
  name: string,
  size: number,
  seed: number,
  normalMap = false,
): Promise<Texture> {
  return document
    .createTexture(name)
    .setImage(await noiseTexturePng(size, seed, normalMap))
    .setMimeType('image/png');
}

/**
 * A textured, mesh-heavy scene: 60 distinct dense meshes (122k triangles), 4 materials with colour maps
 * (1024² by default) and normal maps of half that side.
 */
export async function texturedScene(textureSize = 1024): Promise<SampleModel> {
  const document = new Document();
  document.createBuffer();
  const next = random(7);
  const materials = await Promise.all(
    [0, 1, 2, 3].map(async (index) =>
      document
        .createMaterial(`material-${index}`)
        .setBaseColorTexture(await texture(document, `color-${index}`, textureSize, 100 + index))
        .setNormalTexture(await texture(document, `normal-${index}`, textureSize / 2, 200 + index, true))
        .setRoughnessFactor(0.6),
    ),
  );
  const scene = document.createScene('scene');
  for (let index = 0; index < 60; index += 1) {
    const mesh = addMesh(
      document,
      `rock-${index}`,
      sphere(48 + (index % 5) * 8, 32, 0.5 + next()),
      materials[index % 4] as Material,
    );
    scene.addChild(
      document
        .createNode(`rock-${index}`)
        .setMesh(mesh)
        .setTranslation([next() * 40 - 20, 0, next() * 40 - 20]),
    );
  }
  return { name: 'generated-textured-scene', glb: await (await gltfIO()).writeBinary(document) };
}

/** One small mesh placed 400 times (a forest of identical trees): instancing's case. */
export async function instancedScene(): Promise<SampleModel> {
  const document = new Document();
  document.createBuffer();
  const next = random(11);
  const material = document.createMaterial('bark').setBaseColorFactor([0.4, 0.3, 0.2, 1]);
  const mesh = addMesh(document, 'tree', sphere(16, 12, 1), material);
  const scene = document.createScene('forest');
  for (let index = 0; index < 400; index += 1) {
    scene.addChild(
      document
        .createNode(`tree-${index}`)
        .setMesh(mesh)
        .setTranslation([next() * 100 - 50, 0, next() * 100 - 50])
        .setScale([1, 1 + next() * 2, 1]),
    );
  }
  return { name: 'generated-instanced-scene', glb: await (await gltfIO()).writeBinary(document) };
}

/** The avatar rig's chain from hips up and down the legs and arms, with rest offsets in metres. */
export const RIG: [string, string | undefined, [number, number, number]][] = [
  ['hips', undefined, [0, 0.95, 0]],
  ['spine', 'hips', [0, 0.12, 0]],
  ['chest', 'spine', [0, 0.15, 0]],
  ['upperChest', 'chest', [0, 0.12, 0]],
  ['neck', 'upperChest', [0, 0.12, 0]],
  ['head', 'neck', [0, 0.1, 0]],
  ['leftUpperArm', 'upperChest', [0.2, 0.05, 0]],
  ['leftLowerArm', 'leftUpperArm', [0.28, 0, 0]],
  ['leftHand', 'leftLowerArm', [0.25, 0, 0]],
  ['rightUpperArm', 'upperChest', [-0.2, 0.05, 0]],
  ['rightLowerArm', 'rightUpperArm', [-0.28, 0, 0]],
  ['rightHand', 'rightLowerArm', [-0.25, 0, 0]],
  ['leftUpperLeg', 'hips', [0.1, -0.05, 0]],
  ['leftLowerLeg', 'leftUpperLeg', [0, -0.42, 0]],
  ['leftFoot', 'leftLowerLeg', [0, -0.42, 0]],
  ['rightUpperLeg', 'hips', [-0.1, -0.05, 0]],
  ['rightLowerLeg', 'rightUpperLeg', [0, -0.42, 0]],
  ['rightFoot', 'rightLowerLeg', [0, -0.42, 0]],
];

/** A skinned, animated avatar on the product's rig: a textured body with a walk cycle. */
export async function skinnedAvatar(
  bones: typeof RIG = RIG,
  name = 'generated-skinned-avatar',
  /** Give the body one morph target (its upper half squashed a little: what a VRM's blink binds to). */
  morphTarget = false,
): Promise<SampleModel> {
  const document = new Document();
  const buffer = document.createBuffer();
  const joints = new Map<string, Node>();
  const world = new Map<string, [number, number, number]>();
  for (const [bone, parent, offset] of bones) {
    const node = document.createNode(bone).setTranslation(offset);
    joints.set(bone, node);
    const base: [number, number, number] = parent
      ? (world.get(parent) as [number, number, number])
      : [0, 0, 0];
    world.set(bone, [base[0] + offset[0], base[1] + offset[1], base[2] + offset[2]]);
    if (parent) joints.get(parent)?.addChild(node);
  }
  // Body: a tall sphere, each vertex weighted to its two nearest bones.
  const shape = sphere(32, 48, 1);
  const positions = shape.positions.map((value, index) =>
    index % 3 === 1 ? value * 0.9 + 0.9 : value * 0.3,
  );
  const names = bones.map(([bone]) => bone);
  const jointsArray = new Uint16Array((positions.length / 3) * 4);
  const weights = new Float32Array((positions.length / 3) * 4);
  for (let vertex = 0; vertex < positions.length / 3; vertex += 1) {
    const p = positions.slice(vertex * 3, vertex * 3 + 3) as [number, number, number];
    const ranked = names
      .map((bone, index) => ({
        index,
        d: Math.hypot(...(world.get(bone) as number[]).map((c, axis) => c - p[axis as 0 | 1 | 2])),
      }))
      .sort((a, b) => a.d - b.d);
    const [first, second] = ranked as [{ index: number; d: number }, { index: number; d: number }];
    const total = 1 / (first.d + 1e-3) + 1 / (second.d + 1e-3);
    jointsArray.set([first.index, second.index, 0, 0], vertex * 4);
    weights.set([1 / (first.d + 1e-3) / total, 1 / (second.d + 1e-3) / total, 0, 0], vertex * 4);
  }
  const inverseBind = new Float32Array(names.length * 16);
  names.forEach((bone, index) => {
    const [x, y, z] = world.get(bone) as [number, number, number];
    inverseBind.set([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, -x, -y, -z, 1], index * 16);
  });
  const material = document
    .createMaterial('skin')
    .setBaseColorTexture(await texture(document, 'skin', 512, 300));
  const accessor = (
    type: 'VEC2' | 'VEC3' | 'VEC4' | 'SCALAR' | 'MAT4',
    array: Float32Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer>,
  ) => document.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', accessor('VEC3', new Float32Array(positions)))
    .setAttribute('NORMAL', accessor('VEC3', new Float32Array(shape.normals)))
    .setAttribute('TEXCOORD_0', accessor('VEC2', new Float32Array(shape.uvs)))
    .setAttribute('JOINTS_0', accessor('VEC4', jointsArray))
    .setAttribute('WEIGHTS_0', accessor('VEC4', weights))
    .setIndices(accessor('SCALAR', new Uint32Array(shape.indices)))
    .setMaterial(material);
  const skin = document.createSkin('rig').setInverseBindMatrices(accessor('MAT4', inverseBind));
  for (const bone of names) skin.addJoint(joints.get(bone) as Node);
  const hips = joints.get(bones[0]?.[0] ?? '') as Node;
  skin.setSkeleton(hips);
  const mesh = document.createMesh('body').addPrimitive(primitive);
  if (morphTarget) {
    const deltas = new Float32Array(positions.length);
    for (let index = 1; index < positions.length; index += 3)
      if (positions[index]! > 1.6) deltas[index] = -(positions[index]! - 1.6) * 0.3;
    primitive.addTarget(
      document.createPrimitiveTarget('blink').setAttribute('POSITION', accessor('VEC3', deltas)),
    );
    mesh.setWeights([0]);
  }
  const body = document.createNode('body').setMesh(mesh).setSkin(skin);
  document.createScene('avatar').addChild(hips).addChild(body);
  // Walk: the upper legs swing ±25° over one second, sampled at 30 Hz (resample drops the redundant keys).
  const times = Float32Array.from({ length: 31 }, (_, index) => index / 30);
  const animation = document.createAnimation('walk');
  for (const [bone, phase] of [
    ['leftUpperLeg', 0],
    ['rightUpperLeg', Math.PI],
  ] as const) {
    const joint = [...joints.entries()].find(([name]) => name.endsWith(bone))?.[1];
    if (!joint) continue;
    const rotations = new Float32Array(times.length * 4);
    times.forEach((time, index) => {
      const angle = Math.sin(time * Math.PI * 2 + phase) * 0.44;
      rotations.set([Math.sin(angle / 2), 0, 0, Math.cos(angle / 2)], index * 4);
    });
    const sampler = document
      .createAnimationSampler()
      .setInput(accessor('SCALAR', times))
      .setOutput(accessor('VEC4', rotations));
    animation
      .addSampler(sampler)
      .addChannel(
        document.createAnimationChannel().setTargetNode(joint).setTargetPath('rotation').setSampler(sampler),
      );
  }
  return { name, glb: await (await gltfIO()).writeBinary(document) };
}

/** A wearable whose skin uses bones the avatar rig does not have. */
export function offRigWearable(): Promise<SampleModel> {
  const renamed = RIG.map<(typeof RIG)[number]>(([bone, parent, offset]) => [
    `mixamorig:${bone}`,
    parent && `mixamorig:${parent}`,
    offset,
  ]);
  return skinnedAvatar(renamed, 'generated-off-rig-wearable');
}

export async function generatedModels(): Promise<SampleModel[]> {
  return [await texturedScene(), await instancedScene(), await skinnedAvatar()];
}
