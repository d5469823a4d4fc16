import { Module, type DynamicModule } from '@nestjs/common';
import { AccessService } from '../control-plane/index.js';
import { BindingTargets } from './binding-targets.js';
import { DemoMetadataController, DemoMetadata } from './demo-metadata.controller.js';
import { NftBindingsService } from './nft-bindings-service.js';
import { NftController } from './nft.controller.js';
import { TokenGates } from './token-gates.js';
import { WalletItemsService } from './wallet-items.js';

export interface NftModuleOptions {
  bindings: NftBindingsService;
  targets: BindingTargets;
  gates: TokenGates;
  items: WalletItemsService;
  access: AccessService;
  /** The dev chain's demo collections, whose metadata this server serves; undefined without a dev chain. */
  demo: DemoMetadata | undefined;
}

@Module({})
export class NftModule {
  static forRoot(options: NftModuleOptions): DynamicModule {
    return {
      module: NftModule,
      controllers: [NftController, DemoMetadataController],
      providers: [
        { provide: NftBindingsService, useValue: options.bindings },
        { provide: BindingTargets, useValue: options.targets },
        { provide: TokenGates, useValue: options.gates },
        { provide: WalletItemsService, useValue: options.items },
        { provide: AccessService, useValue: options.access },
        { provide: DemoMetadata, useValue: options.demo ?? new DemoMetadata(undefined) },
      ],
    };
  }
}
