import { Module, type DynamicModule } from '@nestjs/common';
import { AssetsController } from './assets.controller.js';
import { AssetsService } from './assets-service.js';
import { AssetLibrary } from './asset-library.js';
import { LibraryController } from './library.controller.js';

@Module({})
export class AssetsModule {
  static forRoot(service: AssetsService, library: AssetLibrary): DynamicModule {
    return {
      module: AssetsModule,
      controllers: [AssetsController, LibraryController],
      providers: [
        { provide: AssetsService, useValue: service },
        { provide: AssetLibrary, useValue: library },
      ],
    };
  }
}
