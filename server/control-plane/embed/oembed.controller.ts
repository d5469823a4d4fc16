import { Controller, Get, Inject, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { escapeHtml } from '../api/escape-html.js';
import { Problem } from '../api/problem.js';
import { slugSchema } from '../api/common-schemas.js';
import { Fails, Returns, ZodQuery, named } from '../api/zod-api.js';
import { EmbedService } from './embed-service.js';

const oembedQuery = z.object({
  url: z
    .string()
    .url('url must be a world’s embed address, e.g. https://HOST/embed/plaza?k=mibe_…')
    .describe('The embed address from the studio’s Share panel: /embed/<slug>?k=<embed key>.'),
  format: z.enum(['json', 'xml']).default('json'),
  maxwidth: z.coerce.number().int().min(100).max(4000).optional(),
  maxheight: z.coerce.number().int().min(100).max(4000).optional(),
});

const oembedSchema = named(
  'OEmbed',
  z.object({
    type: z.literal('rich'),
    version: z.literal('1.0'),
    title: z.string(),
    provider_name: z.string(),
    provider_url: z.string(),
    html: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    thumbnail_url: z.string().optional(),
  }),
);

/** The embed frame's size when the consumer sets no bounds: 16:9. */
const DEFAULT_WIDTH = 960;

/**
 * oEmbed (oembed.com), so content systems embed a world from its embed address: a `rich` answer whose
 * html is the plain frame. The address carries the embed key: the frame shows only on the key's sites.
 */
@ApiTags('embeds')
@Controller('oembed')
export class OEmbedController {
  constructor(@Inject(EmbedService) private readonly embeds: EmbedService) {}

  @Get()
  @Returns(200, oembedSchema)
  @Fails(400, 401, 403, 404, 501)
  async get(@ZodQuery(oembedQuery) query: z.output<typeof oembedQuery>, @Req() req: Request) {
    if (query.format === 'xml')
      throw new Problem(501, 'bad-request', 'only format=json is answered; ask for JSON');
    const server = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const url = new URL(query.url);
    const slug = /^\/embed\/([^/]+)\/?$/.exec(url.pathname)?.[1] ?? '';
    const key = url.searchParams.get('k');
    if (url.origin !== server || !slugSchema.safeParse(slug).success)
      throw Problem.notFound(`${query.url} is not a world's embed address on ${server} (/embed/<slug>?k=…)`);
    if (!key)
      throw Problem.badRequest(
        'the address has no embed key (k=…); copy the plain-frame address from the studio’s Share panel',
      );
    const { world } = await this.embeds.resolve(slug, { key }, undefined);
    const width = Math.min(query.maxwidth ?? DEFAULT_WIDTH, DEFAULT_WIDTH);
    const height = Math.min(query.maxheight ?? Math.round((width * 9) / 16), Math.round((width * 9) / 16));
    const src = `${server}/embed/${slug}?k=${encodeURIComponent(key)}`;
    const title = escapeHtml(world.name);
    return {
      type: 'rich' as const,
      version: '1.0' as const,
      title: world.name,
      provider_name: 'metaverse-in-a-box',
      provider_url: server,
      html: `<iframe src="${escapeHtml(src)}" width="${width}" height="${height}" allow="fullscreen" style="border:0" title="${title}, a live 3D world"></iframe>`,
      width,
      height,
      ...(world.thumbnail_asset && world.visibility !== 'private'
        ? { thumbnail_url: `${server}/worlds/${slug}/thumbnail?width=640` }
        : {}),
    };
  }
}
