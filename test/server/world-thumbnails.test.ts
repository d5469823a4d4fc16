/**
 * World thumbnails: owners set one from an image (decoded, fitted within 1280×720, stored as WebP) or from
 * a render of the world's scene by the shared scene renderer in Chromium; anyone who may see the world
 * gets it at GET /worlds/{slug}/thumbnail. Bad images and callers are refused with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import type { RunningServer } from '../../server/index.js';
import {
  createOrg,
  createWorld,
  ok,
  problem,
  registerAccount,
  replaceDraft,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { uploadModel } from '../helpers/scene-models.js';

let server: RunningServer;
let owner: SignedIn;
let visitor: SignedIn;

const put = (who: SignedIn, body: Buffer, type: string) =>
  fetch(`${server.url}/worlds/plaza/thumbnail`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${who.token}`, 'content-type': type },
    body: new Uint8Array(body),
  });

beforeAll(async () => {
  server = await startInProcessServer();
  owner = await registerAccount(server.url, 'Owner');
  visitor = await registerAccount(server.url, 'Visitor');
  await createOrg(owner.api, 'plaza-co', 'Plaza');
  await createWorld(owner.api, 'plaza-co', { slug: 'plaza', name: 'Plaza', visibility: 'public' });
});

afterAll(async () => server?.close());

describe('world thumbnails', () => {
  it('stores an uploaded image fitted within 1280×720 as WebP, served to anyone who may see the world', async () => {
    const png = await sharp({ create: { width: 2000, height: 1500, channels: 3, background: '#c04020' } })
      .png()
      .toBuffer();
    const set = await put(owner, png, 'image/png');
    expect(set.status).toBe(200);
    const view = (await set.json()) as { url: string; hash: string; width: number; height: number };
    expect(view).toMatchObject({ width: 960, height: 720 });
    const world = await ok(sdk.worldsGet({ client: visitor.api, path: { slug: 'plaza' } }));
    expect(world.thumbnailAsset).toBe(view.hash);
    const served = await fetch(`${server.url}/worlds/plaza/thumbnail`, { redirect: 'manual' });
    expect(served.status).toBe(302);
    expect(served.headers.get('location')).toBe(view.url);
    const file = await fetch(`${server.url}${view.url}`);
    expect(file.headers.get('content-type')).toBe('image/webp');
    expect(await sharp(Buffer.from(await file.arrayBuffer())).metadata()).toMatchObject({
      format: 'webp',
      width: 960,
      height: 720,
    });
  });

  it('serves a smaller copy for posters, within its byte budget even for a busy picture', async () => {
    // Noise: the worst case for an image encoder (a photograph weighs far less).
    const noise = Buffer.alloc(1280 * 720 * 3);
    for (let i = 0; i < noise.length; i += 1) noise[i] = (i * 2654435761) >>> 24;
    const busy = await sharp(noise, { raw: { width: 1280, height: 720, channels: 3 } })
      .png()
      .toBuffer();
    expect((await put(owner, busy, 'image/png')).status).toBe(200);
    const poster = await fetch(`${server.url}/worlds/plaza/thumbnail?width=640`);
    expect(poster.status).toBe(200);
    expect(poster.headers.get('content-type')).toBe('image/webp');
    const bytes = Buffer.from(await poster.arrayBuffer());
    expect(bytes.length).toBeLessThanOrEqual(40 * 1024);
    const { format, width } = await sharp(bytes).metadata();
    expect(format).toBe('webp');
    expect(width).toBeLessThanOrEqual(640);
    const refused = await fetch(`${server.url}/worlds/plaza/thumbnail?width=999`);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('width');
  });

  it('refuses what is not an image, other types, and callers who may not change the world', async () => {
    const garbage = await put(owner, Buffer.from('not a picture at all'), 'image/png');
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { detail: string }).detail).toBe(
      'the body is not a readable PNG, JPEG or WebP image; export the picture again and send its bytes as the body',
    );
    const text = await put(owner, Buffer.from('hello'), 'text/plain');
    expect(text.status).toBe(415);
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect((await put(visitor, png, 'image/png')).status).toBe(403);
  });

  it('renders the published scene with the shared scene renderer and keeps the picture', async () => {
    const none = await problem(
      sdk.worldThumbnailsRender({ client: owner.api, path: { slug: 'plaza' }, body: {} }),
    );
    expect(none.status).toBe(409);
    const bunny = await uploadModel(server.url, owner.token, undefined, '&lods=false');
    await replaceDraft(owner.api, 'plaza', {
      schema: 2,
      entities: {
        bunny: {
          order: 'a0',
          transform: { position: [0, 0, 0], scale: [3, 3, 3] },
          components: { model: { asset: bunny } },
        },
        sign: {
          order: 'a1',
          transform: { position: [0, 3, -2] },
          components: { text: { text: 'Plaza', size: 0.8 } },
        },
      },
    });
    await ok(
      sdk.scenesPublish({ client: owner.api, path: { slug: 'plaza' }, body: { message: 'bunny' } }),
      201,
    );
    const rendered = await ok(
      sdk.worldThumbnailsRender({ client: owner.api, path: { slug: 'plaza' }, body: { from: 'published' } }),
      201,
    );
    expect(rendered).toMatchObject({
      width: 1280,
      height: 720,
      models: { loaded: 1, failed: 0, pending: 0 },
    });
    const picture = Buffer.from(await (await fetch(`${server.url}${rendered.url}`)).arrayBuffer());
    // Not a blank frame: the bunny and the sign make the picture vary.
    const stats = await sharp(picture).stats();
    expect(Math.max(...stats.channels.map((channel) => channel.stdev))).toBeGreaterThan(10);
    await sharp(picture).png().toFile('test-artifacts/screenshots/world-thumbnail-render.png');
  }, 120_000);
});
