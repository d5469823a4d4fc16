import { randomUUID } from 'node:crypto';
import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import {
  AnonymousAllowed,
  Caller,
  Fails,
  Problem,
  Returns,
  ReturnsFile,
  type Principal,
} from '../control-plane/index.js';
import { ZodParam, ZodQuery } from '../control-plane/api/zod-api.js';
import { AssetsService, UPLOAD_MEDIA_TYPES } from './assets-service.js';
import { AssetLibrary } from './asset-library.js';
import {
  assetJobSchema,
  assetSchema,
  hashSchema,
  jobEventSchema,
  jobIdSchema,
  uploadQuery,
} from './asset-schemas.js';

/** How often an event stream looks at its job, in milliseconds. */
const EVENTS_POLL_MS = 400;

@ApiTags('assets')
@ApiBearerAuth()
@Controller('assets')
export class AssetsController {
  constructor(
    @Inject(AssetsService) private readonly assets: AssetsService,
    @Inject(AssetLibrary) private readonly library: AssetLibrary,
  ) {}

  /**
   * Upload a model (.glb, .gltf, or a .zip with a .gltf and its files) as the raw request body. It becomes
   * a job: follow it with GET /assets/jobs/{id} or its event stream.
   */
  @Post()
  @HttpCode(202)
  @ApiConsumes(...UPLOAD_MEDIA_TYPES)
  @ApiBody({
    required: true,
    schema: { type: 'string', format: 'binary', minLength: 1 },
    description: 'The file itself',
  })
  @Returns(202, assetJobSchema, 'Accepted: the upload is queued for processing')
  @Fails(400, 401, 403, 404, 413, 415)
  async upload(
    @Caller() caller: Principal,
    @ZodQuery(uploadQuery) query: z.output<typeof uploadQuery>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const accountId = this.assets.uploaderOf(caller);
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!UPLOAD_MEDIA_TYPES.includes(mediaType)) {
      throw new Problem(
        415,
        'unsupported-media-type',
        `Content-Type "${mediaType || 'none'}" is not an upload type; send the file as the body with one of ${UPLOAD_MEDIA_TYPES.join(', ')}`,
      );
    }
    const placement = {
      name: query.name ?? 'Untitled upload',
      org: query.org,
      world: query.world,
      tags: query.tags ?? [],
    };
    // Before the bytes are read: a wrong organization or world costs the creator no upload time.
    const where = await this.library.resolvePlacement(caller, placement);
    const job = await this.assets.upload(accountId, query, randomUUID(), req, res);
    const libraryAsset = await this.library.add(job.id, accountId, where, placement);
    res.setHeader('Location', `/assets/jobs/${job.id}`);
    return { ...job, libraryAsset };
  }

  @Get('jobs/:id')
  @Returns(200, assetJobSchema)
  @Fails(401, 404)
  async job(@Caller() caller: Principal, @ZodParam('id', jobIdSchema) id: string) {
    return this.assets.job(caller, id);
  }

  /** Server-sent events: `progress` with the job on every change, then `done` with its final state. */
  @Get('jobs/:id/events')
  @Returns(200, jobEventSchema, 'The events, until the job is done', 'text/event-stream')
  @Fails(401, 404)
  async events(
    @Caller() caller: Principal,
    @ZodParam('id', jobIdSchema) id: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    let last = JSON.stringify(await this.assets.job(caller, id));
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    const send = (event: string, data: string) => res.write(`event: ${event}\ndata: ${data}\n\n`);
    const finished = (json: string) =>
      ['succeeded', 'rejected', 'failed'].includes((JSON.parse(json) as { status: string }).status);
    send('progress', last);
    if (finished(last)) {
      send('done', last);
      res.end();
      return;
    }
    const timer = setInterval(() => {
      void this.assets.job(caller, id).then(
        (job) => {
          const json = JSON.stringify(job);
          if (json !== last) send('progress', json);
          last = json;
          if (finished(json)) {
            send('done', json);
            clearInterval(timer);
            res.end();
          }
        },
        () => {
          clearInterval(timer);
          res.end();
        },
      );
    }, EVENTS_POLL_MS);
    req.on('close', () => clearInterval(timer));
  }

  /** Runs a failed job again (a server fault, not a rejection: rejected uploads must be fixed and re-uploaded). */
  @Post('jobs/:id/retry')
  @HttpCode(202)
  @Returns(202, assetJobSchema)
  @Fails(401, 404, 409)
  async retry(@Caller() caller: Principal, @ZodParam('id', jobIdSchema) id: string) {
    return this.assets.retry(caller, id);
  }

  /** An optimized asset: its URLs and its report. Public: assets are addressed by content hash. */
  @Get(':hash')
  @AnonymousAllowed()
  @Returns(200, assetSchema)
  @Fails(404)
  async asset(@ZodParam('hash', hashSchema) hash: string) {
    return this.assets.asset(hash);
  }

  /** A stored file by hash: immutable caching, ETag = hash, range requests. */
  @Get('files/:hash')
  @AnonymousAllowed()
  @ReturnsFile(200, ['*/*'], 'The file, with the media type it was stored with')
  @ReturnsFile(206, ['*/*'], 'The range asked for')
  @Returns(304, undefined, 'Not modified (If-None-Match matched)')
  @Fails(404, 416)
  async file(@Param('hash') raw: string, @Req() req: Request, @Res() res: Response) {
    const hash = hashSchema.safeParse(raw);
    if (!hash.success)
      throw Problem.notFound(
        'no such file: asset files are named by their sha-256 (64 lowercase hex characters)',
      );
    await this.assets.sendFile(hash.data, req, res);
  }
}
