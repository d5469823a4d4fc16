import { Module, type DynamicModule } from '@nestjs/common';
import { AssetsController } from './assets.controller.js';
import { AssetsService } from './assets-service.js';

@Module({})
export class AssetsModule {
  static forRoot(service: AssetsService): DynamicModule {
    return {
      module: AssetsModule,
      controllers: [AssetsController],
      providers: [{ provide: AssetsService, useValue: service }],
    };
  }
}
