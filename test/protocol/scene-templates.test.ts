/**
 * The starter templates are valid scenes that play as described (spawn points, lights, frames, a stage zone,
 * a portal that leads somewhere), and the scene diff names exactly what changed.
 */
import { describe, expect, it } from '@jest/globals';
import {
  SCENE_TEMPLATES,
  buildStaticWorld,
  diffScenes,
  sceneDocumentSchema,
  sceneEntities,
  templateScene,
  transformResolver,
  type SceneDocument,
} from '../../protocol/index.js';

const kinds = (scene: SceneDocument, type: string) =>
  Object.values(scene.entities).filter((entity) => Object.hasOwn(entity.components, type)).length;

describe('starter templates', () => {
  it.each(SCENE_TEMPLATES.map((t) => [t.name]))(
    '%s is a valid scene with one default spawn point',
    (name) => {
      const scene = templateScene(name);
      expect(sceneDocumentSchema.parse(scene)).toEqual(scene);
      const defaults = Object.values(scene.entities).filter((e) => e.components['spawn-point']?.default);
      expect(defaults).toHaveLength(1);
      expect(buildStaticWorld(scene).defaultSpawn?.name).toBe(defaults[0]!.components['spawn-point']!.name);
      expect(templateScene(name)).not.toBe(scene); // each call a fresh copy to edit
    },
  );

  it('lights the plaza with a sky, a sun aimed at the square and a fill light', () => {
    const scene = templateScene('plaza');
    expect(kinds(scene, 'environment')).toBe(1);
    const sun = scene.entities['sun']!;
    expect(sun.components.light).toMatchObject({ kind: 'directional' });
    // The sun shines along its local −z: towards the square at the origin, from above.
    const [x, y, z, w] = sun.transform.rotation;
    const forward = [-(2 * (x * z + w * y)), -(2 * (y * z - w * x)), -(1 - 2 * (x * x + y * y))];
    const towards = sun.transform.position.map((v) => -v);
    const cos =
      (forward[0]! * towards[0]! + forward[1]! * towards[1]! + forward[2]! * towards[2]!) /
      Math.hypot(...towards);
    expect(cos).toBeGreaterThan(0.999);
  });

  it('gives the gallery six open frames facing its hall, a stage voice zone and a portal to the stage', () => {
    const scene = templateScene('gallery');
    const frames = sceneEntities(scene).filter((entity) => entity.components['nft-frame']);
    expect(frames).toHaveLength(6);
    expect(frames.every((frame) => frame.components['nft-frame']!.open)).toBe(true);
    const resolve = transformResolver(scene);
    const hall = resolve({ ...scene.entities['hall']!, id: 'hall' }).p;
    for (const frame of frames) {
      const at = resolve(frame);
      const [, qy, , qw] = at.q;
      const facing = [2 * qy * qw, 1 - 2 * qy * qy]; // local +z in x, z
      const towards = [hall[0] - at.p[0], hall[2] - at.p[2]];
      const cos =
        (facing[0]! * towards[0]! + facing[1]! * towards[1]!) / Math.hypot(towards[0]!, towards[1]!);
      expect(cos).toBeGreaterThan(0.999);
    }
    expect(kinds(scene, 'voice-zone')).toBe(1);
    const world = buildStaticWorld(scene);
    expect(world.portals).toHaveLength(1);
    const target = world.spawns.find((s) => s.name === world.portals[0]!.spawn);
    expect(target).toBeDefined();
    expect(target!.z).toBeGreaterThan(10);
  });
});

describe('scene diff', () => {
  it('lists entities added, removed and changed, with the properties that changed', () => {
    const before = templateScene('gallery');
    const after = structuredClone(before);
    delete after.entities['stage-sign'];
    after.entities['lamp'] = {
      order: 'b0',
      transform: { position: [0, 3, 0], rotation: [0, 0, 0, 1], scale: [1, 1, 1] },
      components: {},
    };
    after.entities['sun']!.components.light!.intensity = 4;
    after.entities['frame-2']!.transform.position = [1, 2, 3];
    after.entities['frame-2']!.name = 'Big frame';
    delete after.entities['stage']!.components.collider;
    after.entities['hall']!.components.interactable = { action: 'trigger', reach: 2 };
    expect(diffScenes(before, after)).toEqual({
      added: [{ id: 'lamp', name: undefined }],
      removed: [{ id: 'stage-sign', name: 'Stage sign' }],
      changed: [
        {
          id: 'frame-2',
          name: 'Big frame',
          properties: [
            { path: 'name', kind: 'changed' },
            { path: 'transform.position', kind: 'changed' },
          ],
        },
        { id: 'hall', name: 'Hall', properties: [{ path: 'components.interactable', kind: 'added' }] },
        { id: 'stage', name: 'Stage', properties: [{ path: 'components.collider', kind: 'removed' }] },
        { id: 'sun', name: 'Sun', properties: [{ path: 'components.light.intensity', kind: 'changed' }] },
      ],
    });
    expect(diffScenes(before, structuredClone(before))).toEqual({ added: [], removed: [], changed: [] });
  });
});
