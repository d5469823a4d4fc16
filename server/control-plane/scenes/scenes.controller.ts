import { Controller, Get, Headers, HttpCode, Inject, Patch, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Operation } from 'fast-json-patch';
import { z } from 'zod';
import { SCENE_LIMIT_NAMES, sceneDocumentSchema } from '../../../protocol/index.js';
import { AnonymousAllowed, Caller } from '../api/caller.js';
import { slugSchema } from '../api/common-schemas.js';
import { Fails, Returns, ZodBody, ZodParam, named } from '../api/zod-api.js';
import { AccessService } from '../access/access-service.js';
import type { Principal } from '../auth/principal.js';
import { IF_MATCH_PATTERN } from './if-match.js';
import { ScenesService, type StoredBody } from './scenes-service.js';

const sceneSchema = named('Scene', sceneDocumentSchema);
const pointer = z
  .string()
  .regex(/^(\/([^~/]|~[01])*)*$/, 'must be a JSON Pointer (RFC 6901), e.g. /entities/lamp-1/name');
const jsonPatchSchema = z
  .array(
    z.discriminatedUnion('op', [
      z.strictObject({ op: z.literal('add'), path: pointer, value: z.unknown() }),
      z.strictObject({ op: z.literal('remove'), path: pointer }),
      z.strictObject({ op: z.literal('replace'), path: pointer, value: z.unknown() }),
      z.strictObject({ op: z.literal('move'), from: pointer, path: pointer }),
      z.strictObject({ op: z.literal('copy'), from: pointer, path: pointer }),
      z.strictObject({ op: z.literal('test'), path: pointer, value: z.unknown() }),
    ]),
  )
  .min(1, 'a patch needs at least one operation')
  .max(1000, 'at most 1000 operations per patch');
const publishRequest = z.strictObject({ message: z.string().trim().max(500).default('') });
const versionSchema = named(
  'SceneVersion',
  z.object({
    version: z.number().int(),
    message: z.string(),
    authorId: z.string().nullable(),
    authorName: z.string().nullable(),
    rollbackOf: z.number().int().nullable(),
    createdAt: z.string(),
    etag: z.string(),
    bytes: z.number().int(),
  }),
);
export const sceneBudgetSchema = named(
  'SceneBudget',
  z.object({
    limits: z.array(
      z.object({ limit: z.enum(SCENE_LIMIT_NAMES), allowed: z.number(), total: z.number(), ok: z.boolean() }),
    ),
    heaviest: z.array(
      z.object({
        entity: z.string(),
        name: z.string().nullable(),
        asset: z.string(),
        triangles: z.number(),
        drawCalls: z.number(),
        gpuTextureBytes: z.number(),
        downloadBytes: z.number(),
      }),
    ),
    unmeasured: z.array(z.string()).describe('Assets without a pipeline report (counted as zero).'),
    ok: z.boolean(),
  }),
);
const versionNumber = z.coerce.number().int().min(1).max(2_147_483_647);
const ifMatchHeader = {
  name: 'If-Match',
  required: true,
  schema: { type: 'string' as const, pattern: IF_MATCH_PATTERN },
  description: 'ETag of the draft you edited (from GET …/scene/draft). Stale → 412, missing → 428.',
};

/**
 * Times a draft write for the Server-Timing header (`draft-write;dur=<ms>`): what the studio's benchmark
 * reads as the write's time in the server (validation, canonical form, the database), per request.
 */
async function timedWrite(res: Response, write: () => Promise<StoredBody>): Promise<StoredBody> {
  const started = performance.now();
  const stored = await write();
  res.setHeader('Server-Timing', `draft-write;dur=${(performance.now() - started).toFixed(2)}`);
  return stored;
}

const preferHeader = {
  name: 'Prefer',
  required: false,
  description:
    '`return=minimal` (RFC 7240): answer 204 with the new ETag and no body, instead of the whole stored draft.',
};

/**
 * Answers a draft write: the stored draft, or with `Prefer: return=minimal` 204 and its ETag alone (the
 * studio's saves: sending a large draft back, and parsing it in the page, is work for nothing).
 */
function sendWritten(res: Response, prefer: string | undefined, stored: StoredBody): void {
  const minimal = (prefer ?? '')
    .split(',')
    .some((preference) => preference.split(';')[0]!.trim().toLowerCase() === 'return=minimal');
  if (!minimal) return sendBody(res, stored);
  res.setHeader('ETag', stored.etag);
  res.setHeader('Preference-Applied', 'return=minimal');
  res.status(204).end();
}

/** Sends a stored scene exactly as stored (canonical JSON), with its ETag. */
function sendBody(res: Response, stored: StoredBody, extra: Record<string, string> = {}): void {
  res.setHeader('ETag', stored.etag);
  for (const [name, value] of Object.entries(extra)) res.setHeader(name, value);
  res.type('application/json').send(stored.body);
}

