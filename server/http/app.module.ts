import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  AssetsModule,
  type AssetLibrary,
  type AssetsService,
  type WorldThumbnails,
} from '../assets/index.js';
import { ControlPlaneModule, type ControlPlaneOptions } from '../control-plane/index.js';
import { VoiceModule, type VoiceModuleOptions } from '../voice/index.js';
import { NftModule, type NftModuleOptions } from '../nft/index.js';
import { WalletsModule, type WalletsModuleOptions } from '../wallets/index.js';
import { HealthController } from './health.controller.js';
import { METRICS_REGISTRY, MetricsController } from './metrics.controller.js';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness.js';
import { LEAVE_LOGGER, RoomLeaveController } from './room-leave.controller.js';

export interface AppModuleOptions {
  logger: Logger;
  registry: Registry;
  readinessChecks: ReadinessCheck[];
  controlPlane: ControlPlaneOptions;
  voice: VoiceModuleOptions;
  assets: AssetsService;
  library: AssetLibrary;
  thumbnails: WorldThumbnails;
  wallets: WalletsModuleOptions;
  nft: NftModuleOptions;
}

/** Paths too frequent or too dull to log per request. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: options.logger,
            autoLogging: { ignore: (req) => QUIET_PATHS.has(req.url ?? '') },
          },
        }),
        ControlPlaneModule.forRoot(options.controlPlane),
        VoiceModule.forRoot(options.voice),
        AssetsModule.forRoot(options.assets, options.library, options.thumbnails),
        WalletsModule.forRoot(options.wallets),
        NftModule.forRoot(options.nft),
      ],
      controllers: [HealthController, MetricsController, RoomLeaveController],
      providers: [
        { provide: METRICS_REGISTRY, useValue: options.registry },
        { provide: READINESS_CHECKS, useValue: options.readinessChecks },
        { provide: LEAVE_LOGGER, useValue: options.logger },
      ],
    };
  }
}
