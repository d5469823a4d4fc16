import { Controller, Get, HttpCode, Inject, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  AnonymousAllowed,
  Caller,
  Fails,
  Problem,
  Returns,
  ReturnsFile,
  ZodBody,
  ZodParam,
  ZodQuery,
  named,
  slugSchema,
  type Principal,
} from '../control-plane/index.js';
import { THUMBNAIL_MEDIA_TYPES, WorldThumbnails } from './world-thumbnails.js';

const thumbnailSchema = named(
  'WorldThumbnail',
  z.object({
    url: z.string().describe('The image (WebP), immutable: cache it forever.'),
    hash: z.string().describe("Its content hash: the world's thumbnailAsset."),
    width: z.number().int(),
    height: z.number().int(),
    bytes: z.number().int(),
  }),
);

// Not strict: pages add cache-busting parameters (?v=) to the picture's address.
const sizeQuery = z.object({
  width: z
    .enum(['320', '640'])
    .optional()
    .describe('A smaller copy at most this wide (for posters and cards), instead of the full picture.'),
});

const renderRequest = z.strictObject({
  from: z.enum(['published', 'draft']).default('published').describe('Which scene to draw.'),
});
const renderedSchema = named(
  'RenderedWorldThumbnail',
  thumbnailSchema.extend({
    models: z
      .object({ loaded: z.number().int(), failed: z.number().int(), pending: z.number().int() })
      .describe('Models drawn, and those that failed or had not loaded within 30 s (left out).'),
  }),
);

/** A world's thumbnail: set by its owners from an image, shown on cards, the entry page and the embed's poster. */
@ApiTags('worlds')
@ApiBearerAuth()
@Controller('worlds/:slug/thumbnail')
export class WorldThumbnailsController {
  constructor(@Inject(WorldThumbnails) private readonly thumbnails: WorldThumbnails) {}

  /**
   * The thumbnail image: a redirect to its immutable file; with `width` (320 or 640), a smaller copy
   * (WebP) for posters and cards. 404 until one is set.
   */
  @Get()
  @AnonymousAllowed()
  @ReturnsFile(200, ['image/webp'], 'With width: the smaller copy')
  @Returns(302, undefined, 'Without width: a redirect to the thumbnail file')
  @Fails(400, 404)
  async get(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodQuery(sizeQuery) query: z.output<typeof sizeQuery>,
    @Res() res: Response,
  ) {
    const world = await this.thumbnails.world(caller, slug, 'world.read');
    if (query.width) {
      const smaller = await this.thumbnails.smaller(world, Number(query.width));
      if (!smaller)
        throw Problem.notFound(
          `world "${slug}" has no thumbnail yet; its owners set one with PUT /worlds/${slug}/thumbnail`,
        );
      res.setHeader('Content-Type', 'image/webp');
      res.setHeader('Cache-Control', 'public, max-age=300');
      res.setHeader('ETag', `"${world.thumbnail_asset}-${query.width}"`);
      res.end(smaller);
      return;
    }
    const url = await this.thumbnails.urlOf(world);
    if (!url)
      throw Problem.notFound(
        `world "${slug}" has no thumbnail yet; its owners set one with PUT /worlds/${slug}/thumbnail`,
      );
    res.setHeader('Cache-Control', 'no-cache'); // the world may get another one; the file itself never changes
    res.redirect(302, url);
  }

  /**
   * Sets the thumbnail from an image sent as the body (PNG, JPEG or WebP, at most 10 MB): it is decoded,
   * fitted within 1280×720 and stored as WebP.
   */
  @Put()
  @ApiConsumes(...THUMBNAIL_MEDIA_TYPES)
  @ApiBody({
    required: true,
    schema: { type: 'string', format: 'binary', minLength: 1 },
    description: 'The image itself',
  })
  @Returns(200, thumbnailSchema)
  @Fails(400, 401, 403, 404, 413, 415)
  async put(@Caller() caller: Principal, @ZodParam('slug', slugSchema) slug: string, @Req() req: Request) {
    const world = await this.thumbnails.world(caller, slug, 'world.update');
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!THUMBNAIL_MEDIA_TYPES.includes(type) || !Buffer.isBuffer(req.body))
      throw new Problem(
        415,
        'unsupported-media-type',
        `Content-Type "${type || 'none'}" is not an image type; send the picture as the body with one of ${THUMBNAIL_MEDIA_TYPES.join(', ')}`,
      );
    return this.thumbnails.fromImage(world, caller.kind === 'account' ? caller.accountId : null, req.body);
  }

  /**
   * Sets the thumbnail to a picture of the world's published scene (or its saved draft) drawn by the
   * shared scene renderer, 1280×720. 503 where the server has no Chromium to render with.
   */
  @Post('render')
  @HttpCode(201)
  @Returns(201, renderedSchema)
  @Fails(400, 401, 403, 404, 409, 503)
  async render(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodBody(renderRequest) body: z.output<typeof renderRequest>,
  ) {
    const world = await this.thumbnails.world(caller, slug, 'world.update');
    return this.thumbnails.fromScene(world, caller.kind === 'account' ? caller.accountId : null, body.from);
  }
}
