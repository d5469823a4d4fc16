/**
 * How the player splits avatars between renderers, without a browser: the nearest few are skinned (with
 * slots reused as people come and go), the rest go to the crowd by distance, and motions follow movement.
 */
import { describe, expect, it } from '@jest/globals';
import {
  BoxGeometry,
  Matrix4,
  Mesh,
  PerspectiveCamera,
  Vector3,
  type InstancedMesh,
  type SkinnedMesh,
} from 'three';
import { AVATAR_HEADWEAR, bodyAt, parseAppearance } from '../../protocol/index.js';
import { motionIndex, POSE_FLOATS, samplePose } from '../../client/src/shared/avatars/avatar-motions.js';
import { AvatarRenderer, type DrawnAvatar } from '../../client/src/shared/avatars/avatar-renderer.js';
import { createMotionState, playEmote, updateMotion } from '../../client/src/shared/avatars/motion-state.js';
import { NearestPicker } from '../../client/src/shared/world/systems/nearest.js';
import { drawnLook } from '../../client/src/shared/avatars/avatar-look.js';
import { BONES, createAvatarGeometry } from '../../client/src/shared/avatars/avatar-rig.js';

function avatarsInARow(count: number, spacing: number, appearance = ''): DrawnAvatar[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `a${i}`,
    body: bodyAt(0, i * spacing),
    colorHex: 0x336699,
    look: drawnLook(appearance),
    motion: createMotionState(),
    seated: false,
    wornModel: '',
    wornSlot: 'head',
    avatarModel: '',
    figure: { tagHeight: 2.1 },
  }));
}

function camera(): PerspectiveCamera {
  const view = new PerspectiveCamera(55, 16 / 10, 0.1, 400);
  view.position.set(0, 7, -10);
  view.lookAt(0, 1, 0);
  view.updateMatrixWorld();
  return view;
}

const skinnedShown = (renderer: AvatarRenderer) =>
  renderer.root.children
    .filter((child): child is SkinnedMesh => (child as SkinnedMesh).isSkinnedMesh === true && child.visible)
    .map((mesh) => mesh.position.z);
const crowdCounts = (renderer: AvatarRenderer) =>
  renderer.root.children
    .filter((child): child is InstancedMesh => (child as InstancedMesh).isInstancedMesh === true)
    .map((mesh) => mesh.count);

