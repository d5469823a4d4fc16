import { Controller, Delete, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { partialSceneLimitsSchema, sceneLimitsSchema } from '../../../protocol/index.js';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/tables.js';
import { DATABASE } from '../tokens.js';
import { Caller } from '../api/caller.js';
import {
  accountEmailSchema,
  auditPageSchema,
  pageQuerySchema,
  slugSchema,
  uuidSchema,
} from '../api/common-schemas.js';
import { Problem } from '../api/problem.js';
import { Fails, Returns, ZodBody, ZodParam, ZodQuery, named } from '../api/zod-api.js';
import { AccessService, accountOf } from '../access/access-service.js';
import { readAudit } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { UsageService } from '../usage/usage-service.js';
import { OrgsService } from './orgs-service.js';

const orgRoleSchema = z.enum(['owner', 'admin', 'member']);

export const orgSchema = named(
  'Organization',
  z.object({
    slug: z.string(),
    name: z.string(),
    createdAt: z.string(),
    role: orgRoleSchema.nullable(),
    quotas: z.object({
      worlds: z.number().int(),
      storageBytes: z.number().int(),
      peakCcu: z.number().int(),
      uploadBytes: z.number().int(),
    }),
    usage: z.object({ worlds: z.number().int(), storageBytes: z.number().int() }),
    sceneLimits: sceneLimitsSchema.describe(
      'The plan: the most any world of it may weigh (see scene budgets).',
    ),
  }),
);
const memberSchema = named(
  'Member',
  z.object({
    accountId: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    role: orgRoleSchema,
  }),
);
const usageSchema = named(
  'UsageDay',
  z.object({
    day: z.string(),
    peakCcu: z.number().int(),
    visitorMinutes: z.number(),
    storageBytes: z.number().int(),
    assetBytesServed: z.number().int(),
  }),
);

const createOrgRequest = z.strictObject({ slug: slugSchema, name: z.string().trim().min(1).max(120) });
const setMemberRequest = z.strictObject({ email: accountEmailSchema, role: orgRoleSchema });
const quotaRequest = z
  .strictObject({
    worlds: z.number().int().min(0).max(1_000_000).optional(),
    storageBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    peakCcu: z.number().int().min(0).max(10_000_000).optional(),
    uploadBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    sceneLimits: partialSceneLimitsSchema.optional().describe('Plan scene limits to change.'),
  })
  .refine(
    (q) => Object.keys(q).length > 0,
    'name at least one quota: worlds, storageBytes, peakCcu, uploadBytes, sceneLimits',
  )
  .meta({ minProperties: 1 });
// A day that exists (2026-02-30 and month 87 refused): found by schemathesis, a 500 before.
const day = z.iso.date('must be a UTC day that exists, as yyyy-mm-dd, e.g. 2026-12-06');
const usageQuery = z.strictObject({
  from: day.optional().describe('First day (default: 30 days ago).'),
  to: day.optional().describe('Last day (default: today).'),
});

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('orgs')
export class OrgsController {
  constructor(
    @Inject(OrgsService) private readonly orgs: OrgsService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(UsageService) private readonly usage: UsageService,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
  ) {}

  /** Creates an organization; you become its owner. */
  @Post()
  @Returns(201, orgSchema)
  @Fails(400, 401, 403, 409, 429)
  create(@Caller() caller: Principal, @ZodBody(createOrgRequest) body: z.output<typeof createOrgRequest>) {
    const account = this.access.requireRegistered(caller, 'create organizations');
    return this.orgs.create(account, body.slug, body.name);
  }

  /** Your organizations (the operator sees all). */
  @Get()
  @Returns(200, z.array(orgSchema))
  @Fails(401)
  list(@Caller() caller: Principal) {
    if (caller.kind === 'anonymous') throw Problem.unauthenticated('sign in to list your organizations');
    return this.orgs.list(caller);
  }

  @Get(':org')
  @Returns(200, orgSchema)
  @Fails(401, 404)
  async get(@Caller() caller: Principal, @ZodParam('org', slugSchema) slug: string) {
    const org = await this.access.org(caller, slug, 'org.read');
    return this.orgs.view(org, (await this.access.orgRole(accountOf(caller), org.id)) ?? null);
  }

  /** Operator only: sets the organization's quotas (only those named). */
  @Put(':org/quotas')
  @Returns(200, orgSchema)
  @Fails(400, 401, 403, 404, 429)
  async setQuotas(
    @Caller() caller: Principal,
    @ZodParam('org', slugSchema) slug: string,
    @ZodBody(quotaRequest) body: z.output<typeof quotaRequest>,
  ) {
    const org = await this.access.org(caller, slug, 'org.quotas');
    const updated = await this.orgs.setQuotas(org, accountOf(caller) ?? null, body);
    return this.orgs.view(updated, (await this.access.orgRole(accountOf(caller), org.id)) ?? null);
  }

  @Get(':org/members')
  @Returns(200, z.array(memberSchema))
  @Fails(401, 404)
  async members(@Caller() caller: Principal, @ZodParam('org', slugSchema) slug: string) {
    return this.orgs.members(await this.access.org(caller, slug, 'org.read'));
  }

  /** Adds a registered account by email, or changes its role. */
  @Put(':org/members')
  @Returns(200, memberSchema)
  @Fails(400, 401, 403, 404, 409, 422, 429)
  async setMember(
    @Caller() caller: Principal,
    @ZodParam('org', slugSchema) slug: string,
    @ZodBody(setMemberRequest) body: z.output<typeof setMemberRequest>,
  ) {
    const org = await this.access.org(caller, slug, 'org.members');
    return this.orgs.setMember(org, caller, body.email, body.role);
  }

  @Delete(':org/members/:accountId')
  @HttpCode(204)
  @Returns(204, undefined, 'Removed')
  @Fails(400, 401, 403, 404, 409, 429)
  async removeMember(
    @Caller() caller: Principal,
    @ZodParam('org', slugSchema) slug: string,
    @ZodParam('accountId', uuidSchema) accountId: string,
  ): Promise<void> {
    const org = await this.access.org(caller, slug, 'org.members');
    await this.orgs.removeMember(org, caller, accountId);
  }

  /** Usage per UTC day: peak concurrent visitors, visitor-minutes, storage bytes, asset bytes served. */
  @Get(':org/usage')
  @Returns(200, z.array(usageSchema))
  @Fails(400, 401, 403, 404)
  async usageDays(
    @Caller() caller: Principal,
    @ZodParam('org', slugSchema) slug: string,
    @ZodQuery(usageQuery) query: z.output<typeof usageQuery>,
  ) {
    const org = await this.access.org(caller, slug, 'org.usage');
    const to = query.to ?? new Date().toISOString().slice(0, 10);
    const from = query.from ?? new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    if (from > to) throw Problem.badRequest(`from (${from}) is after to (${to}); swap them`);
    return this.usage.read(org.id, from, to);
  }

  /** Privileged actions in the organization, newest first. */
  @Get(':org/audit')
  @Returns(200, auditPageSchema)
  @Fails(400, 401, 403, 404)
  async audit(
    @Caller() caller: Principal,
    @ZodParam('org', slugSchema) slug: string,
    @ZodQuery(pageQuerySchema) page: z.output<typeof pageQuerySchema>,
  ) {
    const org = await this.access.org(caller, slug, 'org.audit');
    return auditPage(this.db, { orgId: org.id }, page);
  }
}

/** One page of an audit log in the API's shape. */
export async function auditPage(
  db: Kysely<Database>,
  filter: { orgId: string } | { worldId: string },
  page: z.output<typeof pageQuerySchema>,
): Promise<z.infer<typeof auditPageSchema>> {
  if (page.cursor !== undefined && !/^\d{1,18}$/.test(page.cursor))
    throw Problem.badRequest('cursor must be the nextCursor of a previous page');
  const { items, nextBefore } = await readAudit(db, filter, { before: page.cursor, limit: page.limit });
  return { items, nextCursor: nextBefore };
}
