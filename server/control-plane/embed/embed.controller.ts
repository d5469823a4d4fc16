import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { AccessService } from '../access/access-service.js';
import { Caller } from '../api/caller.js';
import { slugSchema } from '../api/common-schemas.js';
import { Fails, Returns, ZodBody, ZodParam, ZodQuery, named } from '../api/zod-api.js';
import type { Principal } from '../auth/principal.js';
import { EmbedService, MINTED_TOKEN_SECONDS, type EmbedCredential } from './embed-service.js';
import { embedProblem } from './embed-problems.js';

const originSchema = z
  .string()
  .regex(/^https?:\/\/[^/\s]+$/, 'an origin is scheme://host[:port] with no path, e.g. https://example.com');

const credentialQuery = z.strictObject({
  key: z.string().min(1).max(200).optional().describe('The public embed key (mibe_…).'),
  token: z.string().min(1).max(2_000).optional().describe('An embed token minted by the world’s backend.'),
});

const sessionRequest = credentialQuery.extend({
  host: originSchema.describe('The origin of the page the embed is shown on, as the frame sees it.'),
  visitor: z
    .strictObject({ name: z.string().trim().min(1).max(32) })
    .optional()
    .describe('To join as a visitor (not watch): the name shown; a guest account is made for voice.'),
});

const posterSchema = named(
  'EmbedPoster',
  z.object({
    world: z.object({
      slug: z.string(),
      name: z.string(),
      description: z.string(),
      thumbnailUrl: z.string().nullable(),
    }),
    population: z.number().int().describe('Visitors in the world now (spectators not counted).'),
    voice: z.boolean(),
    camera: z.boolean(),
  }),
);

const embedSessionSchema = named(
  'EmbedSession',
  z.object({
    token: z.string().describe('An embed token (mibet_…) to join the world with; keep it in memory.'),
    expiresIn: z.number().int().describe('Seconds until it expires.'),
    poster: posterSchema,
  }),
);

const mintRequest = z.strictObject({
  origin: originSchema.describe('The origin of the page that will show the world.'),
  ttlSeconds: z
    .number()
    .int()
    .min(MINTED_TOKEN_SECONDS.min)
    .max(MINTED_TOKEN_SECONDS.max)
    .default(MINTED_TOKEN_SECONDS.default),
});

const mintedSchema = named('MintedEmbedToken', z.object({ token: z.string(), expiresIn: z.number().int() }));

function credentialOf(input: { key?: string | undefined; token?: string | undefined }): EmbedCredential {
  if (input.key && input.token)
    throw embedProblem('bad-embed', 'pass an embed key or an embed token, not both');
  if (input.key) return { key: input.key };
  if (input.token) return { token: input.token };
  throw embedProblem(
    'bad-embed',
    'an embed needs its embed key (embed-key="mibe_…") or a minted embed-token',
  );
}

/**
 * Embeds on other sites. The poster route answers any page (CORS), since the widget's loader asks it from
 * the embedding page before it makes a frame; what it says depends on the page's Origin. Sessions are asked
 * by the embed page inside the frame (this server's origin), naming the page that frames it.
 */
@ApiTags('embeds')
@Controller()
export class EmbedController {
  constructor(
    @Inject(EmbedService) private readonly embeds: EmbedService,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  /** What the widget's poster shows (name, thumbnail, live population), for the page asking. */
  @Get('embeds/:slug')
  @Returns(200, posterSchema)
  @Fails(400, 401, 403, 404)
  async poster(
    @ZodParam('slug', slugSchema) slug: string,
    @ZodQuery(credentialQuery) query: z.output<typeof credentialQuery>,
    @Req() req: Request,
  ) {
    return this.embeds.poster(slug, credentialOf(query), req.headers.origin);
  }

  /** An embed token for the embed page framed by `host` (its key must allow `host`). */
  @Post('embeds/:slug/sessions')
  @HttpCode(200)
  @Returns(200, embedSessionSchema)
  @Fails(400, 401, 403, 404, 429)
  async session(
    @ZodParam('slug', slugSchema) slug: string,
    @ZodBody(sessionRequest) body: z.output<typeof sessionRequest>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.setHeader('Cache-Control', 'no-store');
    return this.embeds.session(slug, credentialOf(body), body.host, req.headers.origin, body.visitor);
  }

  /**
   * A short-lived embed token for a page on `origin`, minted by the world's backend with a secret key (or
   * by an owner): the way to embed a private world. Never put the secret key itself in a page.
   */
  @Post('worlds/:slug/embed-tokens')
  @ApiBearerAuth()
  @Returns(201, mintedSchema)
  @Fails(400, 401, 403, 404, 429)
  async mint(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodBody(mintRequest) body: z.output<typeof mintRequest>,
  ) {
    if (caller.kind === 'key' && caller.embed)
      throw embedProblem(
        'bad-embed',
        'an embed cannot mint tokens; mint them with a secret key from your backend',
      );
    const world = await this.access.world(caller, slug, 'world.update');
    return this.embeds.mint(world, caller.kind === 'key' ? caller.keyId : null, body.origin, body.ttlSeconds);
  }
}