describe('the avatar renderer', () => {
  it('skins the nearest few and puts everyone else in the crowd, by level of detail', () => {
    const renderer = new AvatarRenderer({
      capacity: 256,
      nearMax: 4,
      nearDistance: 10,
      lodDistances: [20, 36],
    });
    const avatars = avatarsInARow(60, 1); // z = 0 … 59; the first is the visitor's own
    expect(renderer.draw(avatars, avatars.length, true, camera(), 1, 1 / 60)).toBe(60);
    expect(skinnedShown(renderer).sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    const [near, middle, far] = crowdCounts(renderer);
    expect(near! + middle! + far!).toBe(56);
    // From the camera at (0, 7, -10) to the feet: z ≤ 8 is under 20 m, z ≤ 25 under 36 m.
    expect(near).toBe(5); // z = 4 … 8
    expect(middle).toBe(17); // z = 9 … 25
    expect(far).toBe(34);
  });

  it('reuses a skinned slot when someone walks away and another comes near', () => {
    const renderer = new AvatarRenderer({ capacity: 16, nearMax: 2, nearDistance: 5, lodDistances: [] });
    const avatars = avatarsInARow(3, 3); // z = 0, 3, 6
    renderer.draw(avatars, 3, true, camera(), 1, 1 / 60);
    expect(skinnedShown(renderer).sort((a, b) => a - b)).toEqual([0, 3]);
    avatars[1]!.body.z = 30;
    avatars[2]!.body.z = 2;
    renderer.draw(avatars, 3, true, camera(), 1.1, 0.1);
    expect(skinnedShown(renderer).sort((a, b) => a - b)).toEqual([0, 2]);
    // Still two skinned meshes in all: the slot moved to the newcomer.
    expect(renderer.root.children.filter((child) => (child as SkinnedMesh).isSkinnedMesh)).toHaveLength(2);
    expect(crowdCounts(renderer)).toEqual([1]);
  });

  it('draws everyone skinned when asked to be the naive baseline', () => {
    const renderer = new AvatarRenderer({
      capacity: 64,
      nearMax: 64,
      nearDistance: Number.POSITIVE_INFINITY,
      lodDistances: [],
    });
    const avatars = avatarsInARow(50, 2);
    renderer.draw(avatars, 50, false, camera(), 1, 1 / 60);
    expect(skinnedShown(renderer)).toHaveLength(50);
    expect(crowdCounts(renderer)).toEqual([0]);
  });

  it('draws each avatar’s look: its build scales the figure, its headwear index goes to the shader', () => {
    const renderer = new AvatarRenderer({ capacity: 16, nearMax: 1, nearDistance: 2, lodDistances: [] });
    const avatars = avatarsInARow(3, 3, 'broad-horns');
    avatars[1]!.look = drawnLook('slim-cap');
    renderer.draw(avatars, 3, true, camera(), 1, 1 / 60);
    const skinned = renderer.root.children.find((child) => (child as SkinnedMesh).isSkinnedMesh)!;
    expect(skinned.scale.toArray()).toEqual([1.2, 0.97, 1.14]);
    const crowd = renderer.root.children.find(
      (child) => (child as InstancedMesh).isInstancedMesh,
    ) as InstancedMesh;
    expect(crowd.count).toBe(2);
    const headwear = crowd.geometry.getAttribute('crowdHeadwear');
    expect([headwear.getX(0), headwear.getX(1)]).toEqual([
      AVATAR_HEADWEAR.indexOf('cap'),
      AVATAR_HEADWEAR.indexOf('horns'),
    ]);
    const matrix = new Matrix4();
    crowd.getMatrixAt(0, matrix);
    const scale = new Vector3().setFromMatrixScale(matrix);
    expect(scale.x).toBeCloseTo(0.86);
    expect(scale.y).toBeCloseTo(1.04);
  });

  it('carries every headwear in the geometry, tagged, and reads looks leniently', () => {
    const tags = createAvatarGeometry(0).getAttribute('avatarPart');
    const worn = new Set(Array.from({ length: tags.count }, (_, v) => tags.getX(v)));
    expect([...worn].sort()).toEqual(AVATAR_HEADWEAR.map((_, index) => index));
    // The farthest level has no headwear; an unknown look is the default one.
    expect(new Set(Array.from(createAvatarGeometry(2).getAttribute('avatarPart').array))).toEqual(
      new Set([0]),
    );
    expect(parseAppearance('tall-wings')).toEqual({ build: 'regular', headwear: 'none' });
    expect(parseAppearance('slim-bun')).toEqual({ build: 'slim', headwear: 'bun' });
  });

  it('attaches a worn model to its slot’s bone on near avatars once loaded, and takes it off', () => {
    const renderer = new AvatarRenderer({ capacity: 16, nearMax: 1, nearDistance: 10, lodDistances: [] });
    const loaded = new Map<string, Mesh>();
    const asked: string[] = [];
    renderer.wornModels = {
      template: (asset) => {
        asked.push(asset);
        return loaded.get(asset);
      },
    };
    const avatars = avatarsInARow(2, 5);
    for (const avatar of avatars) {
      avatar.wornModel = 'gem';
      avatar.wornSlot = 'hand';
    }
    const wornOn = () => {
      const skinned = renderer.root.children.find(
        (child): child is SkinnedMesh => (child as SkinnedMesh).isSkinnedMesh === true && child.visible,
      )!;
      const found: Array<{ bone: string; size: number }> = [];
      skinned.skeleton.bones.forEach((bone) =>
        bone.children
          .filter((child) => child.name.startsWith('worn-'))
          .forEach((worn) => {
            // Measured in the bone's frame (the animated bone's world box would grow with its turn).
            const fitted = worn.children[0] as Mesh;
            fitted.geometry.computeBoundingBox();
            const size = fitted.geometry.boundingBox!.getSize(new Vector3()).multiply(fitted.scale);
            found.push({ bone: bone.name, size: Math.round(Math.max(size.x, size.y, size.z) * 100) / 100 });
          }),
      );
      return found;
    };
    renderer.draw(avatars, 2, true, camera(), 1, 1 / 60);
    expect(wornOn()).toEqual([]); // still loading
    expect(asked).toEqual(['gem']); // only the near avatar asks; the crowd draws no worn models
    loaded.set('gem', new Mesh(new BoxGeometry(2, 4, 1)));
    renderer.draw(avatars, 2, true, camera(), 1.1, 1 / 60);
    expect(wornOn()).toEqual([{ bone: 'lowerArmR', size: 0.2 }]); // fitted into the hand slot
    avatars[0]!.wornSlot = 'head';
    renderer.draw(avatars, 2, true, camera(), 1.2, 1 / 60);
    expect(wornOn()).toEqual([{ bone: 'head', size: 0.32 }]);
    avatars[0]!.wornModel = '';
    renderer.draw(avatars, 2, true, camera(), 1.3, 1 / 60);
    expect(wornOn()).toEqual([]);
  });

  it('refuses more LOD distances than there are levels', () => {
    expect(
      () => new AvatarRenderer({ capacity: 8, nearMax: 1, nearDistance: 5, lodDistances: [10, 20, 30, 40] }),
    ).toThrow(/at most 2 LOD distances/);
  });
});

describe('motion choice', () => {
  /** Moves a body at `speed` m/s along z for `seconds`, at 60 frames per second. */
  function move(state = createMotionState(), speed: number, seconds: number, body = bodyAt(0, 0), t0 = 0) {
    for (let f = 0; f <= seconds * 60; f++) {
      body.z += speed / 60;
      updateMotion(state, body, t0 + f / 60, 1 / 60);
    }
    return state;
  }

  it('idles, walks and runs by speed', () => {
    expect(move(undefined, 0, 1).motion).toBe(motionIndex('idle'));
    expect(move(undefined, 4, 1).motion).toBe(motionIndex('walk'));
    expect(move(undefined, 7, 1).motion).toBe(motionIndex('run'));
  });

  it('jumps while rising or falling fast', () => {
    const state = createMotionState();
    const body = bodyAt(0, 0);
    for (let f = 0; f < 12; f++) {
      body.y = Math.sin((f / 60) * Math.PI * 2) * 0.8;
      updateMotion(state, body, f / 60, 1 / 60);
    }
    expect(state.motion).toBe(motionIndex('jump'));
  });

  it('plays an emote standing still, ends it on time, and cancels it on moving', () => {
    const standing = createMotionState();
    move(standing, 0, 0.2);
    playEmote(standing, 'wave', 0.2);
    move(standing, 0, 1, bodyAt(0, 0), 0.2);
    expect(standing.motion).toBe(motionIndex('wave'));
    move(standing, 0, 2, bodyAt(0, 0), 1.2); // wave lasts 2 s
    expect(standing.motion).toBe(motionIndex('idle'));

    const walker = createMotionState();
    move(walker, 0, 0.2);
    playEmote(walker, 'dance', 0.2);
    move(walker, 4, 0.5, bodyAt(0, 0), 0.2);
    expect(walker.motion).toBe(motionIndex('walk'));
    move(walker, 0, 0.5, bodyAt(0, 2), 0.7);
    expect(walker.motion).toBe(motionIndex('idle')); // the dance does not come back
  });

  it('sits on a seat, plays an emote there, and sits again after it', () => {
    const state = createMotionState();
    const body = bodyAt(0, 0);
    const seated = (from: number, seconds: number) => {
      for (let f = 0; f <= seconds * 60; f++) updateMotion(state, body, from + f / 60, 1 / 60, true);
    };
    seated(0, 0.5);
    expect(state.motion).toBe(motionIndex('sit'));
    playEmote(state, 'clap', 0.5);
    seated(0.5, 0.5);
    expect(state.motion).toBe(motionIndex('clap'));
    seated(1, 3);
    expect(state.motion).toBe(motionIndex('sit'));
    // Standing up (the room clears the seat) ends it.
    for (let f = 0; f <= 30; f++) updateMotion(state, body, 4 + f / 60, 1 / 60, false);
    expect(state.motion).toBe(motionIndex('idle'));
  });

  it('lowers the hips onto the seat and bends the knees in the sitting pose', () => {
    const pose = samplePose('sit', 0, new Float32Array(POSE_FLOATS));
    expect(pose[BONES.length * 4]).toBeLessThan(-0.7); // the hips' lift, metres
    const knee = BONES.indexOf('lowerLegL') * 4;
    expect(Math.abs(pose[knee]!)).toBeGreaterThan(0.5); // a quaternion's x: well bent
  });
});

describe('NearestPicker', () => {
  it('keeps the k nearest in order', () => {
    const picker = new NearestPicker<string>(3);
    for (const [name, d] of [
      ['e', 50],
      ['a', 1],
      ['d', 40],
      ['b', 4],
      ['f', 60],
      ['c', 9],
    ] as const)
      picker.offer(name, d);
    expect(Array.from({ length: picker.count }, (_, i) => picker.at(i))).toEqual(['a', 'b', 'c']);
    picker.reset();
    expect(picker.count).toBe(0);
  });
});
