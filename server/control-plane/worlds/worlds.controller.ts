import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/tables.js';
import { emptyScene, templateScene } from '../../../protocol/index.js';
import { InstanceDirectory } from '../instances/instance-directory.js';
import { AnonymousAllowed, Caller } from '../api/caller.js';
import {
  apiKeySchema,
  auditPageSchema,
  createWorldKeySchema,
  createdApiKeySchema,
  pageQuerySchema,
  slugSchema,
  uuidSchema,
} from '../api/common-schemas.js';
import { Problem } from '../api/problem.js';
import { Fails, Returns, ZodBody, ZodParam, ZodQuery } from '../api/zod-api.js';
import { AccessService, accountOf } from '../access/access-service.js';
import type { Principal } from '../auth/principal.js';
import { ApiKeysService } from '../keys/api-keys-service.js';
import { auditPage } from '../orgs/orgs.controller.js';
import { DATABASE } from '../tokens.js';
import { ModerationService, type SanctionKind } from './moderation-service.js';
import { WorldMembersService } from './world-members-service.js';
import {
  acceptInvitationRequest,
  acceptedInvitationSchema,
  banRequest,
  banSchema,
  createWorldRequest,
  instancesSchema,
  invitationSchema,
  inviteRequest,
  kickRequest,
  listWorldsQuery,
  setRoleRequest,
  updateWorldRequest,
  worldPageSchema,
  worldRoleViewSchema,
  worldSchema,
} from './world-schemas.js';
import { WorldsService } from './worlds-service.js';

@ApiTags('worlds')
@ApiBearerAuth()
@Controller()
export class WorldsController {
  constructor(
    @Inject(WorldsService) private readonly worlds: WorldsService,
    @Inject(WorldMembersService) private readonly members: WorldMembersService,
    @Inject(ModerationService) private readonly moderation: ModerationService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(InstanceDirectory) private readonly instances: InstanceDirectory,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
  ) {}

  /** Creates a world in the organization (within its worlds quota); you become its owner. */
  @Post('orgs/:org/worlds')
  @Returns(201, worldSchema)
  @Fails(400, 401, 403, 404, 409, 429)
  async create(
    @Caller() caller: Principal,
    @ZodParam('org', slugSchema) orgSlug: string,
    @ZodBody(createWorldRequest) body: z.output<typeof createWorldRequest>,
  ) {
    const org = await this.access.org(caller, orgSlug, 'org.worlds.create');
    const { slug, template, ...settings } = body;
    const scene = template ? templateScene(template) : emptyScene();
    return this.worlds.view(await this.worlds.create(org, caller, slug, settings, undefined, scene), caller);
  }

  /** Worlds you can see: public ones and those you have a role in; with live population. */
  @Get('worlds')
  @AnonymousAllowed()
  @Returns(200, worldPageSchema)
  @Fails(400, 401)
  list(@Caller() caller: Principal, @ZodQuery(listWorldsQuery) query: z.output<typeof listWorldsQuery>) {
    return this.worlds.list(caller, query);
  }

  @Get('worlds/:slug')
  @AnonymousAllowed()
  @Returns(200, worldSchema)
  @Fails(401, 404)
  async get(@Caller() caller: Principal, @ZodParam('slug', slugSchema) slug: string) {
    return this.worlds.view(await this.access.world(caller, slug, 'world.read'), caller);
  }

  /** Changes the named settings only. */
  @Patch('worlds/:slug')
  @Returns(200, worldSchema)
  @Fails(400, 401, 403, 404, 429)
  async update(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodBody(updateWorldRequest) body: z.output<typeof updateWorldRequest>,
  ) {
    const world = await this.access.world(caller, slug, 'world.update');
    return this.worlds.view(await this.worlds.update(world, caller, body), caller);
  }

  /** Deletes the world with its scene history, roles, bans and keys. */
  @Delete('worlds/:slug')
  @HttpCode(204)
  @Returns(204, undefined, 'Deleted')
  @Fails(401, 403, 404, 429)
  async remove(@Caller() caller: Principal, @ZodParam('slug', slugSchema) slug: string): Promise<void> {
    await this.worlds.remove(await this.access.world(caller, slug, 'world.delete'), caller);
  }

