import { Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  SCENE_LIMIT_NAMES,
  partialSceneLimitsSchema,
  sceneLimitsSchema,
  type SceneLimits,
} from '../../../protocol/index.js';
import type { Database } from '../../db/tables.js';
import { Caller } from '../api/caller.js';
import { slugSchema } from '../api/common-schemas.js';
import { Problem } from '../api/problem.js';
import { Fails, Returns, ZodBody, ZodParam, named } from '../api/zod-api.js';
import { AccessService, accountOf } from '../access/access-service.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { DATABASE } from '../tokens.js';
import { worldSceneLimits } from './scene-limits.js';

const limitsViewSchema = named(
  'WorldSceneLimits',
  z.object({
    plan: sceneLimitsSchema.describe("The organization's plan: the most this world may set."),
    own: partialSceneLimitsSchema.describe("The world's own limits (only those it set)."),
    effective: sceneLimitsSchema.describe('What applies: its own where set, the plan otherwise.'),
  }),
);
const setLimitsRequest = z
  .strictObject({
    limits: partialSceneLimitsSchema
      .nullable()
      .describe("The world's own limits, each at most the plan's (null: use the plan's)."),
  })
  .describe('Replaces the world’s own limits.');

/** A world's scene limits: read by its editors (the studio's meter), set by its owners within the plan. */
@ApiTags('scenes')
@ApiBearerAuth()
@Controller('worlds/:slug/scene-limits')
export class SceneLimitsController {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
  ) {}

  @Get()
  @Returns(200, limitsViewSchema)
  @Fails(401, 403, 404)
  async get(@Caller() caller: Principal, @ZodParam('slug', slugSchema) slug: string) {
    return worldSceneLimits(this.db, await this.access.world(caller, slug, 'scene.read-draft'));
  }

  @Put()
  @Returns(200, limitsViewSchema)
  @Fails(400, 401, 403, 404)
  async set(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodBody(setLimitsRequest) body: z.output<typeof setLimitsRequest>,
  ) {
    const world = await this.access.world(caller, slug, 'world.update');
    const { plan } = await worldSceneLimits(this.db, world);
    const own: Partial<SceneLimits> = body.limits ?? {};
    const errors = SCENE_LIMIT_NAMES.flatMap((name) => {
      const value = own[name];
      return value !== undefined && value > plan[name]
        ? [
            {
              path: `body.limits.${name}`,
              message: `${value} is over the organization's plan (${plan[name]}); ask the operator to raise the plan`,
            },
          ]
        : [];
    });
    if (errors.length > 0) throw Problem.fields(errors);
    const updated = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('worlds')
        .set({ scene_limits: body.limits === null ? null : JSON.stringify(own), updated_at: new Date() })
        .where('id', '=', world.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        orgId: world.org_id,
        worldId: world.id,
        actorId: accountOf(caller) ?? null,
        action: 'world.scene-limits',
        detail: { limits: body.limits },
      });
      return row;
    });
    return worldSceneLimits(this.db, updated);
  }
}
