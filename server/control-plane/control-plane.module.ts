/**
 * The REST control plane: accounts and sessions, organizations, worlds, roles, scenes, keys, archives,
 * audit and usage. Composed from the database and the room layer's read/notify surfaces.
 */
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.js';
import { InstanceDirectory } from './instances/instance-directory.js';
import { AccessService } from './access/access-service.js';
import { AuthenticationGuard, rateLimitTracker } from './api/caller.js';
import { ArchiveController } from './archive/archive.controller.js';
import { WorldArchiveService } from './archive/world-archive.js';
import { AccountsService } from './auth/accounts-service.js';
import { AuthController } from './auth/auth.controller.js';
import { Authenticator } from './auth/authenticator.js';
import { SessionTokens } from './auth/session-tokens.js';
import { EmbedController } from './embed/embed.controller.js';
import { OEmbedController } from './embed/oembed.controller.js';
import { EmbedService } from './embed/embed-service.js';
import { ApiKeysService } from './keys/api-keys-service.js';
import { OrgsController } from './orgs/orgs.controller.js';
import { OrgsService } from './orgs/orgs-service.js';
import { ScenesController } from './scenes/scenes.controller.js';
import { SceneLimitsController } from './scenes/scene-limits.controller.js';
import { ScenesService, type SceneEvents } from './scenes/scenes-service.js';
import { DATABASE } from './tokens.js';
import { UsageService } from './usage/usage-service.js';
import { ModerationService } from './worlds/moderation-service.js';
import { WorldMembersService } from './worlds/world-members-service.js';
import { WorldsController } from './worlds/worlds.controller.js';
import { WorldsService, type WorldEvents } from './worlds/worlds-service.js';

export interface ControlPlaneOptions {
  db: Kysely<Database>;
  sessions: SessionTokens;
  accounts: AccountsService;
  authenticator: Authenticator;
  /** Embeds on other sites (shared with the embed page's framing and the rooms' revocation sweep). */
  embeds: EmbedService;
  usage: UsageService;
  instances: InstanceDirectory;
  /** Tells running rooms about published versions and deleted worlds. */
  roomEvents: SceneEvents & WorldEvents;
  /** Bans and mutes (shared with room admission, which reads mutes). */
  moderation: ModerationService;
  /** Capacity of new worlds unless they say otherwise. */
  defaultCapacity: number;
  rateLimits: { authPerMinute: number; writesPerMinute: number; voiceTokensPerMinute: number };
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Embed sessions per client address and world per minute (a large classroom behind one NAT fits). */
const EMBED_SESSIONS_PER_MINUTE = 600;
const requestOf = (context: ExecutionContext): Request => context.switchToHttp().getRequest<Request>();

@Module({})
export class ControlPlaneModule {
  static forRoot(options: ControlPlaneOptions): DynamicModule {
    const { db } = options;
    const worlds = new WorldsService(db, options.instances, options.defaultCapacity, options.roomEvents);
    return {
      module: ControlPlaneModule,
      imports: [
        ThrottlerModule.forRoot({
          // Per process (in memory): with N processes behind a balancer the effective limit is up to N×.
          throttlers: [
            {
              name: 'auth',
              ttl: 60_000,
              limit: options.rateLimits.authPerMinute,
              skipIf: (context) =>
                !requestOf(context).path.startsWith('/auth/') || READ_METHODS.has(requestOf(context).method),
              getTracker: (req: Record<string, unknown>) => `ip:${String(req.ip)}`,
              generateKey: (_context, tracker, name) => `${name}:${tracker}`,
            },
            {
              // Voice tokens: a client needs one per room change (about one a second at most while walking).
              name: 'voice',
              ttl: 60_000,
              limit: options.rateLimits.voiceTokensPerMinute,
              skipIf: (context) => requestOf(context).path !== '/voice/token',
              getTracker: (req: Record<string, unknown>) => rateLimitTracker(req as unknown as Request),
              generateKey: (_context, tracker, name) => `${name}:${tracker}`,
            },
            {
              // Embed sessions: a whole classroom behind one address opens the same embed at once, so they
              // are counted per address and world, apart from other writes (one site cannot starve another).
              name: 'embeds',
              ttl: 60_000,
              limit: EMBED_SESSIONS_PER_MINUTE,
              skipIf: (context) => !/^\/embeds\/[^/]+\/sessions$/.test(requestOf(context).path),
              getTracker: (req: Record<string, unknown>) =>
                `ip:${String(req.ip)}:${String((req as unknown as Request).params?.slug ?? '')}`,
              generateKey: (_context, tracker, name) => `${name}:${tracker}`,
            },
            {
              name: 'writes',
              ttl: 60_000,
              limit: options.rateLimits.writesPerMinute,
              // Sign-in routes have the stricter limit above instead; LiveKit's webhooks are not a caller's writes.
              skipIf: (context) =>
                READ_METHODS.has(requestOf(context).method) ||
                requestOf(context).path.startsWith('/auth/') ||
                requestOf(context).path.startsWith('/embeds/') ||
                requestOf(context).path === '/livekit/webhook',
              getTracker: (req: Record<string, unknown>) => rateLimitTracker(req as unknown as Request),
              generateKey: (_context, tracker, name) => `${name}:${tracker}`,
            },
          ],
          errorMessage: 'too many requests; wait a minute (see Retry-After) and try again',
        }),
      ],
      controllers: [
        AuthController,
        OrgsController,
        WorldsController,
        ScenesController,
        SceneLimitsController,
        ArchiveController,
        EmbedController,
        OEmbedController,
      ],
      providers: [
        { provide: DATABASE, useValue: db },
        { provide: SessionTokens, useValue: options.sessions },
        { provide: AccountsService, useValue: options.accounts },
        { provide: Authenticator, useValue: options.authenticator },
        { provide: UsageService, useValue: options.usage },
        { provide: InstanceDirectory, useValue: options.instances },
        { provide: AccessService, useValue: new AccessService(db) },
        { provide: ApiKeysService, useValue: new ApiKeysService(db) },
        { provide: EmbedService, useValue: options.embeds },
        { provide: OrgsService, useValue: new OrgsService(db) },
        { provide: WorldsService, useValue: worlds },
        { provide: WorldMembersService, useValue: new WorldMembersService(db) },
        { provide: ModerationService, useValue: options.moderation },
        { provide: ScenesService, useValue: new ScenesService(db, options.roomEvents) },
        { provide: WorldArchiveService, useValue: new WorldArchiveService(db, worlds) },
        // Order matters: authenticate first, so write limits count per account or key.
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: ThrottlerGuard },
      ],
    };
  }
}
