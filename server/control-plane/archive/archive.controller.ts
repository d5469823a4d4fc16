import { Controller, Get, Headers, Inject, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Caller } from '../api/caller.js';
import { slugSchema } from '../api/common-schemas.js';
import { Problem } from '../api/problem.js';
import { Fails, Returns, ZodBody, ZodParam, ZodQuery } from '../api/zod-api.js';
import { AccessService } from '../access/access-service.js';
import type { Principal } from '../auth/principal.js';
import { worldSchema } from '../worlds/world-schemas.js';
import { WorldsService } from '../worlds/worlds-service.js';
import {
  ARCHIVE_MEDIA_TYPE,
  WorldArchiveService,
  worldArchiveSchema,
  type WorldArchive,
} from './world-archive.js';

const importQuery = z.strictObject({
  slug: slugSchema.optional().describe('Slug for the imported world (default: the archive’s).'),
});

@ApiTags('worlds')
@ApiBearerAuth()
@Controller()
export class ArchiveController {
  constructor(
    @Inject(WorldArchiveService) private readonly archives: WorldArchiveService,
    @Inject(WorldsService) private readonly worlds: WorldsService,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  /** The whole world as one archive: settings, draft, every version, referenced assets. */
  @Get('worlds/:slug/export')
  @Returns(200, worldArchiveSchema, 'OK', ARCHIVE_MEDIA_TYPE)
  @Fails(401, 403, 404)
  async export(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @Res() res: Response,
  ) {
    const world = await this.access.world(caller, slug, 'world.export');
    const archive = await this.archives.export(world);
    res.setHeader('Content-Disposition', `attachment; filename="${world.slug}.mib-world.json"`);
    res.type(ARCHIVE_MEDIA_TYPE).send(JSON.stringify(archive));
  }

  /** Creates a world from an export archive; all or nothing. */
  @Post('orgs/:org/worlds/import')
  @Returns(201, worldSchema)
  @Fails(400, 401, 403, 404, 409, 413, 429)
  async import(
    @Caller() caller: Principal,
    @ZodParam('org', slugSchema) orgSlug: string,
    @ZodQuery(importQuery) query: z.output<typeof importQuery>,
    @Headers('content-length') contentLength: string | undefined,
    @ZodBody(worldArchiveSchema) archive: WorldArchive,
  ) {
    const org = await this.access.org(caller, orgSlug, 'org.worlds.create');
    const limit = Number(org.quota_upload_bytes);
    if (Number(contentLength ?? 0) > limit)
      throw Problem.quota(
        413,
        'upload_bytes',
        `the archive is ${contentLength} bytes, over organization "${org.slug}"'s ${limit}-byte upload quota`,
        limit,
      );
    const world = await this.archives.import(org, caller, archive, query.slug);
    return this.worlds.view(world, caller);
  }
}
