/**
 * The scene's look in the document: an environment's built-in HDR environment (`hdri`, `hdriSky`) and
 * ground entities (`ground`: pattern, colour, extent, tile) — defaults filled in, bad values refused with
 * where and what to write instead.
 */
import { describe, expect, it } from '@jest/globals';
import {
  ENVIRONMENT_HDRIS,
  SCENE_SCHEMA_VERSION,
  WORLD_HALF_EXTENT,
  sceneFromAnySchema,
} from '../../protocol/index.js';

const withComponents = (components: Record<string, unknown>) => ({
  schema: SCENE_SCHEMA_VERSION,
  entities: { look: { name: 'Look', order: 'a0', transform: { position: [0, 0, 0] }, components } },
});

describe('the scene’s look', () => {
  it('takes a built-in HDR environment and a ground, filling in the ground’s defaults', () => {
    const read = sceneFromAnySchema(
      withComponents({ environment: { sky: '#a8d0ff', hdri: 'park', hdriSky: false }, ground: {} }),
    );
    if (!read.ok) throw new Error(read.reason);
    const { environment, ground } = read.scene.entities.look!.components;
    expect(environment).toEqual({ sky: '#a8d0ff', hdri: 'park', hdriSky: false });
    expect(ground).toEqual({ pattern: 'paving', color: '#b8b0a2', halfExtent: WORLD_HALF_EXTENT, tile: 2 });
  });

  it('names every built-in environment when given one it does not have', () => {
    const read = sceneFromAnySchema(withComponents({ environment: { sky: '#a8d0ff', hdri: 'mars' } }));
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.path).toBe('/entities/look/components/environment/hdri');
    for (const name of ENVIRONMENT_HDRIS) expect(read.reason).toContain(name);
  });

  it.each([
    [{ pattern: 'lava' }, '/pattern', /paving, grass, grid, plain/],
    [{ color: 'green' }, '/color', /#rrggbb/],
    [{ halfExtent: WORLD_HALF_EXTENT + 1 }, '/halfExtent', /64/],
    [{ tile: 0.1 }, '/tile', /0\.25/],
  ])('refuses a ground with %j, saying where and why', (ground, path, reason) => {
    const read = sceneFromAnySchema(withComponents({ ground }));
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.path).toBe(`/entities/look/components/ground${path}`);
    expect(read.reason).toMatch(reason);
  });
});