@ApiTags('scenes')
@ApiBearerAuth()
@Controller('worlds/:slug/scene')
export class ScenesController {
  constructor(
    @Inject(ScenesService) private readonly scenes: ScenesService,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  /** The published scene running instances load (the latest version). */
  @Get()
  @AnonymousAllowed()
  @Returns(200, sceneSchema)
  @Fails(401, 404)
  async published(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @Res() res: Response,
  ) {
    const world = await this.access.world(caller, slug, 'scene.read-published');
    const stored = await this.scenes.published(world);
    sendBody(res, stored, { 'Scene-Version': String(stored.version) });
  }

  /** The draft, byte for byte as stored, with its ETag (send it back as If-Match when writing). */
  @Get('draft')
  @Returns(200, sceneSchema)
  @Fails(401, 403, 404)
  async draft(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: Response,
  ) {
    const world = await this.access.world(caller, slug, 'scene.read-draft');
    const draft = await this.scenes.draft(world);
    if (
      ifNoneMatch &&
      ifNoneMatch.split(',').some((tag) => tag.trim() === draft.etag || tag.trim() === '*')
    ) {
      res.setHeader('ETag', draft.etag);
      res.status(304).end();
      return;
    }
    sendBody(res, draft);
  }

  /** Replaces the draft. Needs If-Match; the stored form is canonical JSON (RFC 8785). */
  @Put('draft')
  @ApiHeader(ifMatchHeader)
  @ApiHeader(preferHeader)
  @Returns(200, sceneSchema)
  @Returns(204, undefined, 'Saved (with Prefer: return=minimal): the new ETag, no body')
  @Fails(400, 401, 403, 404, 412, 413, 428, 429)
  async replace(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    // Validated by the service, which stores the body as given (canonicalised), not zod's output.
    @ZodBody(z.unknown(), sceneDocumentSchema) body: unknown,
    @Res() res: Response,
  ) {
    const world = await this.access.world(caller, slug, 'scene.write');
    sendWritten(
      res,
      prefer,
      await timedWrite(res, () => this.scenes.replaceDraft(world, caller, ifMatch, body)),
    );
  }

  /** Applies a JSON Patch (RFC 6902, application/json-patch+json) to the draft. Needs If-Match. */
  @Patch('draft')
  @ApiConsumes('application/json-patch+json')
  @ApiHeader(ifMatchHeader)
  @ApiHeader(preferHeader)
  @Returns(200, sceneSchema)
  @Returns(204, undefined, 'Saved (with Prefer: return=minimal): the new ETag, no body')
  @Fails(400, 401, 403, 404, 409, 412, 413, 422, 428, 429)
  async patch(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    @ZodBody(jsonPatchSchema) operations: z.output<typeof jsonPatchSchema>,
    @Res() res: Response,
  ) {
    const world = await this.access.world(caller, slug, 'scene.write');
    sendWritten(
      res,
      prefer,
      await timedWrite(res, () => this.scenes.patchDraft(world, caller, ifMatch, operations as Operation[])),
    );
  }

  /** Publishes the draft as the next immutable version; running instances load it. */
  @Post('publish')
  @ApiHeader({
    ...ifMatchHeader,
    required: false,
    description: 'Publish only if the draft is still this ETag.',
  })
  @Returns(201, versionSchema)
  @Fails(400, 401, 403, 404, 412, 422, 429)
  async publish(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodBody(publishRequest) body: z.output<typeof publishRequest>,
  ) {
    const world = await this.access.world(caller, slug, 'scene.publish');
    return this.scenes.publish(world, caller, body.message, ifMatch);
  }

  /**
   * What the draft weighs against the world's scene limits — each limit with its total, the heaviest
   * entities, assets without a report — the same figures publish checks (422 when over).
   */
  @Get('draft/budget')
  @Returns(200, sceneBudgetSchema)
  @Fails(401, 403, 404, 409)
  async budget(@Caller() caller: Principal, @ZodParam('slug', slugSchema) slug: string) {
    return this.scenes.draftBudget(await this.access.world(caller, slug, 'scene.read-draft'));
  }

  /** Published versions, newest first. */
  @Get('versions')
  @Returns(200, z.array(versionSchema))
  @Fails(401, 403, 404)
  async versions(@Caller() caller: Principal, @ZodParam('slug', slugSchema) slug: string) {
    return this.scenes.versions(await this.access.world(caller, slug, 'scene.read-draft'));
  }

  /** One published version, byte for byte as published. */
  @Get('versions/:version')
  @Returns(200, sceneSchema)
  @Fails(400, 401, 403, 404)
  async version(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodParam('version', versionNumber) version: number,
    @Res() res: Response,
  ) {
    const world = await this.access.world(caller, slug, 'scene.read-draft');
    sendBody(res, await this.scenes.version(world, version), { 'Scene-Version': String(version) });
  }

  /** Publishes an older version's scene again, as a new version. */
  @Post('versions/:version/rollback')
  @HttpCode(201)
  @Returns(201, versionSchema)
  @Fails(400, 401, 403, 404, 422, 429)
  async rollback(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodParam('version', versionNumber) version: number,
    @ZodBody(publishRequest) body: z.output<typeof publishRequest>,
  ) {
    const world = await this.access.world(caller, slug, 'scene.publish');
    return this.scenes.rollback(world, caller, version, body.message || `rollback to version ${version}`);
  }
}
