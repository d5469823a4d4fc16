/**
 * A world's thumbnail: the picture on world cards, the entry page and the embed's poster. Set from an
 * uploaded image (PNG, JPEG or WebP; decoded, bounded in pixels, re-encoded as WebP at most 1280×720, so
 * what is served is always a clean image of known size) or from a render of the world's scene. Stored in
 * the asset store like any file (content-addressed) and named by `worlds.thumbnail_asset`.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import sharp, { type OutputInfo } from 'sharp';
import type { AssetStore } from '../../asset-pipeline/index.js';
import { Problem, recordAudit, type AccessService, type Principal } from '../control-plane/index.js';
import type { Database, World } from '../db/tables.js';

export const THUMBNAIL_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
/** The largest image accepted, in bytes. */
export const THUMBNAIL_MAX_BYTES = 10 * 1024 * 1024;
/** Images of more pixels than this are refused before decoding (a small file can claim huge dimensions). */
const MAX_INPUT_PIXELS = 40_000_000;
/** What is served: at most this size, aspect kept. */
const MAX_WIDTH = 1280;
const MAX_HEIGHT = 720;

export interface ThumbnailView {
  url: string;
  hash: string;
  width: number;
  height: number;
  bytes: number;
}

/** Draws a scene to a PNG (the asset job runner's Chromium page), or says why it cannot here. */
export type SceneRendering = (
  scene: unknown,
  options: { width: number; height: number; timeoutMs: number },
) => Promise<
  { png: Uint8Array; models: { loaded: number; failed: number; pending: number } } | { unavailable: string }
>;

/** The picture's size when rendered from the scene. */
const RENDER_WIDTH = 1280;
const RENDER_HEIGHT = 720;
/** Longest wait for a scene's models before the picture is taken, in ms. */
const RENDER_TIMEOUT_MS = 30_000;

/** Smaller copies kept in memory; the WebP qualities tried in turn until one is within the byte budget. */
const POSTER_CACHE = 64;
const POSTER_QUALITIES = [72, 55, 40, 28];
const POSTER_MAX_BYTES = 40 * 1024;

export class WorldThumbnails {
  private readonly posters = new Map<string, Buffer>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly access: AccessService,
    private readonly store: AssetStore,
    private readonly render: SceneRendering,
    private readonly onChanged: (worldId: string) => void,
  ) {}

  /** The world `slug` if `caller` may `action` it (world.read to see the thumbnail, world.update to set it). */
  world(caller: Principal, slug: string, action: 'world.read' | 'world.update'): Promise<World> {
    return this.access.world(caller, slug, action);
  }

  /** Validates and stores an uploaded image as the world's thumbnail. */
  async fromImage(world: World, actorId: string | null, image: Buffer): Promise<ThumbnailView> {
    let webp: { data: Buffer; info: OutputInfo };
    try {
      webp = await sharp(image, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
        .rotate() // honour EXIF orientation
        .resize({ width: MAX_WIDTH, height: MAX_HEIGHT, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 82 })
        .toBuffer({ resolveWithObject: true });
    } catch (error) {
      const why = error instanceof Error ? error.message : '';
      throw Problem.badRequest(
        /pixel limit/i.test(why)
          ? `the image has more than ${MAX_INPUT_PIXELS.toLocaleString('en')} pixels; send one of at most about 6000×6000`
          : 'the body is not a readable PNG, JPEG or WebP image; export the picture again and send its bytes as the body',
      );
    }
    return this.save(world, actorId, webp.data, 'image/webp', webp.info.width, webp.info.height);
  }

  /**
   * Renders the world's published scene (or its saved draft) and stores the picture as its thumbnail.
   * 409 when there is nothing to draw; 503 when this server cannot render (no Chromium).
   */
  async fromScene(
    world: World,
    actorId: string | null,
    from: 'published' | 'draft',
  ): Promise<ThumbnailView & { models: { loaded: number; failed: number; pending: number } }> {
    const row =
      from === 'draft'
        ? await this.db
            .selectFrom('scene_draft_documents')
            .select('body')
            .where('world_id', '=', world.id)
            .executeTakeFirst()
        : world.published_version === null
          ? undefined
          : await this.db
              .selectFrom('scene_versions')
              .select('body')
              .where('world_id', '=', world.id)
              .where('version', '=', world.published_version)
              .executeTakeFirst();
    if (!row)
      throw Problem.conflict(
        `world "${world.slug}" has no published scene to draw; publish one first, or render the draft ({ "from": "draft" })`,
      );
    const rendered = await this.render(JSON.parse(row.body), {
      width: RENDER_WIDTH,
      height: RENDER_HEIGHT,
      timeoutMs: RENDER_TIMEOUT_MS,
    });
    if ('unavailable' in rendered)
      throw Problem.unavailable(
        `this server cannot render scenes: ${rendered.unavailable}; upload an image instead`,
      );
    return { ...(await this.fromImage(world, actorId, Buffer.from(rendered.png))), models: rendered.models };
  }

  /** Where the world's thumbnail is served, if it has one whose file is recorded. */
  async urlOf(world: World): Promise<string | undefined> {
    if (!world.thumbnail_asset) return undefined;
    const row = await this.db
      .selectFrom('asset_files')
      .select('hash')
      .where('hash', '=', world.thumbnail_asset)
      .executeTakeFirst();
    return row ? `/assets/files/${row.hash}` : undefined;
  }

  /**
   * The thumbnail at most `width` pixels wide and POSTER_MAX_BYTES heavy (a poster in a page must not weigh
   * what the full picture does): resized once per thumbnail and width, then kept in memory (the
   * POSTER_CACHE newest).
   */
  async smaller(world: World, width: number): Promise<Buffer | undefined> {
    const hash = world.thumbnail_asset;
    if (!hash) return undefined;
    const key = `${hash}:${width}`;
    const cached = this.posters.get(key);
    if (cached) return cached;
    const stream = await this.store.read(hash);
    if (!stream) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    const image = Buffer.concat(chunks);
    // Within the byte budget: lower the quality until it fits (most pictures fit at once), then the size
    // (only a picture as busy as noise gets there).
    let resized = Buffer.alloc(0);
    fitting: for (let fit = width; fit >= 160; fit = Math.round(fit * 0.75)) {
      const source = sharp(image).resize({ width: fit, withoutEnlargement: true });
      for (const quality of POSTER_QUALITIES) {
        resized = await source.clone().webp({ quality }).toBuffer();
        if (resized.length <= POSTER_MAX_BYTES) break fitting;
      }
    }
    this.posters.set(key, resized);
    if (this.posters.size > POSTER_CACHE) this.posters.delete(this.posters.keys().next().value!);
    return resized;
  }

  private async save(
    world: World,
    actorId: string | null,
    bytes: Buffer,
    mediaType: string,
    width: number,
    height: number,
  ): Promise<ThumbnailView> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    await this.store.put(hash, bytes);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('asset_files')
        .values({ hash, media_type: mediaType, bytes: bytes.length })
        .onConflict((conflict) => conflict.column('hash').doNothing())
        .execute();
      await trx
        .updateTable('worlds')
        .set({ thumbnail_asset: hash, updated_at: new Date() })
        .where('id', '=', world.id)
        .execute();
      await recordAudit(trx, {
        orgId: world.org_id,
        worldId: world.id,
        actorId,
        action: 'world.update',
        detail: { thumbnailAsset: hash },
      });
    });
    this.onChanged(world.id);
    return { url: `/assets/files/${hash}`, hash, width, height, bytes: bytes.length };
  }
}
