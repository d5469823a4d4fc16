/** The scene's lights as the player reads them: kinds, where they are, which way they shine, and the cap. */
import { describe, expect, it } from '@jest/globals';
import { sceneDocumentSchema } from '../../protocol/index.js';
import { MAX_LOCAL_LIGHTS, sceneLighting } from '../../client/src/shared/scene/scene-lights.js';
import { fromV1 } from '../helpers/scene-v1.js';

const HALF_TURN_DOWN: [number, number, number, number] = [-Math.SQRT1_2, 0, 0, Math.SQRT1_2]; // −z turned to point straight down

describe('scene lighting', () => {
  it('sorts lights by kind, places them with their parents and points them along their −z', () => {
    const scene = fromV1({
      schema: 1,
      entities: [
        { id: 'room', transform: { position: [10, 0, 0] }, components: [] },
        {
          id: 'lamp',
          parent: 'room',
          transform: { position: [0, 3, 0], rotation: HALF_TURN_DOWN },
          components: [{ type: 'light', kind: 'spot', intensity: 40, range: 8, angle: 0.4 }],
        },
        {
          id: 'sun',
          transform: { position: [0, 0, 0] },
          components: [{ type: 'light', kind: 'directional', color: '#ffeedd', intensity: 2 }],
        },
        {
          id: 'fill',
          transform: { position: [0, 0, 0] },
          components: [{ type: 'light', kind: 'ambient', intensity: 0.4 }],
        },
      ],
    });
    const lighting = sceneLighting(scene);
    expect(lighting.ambient.map((light) => light.entity)).toEqual(['fill']);
    expect(lighting.directional[0]).toMatchObject({ color: '#ffeedd', intensity: 2, direction: [0, 0, -1] });
    const [spot] = lighting.local;
    expect(spot).toMatchObject({ kind: 'spot', range: 8, angle: 0.4, position: [10, 3, 0] });
    expect(spot!.direction[1]).toBeCloseTo(-1);
    expect(Math.hypot(spot!.direction[0], spot!.direction[2])).toBeCloseTo(0);
  });

  it(`draws at most ${MAX_LOCAL_LIGHTS} point and spot lights and counts the rest`, () => {
    const scene = fromV1({
      schema: 1,
      entities: Array.from({ length: MAX_LOCAL_LIGHTS + 3 }, (_, i) => ({
        id: `bulb-${i}`,
        transform: { position: [i, 2, 0] },
        components: [{ type: 'light', kind: 'point', intensity: 10 }],
      })),
    });
    const lighting = sceneLighting(scene);
    expect(lighting.local).toHaveLength(MAX_LOCAL_LIGHTS);
    expect(lighting.local[0]).toMatchObject({ range: 0, position: [0, 2, 0] });
    expect(lighting.dropped).toBe(3);
    expect(sceneLighting(null)).toEqual({
      ambient: [],
      directional: [],
      local: [],
      dropped: 0,
      imageBased: false,
    });
  });

  it('is lit by the environment when the scene names an HDR environment', () => {
    const withSky = (environment: Record<string, unknown>) =>
      fromV1({
        schema: 1,
        entities: [
          {
            id: 'env',
            transform: { position: [0, 0, 0] },
            components: [{ type: 'environment', ...environment }],
          },
        ],
      });
    expect(sceneLighting(withSky({ sky: '#88aaff', hdri: 'park' })).imageBased).toBe(true);
    expect(sceneLighting(withSky({ sky: '#88aaff' })).imageBased).toBe(false);
  });

  it('refuses a spot cone wider than a hemisphere', () => {
    const lamp = (angle: number) => ({
      schema: 2,
      entities: {
        lamp: {
          order: 'a0',
          transform: { position: [0, 0, 0] },
          components: { light: { kind: 'spot', intensity: 1, angle } },
        },
      },
    });
    expect(sceneDocumentSchema.safeParse(lamp(1.2)).success).toBe(true);
    const parsed = sceneDocumentSchema.safeParse(lamp(2));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['entities', 'lamp', 'components', 'light', 'angle']);
  });
});
