/**
 * The REST control plane: accounts and sessions, organizations, worlds, roles, scenes, keys, archives,
 * audit and usage. Composed from the database and the room layer's read/notify surfaces.
 */
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.js';
import { InstanceDirectory } from './instances/instance-directory.js';
import { AccessService } from './access/access-service.js';
import { AuthenticationGuard } from './api/caller.js';
import { rateLimitOptions, type RateLimits } from './api/rate-limits.js';
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
  rateLimits: RateLimits;
  /** Where rate-limit counters live: this process's memory unless given (SharedRateLimits with Redis). */
  rateLimitStorage?: ThrottlerStorage;
}

@Module({})
export class ControlPlaneModule {
  static forRoot(options: ControlPlaneOptions): DynamicModule {
    const { db } = options;
    const worlds = new WorldsService(db, options.instances, options.defaultCapacity, options.roomEvents);
    return {
      module: ControlPlaneModule,
      imports: [ThrottlerModule.forRoot(rateLimitOptions(options.rateLimits, options.rateLimitStorage))],
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
