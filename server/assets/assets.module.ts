import { Module, type DynamicModule } from '@nestjs/common';
import { AssetsController } from './assets.controller.js';
import { AssetsService } from './assets-service.js';
import { AssetLibrary } from './asset-library.js';
import { LibraryController } from './library.controller.js';
import { WorldThumbnails } from './world-thumbnails.js';
import { WorldThumbnailsController } from './world-thumbnails.controller.js';

@Module({})
export class AssetsModule {
  static forRoot(service: AssetsService, library: AssetLibrary, thumbnails: WorldThumbnails): DynamicModule {
    return {
      module: AssetsModule,
      controllers: [AssetsController, LibraryController, WorldThumbnailsController],
      providers: [
        { provide: AssetsService, useValue: service },
        { provide: AssetLibrary, useValue: library },
        { provide: WorldThumbnails, useValue: thumbnails },
      ],
    };
  }
}