  /** Live instances of the world across every process, with their population. */
  @Get('worlds/:slug/instances')
  @AnonymousAllowed()
  @Returns(200, instancesSchema)
  @Fails(401, 404)
  async listInstances(@Caller() caller: Principal, @ZodParam('slug', slugSchema) slug: string) {
    await this.access.world(caller, slug, 'world.read');
    const instances = await this.instances.instancesOf(slug);
    return { world: slug, instances, population: instances.reduce((sum, i) => sum + i.clients, 0) };
  }

  @Get('worlds/:slug/roles')
  @Returns(200, z.array(worldRoleViewSchema))
  @Fails(401, 403, 404)
  async roles(@Caller() caller: Principal, @ZodParam('slug', slugSchema) slug: string) {
    return this.members.roles(await this.access.world(caller, slug, 'world.roles'));
  }

  @Put('worlds/:slug/roles/:accountId')
  @Returns(200, worldRoleViewSchema)
  @Fails(400, 401, 403, 404, 429)
  async setRole(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodParam('accountId', uuidSchema) accountId: string,
    @ZodBody(setRoleRequest) body: z.output<typeof setRoleRequest>,
  ) {
    const world = await this.access.world(caller, slug, 'world.roles');
    return this.members.setRole(world, caller, accountId, body.role);
  }

  @Delete('worlds/:slug/roles/:accountId')
  @HttpCode(204)
  @Returns(204, undefined, 'Removed')
  @Fails(400, 401, 403, 404, 429)
  async removeRole(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodParam('accountId', uuidSchema) accountId: string,
  ): Promise<void> {
    const world = await this.access.world(caller, slug, 'world.roles');
    if (accountOf(caller) === accountId)
      throw Problem.badRequest('you cannot remove your own role; ask another owner');
    await this.members.removeRole(world, caller, accountId);
  }

  /** Creates an invitation that grants a role once; the token is shown once. */
  @Post('worlds/:slug/invitations')
  @Returns(201, invitationSchema)
  @Fails(400, 401, 403, 404, 429)
  async invite(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodBody(inviteRequest) body: z.output<typeof inviteRequest>,
  ) {
    const world = await this.access.world(caller, slug, 'world.invite');
    return this.members.invite(world, caller, body.role, body.expiresInHours);
  }

  /** Accepts an invitation for the signed-in account. */
  @Post('invitations/accept')
  @HttpCode(200)
  @Returns(200, acceptedInvitationSchema)
  @Fails(400, 401, 403, 404, 429)
  accept(
    @Caller() caller: Principal,
    @ZodBody(acceptInvitationRequest) body: z.output<typeof acceptInvitationRequest>,
  ) {
    const account = this.access.requireSession(caller, 'accept an invitation');
    return this.members.accept(account.accountId, body.token);
  }

  @Get('worlds/:slug/bans')
  @Returns(200, z.array(banSchema))
  @Fails(401, 403, 404)
  bans(@Caller() caller: Principal, @ZodParam('slug', slugSchema) slug: string) {
    return this.listSanctions('ban', caller, slug);
  }

  /** Bans an account from joining (and removes it from running instances). */
  @Put('worlds/:slug/bans/:accountId')
  @Returns(200, banSchema)
  @Fails(400, 401, 403, 404, 429)
  ban(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodParam('accountId', uuidSchema) accountId: string,
    @ZodBody(banRequest) body: z.output<typeof banRequest>,
  ) {
    return this.impose('ban', caller, slug, accountId, body);
  }

  @Delete('worlds/:slug/bans/:accountId')
  @HttpCode(204)
  @Returns(204, undefined, 'Unbanned')
  @Fails(400, 401, 403, 404, 429)
  unban(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodParam('accountId', uuidSchema) accountId: string,
  ): Promise<void> {
    return this.lift('ban', caller, slug, accountId);
  }

  /**
   * Removes an account from the world's running instances and their voice rooms now; it may join again
   * (a ban keeps it out). Recorded in the audit log.
   */
  @Post('worlds/:slug/kicks/:accountId')
  @HttpCode(204)
  @Returns(204, undefined, 'Kicked')
  @Fails(400, 401, 403, 404, 429)
  async kick(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodParam('accountId', uuidSchema) accountId: string,
    @ZodBody(kickRequest) body: z.output<typeof kickRequest>,
  ): Promise<void> {
    const world = await this.access.world(caller, slug, 'world.moderate');
    await this.moderation.kick(world, caller, accountId, body.reason);
  }

