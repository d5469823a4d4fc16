/** A world created from a starter template starts with that template's draft; an unknown one is refused. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCENE_TEMPLATE_NAMES, templateScene } from '../../protocol/index.js';
import { createWorld, ok, problem, sdk } from '../helpers/api.js';
import { startControlPlane, type ControlPlaneFixture } from '../helpers/control-plane-fixture.js';

describe('worlds from starter templates', () => {
  let fixture: ControlPlaneFixture;
  beforeAll(async () => {
    fixture = await startControlPlane('PGlite');
  });
  afterAll(async () => fixture?.close());

  it.each(SCENE_TEMPLATE_NAMES.map((name) => [name]))(
    'starts the draft of a new world as the %s template',
    async (name) => {
      const api = fixture.owner.api;
      await createWorld(api, 'acme', { slug: `from-${name}`, name: `From ${name}`, template: name });
      const draft = await ok(sdk.scenesDraft({ client: api, path: { slug: `from-${name}` } }));
      expect(draft).toEqual(templateScene(name));
    },
  );

  it('starts an empty draft without a template, and refuses a template it does not have', async () => {
    const api = fixture.owner.api;
    await createWorld(api, 'acme', { slug: 'no-template', name: 'No template' });
    expect(await ok(sdk.scenesDraft({ client: api, path: { slug: 'no-template' } }))).toEqual({
      schema: 2,
      entities: {},
    });
    const refused = await problem(
      sdk.worldsCreate({
        client: api,
        path: { org: 'acme' },
        body: { slug: 'castle', name: 'Castle', template: 'castle' as never },
      }),
    );
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.errors)).toMatch(/template/);
    expect(JSON.stringify(refused.body.errors)).toMatch(/plaza/);
    expect(await problem(sdk.worldsGet({ client: api, path: { slug: 'castle' } }))).toMatchObject({
      status: 404,
    });
  });
});