  @Get('worlds/:slug/mutes')
  @Returns(200, z.array(banSchema))
  @Fails(401, 403, 404)
  mutes(@Caller() caller: Principal, @ZodParam('slug', slugSchema) slug: string) {
    return this.listSanctions('mute', caller, slug);
  }

  /** Mutes an account's chat in this world (it stays, and running instances refuse its chat at once). */
  @Put('worlds/:slug/mutes/:accountId')
  @Returns(200, banSchema)
  @Fails(400, 401, 403, 404, 429)
  mute(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodParam('accountId', uuidSchema) accountId: string,
    @ZodBody(banRequest) body: z.output<typeof banRequest>,
  ) {
    return this.impose('mute', caller, slug, accountId, body);
  }

  @Delete('worlds/:slug/mutes/:accountId')
  @HttpCode(204)
  @Returns(204, undefined, 'Unmuted')
  @Fails(400, 401, 403, 404, 429)
  unmute(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodParam('accountId', uuidSchema) accountId: string,
  ): Promise<void> {
    return this.lift('mute', caller, slug, accountId);
  }

  private async listSanctions(kind: SanctionKind, caller: Principal, slug: string) {
    return this.moderation.list(kind, await this.access.world(caller, slug, 'world.moderate'));
  }

  private async impose(
    kind: SanctionKind,
    caller: Principal,
    slug: string,
    accountId: string,
    body: z.output<typeof banRequest>,
  ) {
    const world = await this.access.world(caller, slug, 'world.moderate');
    const expiresAt = body.expiresAt === null ? null : new Date(body.expiresAt);
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw Problem.badRequest('expiresAt is in the past; give a future time, or null for no end');
    return this.moderation.impose(kind, world, caller, accountId, body.reason, expiresAt);
  }

  private async lift(kind: SanctionKind, caller: Principal, slug: string, accountId: string): Promise<void> {
    await this.moderation.lift(
      kind,
      await this.access.world(caller, slug, 'world.moderate'),
      caller,
      accountId,
    );
  }

  /** Creates a key for this world (e.g. an embed key with an origin allowlist). The secret is shown once. */
  @Post('worlds/:slug/keys')
  @Returns(201, createdApiKeySchema)
  @Fails(400, 401, 403, 404, 409, 429)
  async createKey(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodBody(createWorldKeySchema) body: z.output<typeof createWorldKeySchema>,
  ) {
    const world = await this.access.world(caller, slug, 'world.keys');
    const account = this.access.requireSession(caller, 'create API keys');
    const org = await this.access.orgSlugOf(world.org_id);
    return this.keys.createForWorld(world, org, account.accountId, body);
  }

  @Get('worlds/:slug/keys')
  @Returns(200, z.array(apiKeySchema))
  @Fails(401, 403, 404)
  async listKeys(@Caller() caller: Principal, @ZodParam('slug', slugSchema) slug: string) {
    return this.keys.listForWorld(await this.access.world(caller, slug, 'world.keys'));
  }

  @Delete('worlds/:slug/keys/:keyId')
  @HttpCode(204)
  @Returns(204, undefined, 'Revoked')
  @Fails(400, 401, 403, 404, 429)
  async revokeKey(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodParam('keyId', uuidSchema) keyId: string,
  ): Promise<void> {
    const world = await this.access.world(caller, slug, 'world.keys');
    await this.keys.revokeForWorld(world, keyId, accountOf(caller) ?? null);
  }

  /** Privileged actions in this world, newest first. */
  @Get('worlds/:slug/audit')
  @Returns(200, auditPageSchema)
  @Fails(400, 401, 403, 404)
  async audit(
    @Caller() caller: Principal,
    @ZodParam('slug', slugSchema) slug: string,
    @ZodQuery(pageQuerySchema) page: z.output<typeof pageQuerySchema>,
  ) {
    const world = await this.access.world(caller, slug, 'world.audit');
    return auditPage(this.db, { worldId: world.id }, page);
  }
}
