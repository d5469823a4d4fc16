import { Module, type DynamicModule } from '@nestjs/common';
import { AccessService, AccountsService } from '../control-plane/index.js';
import { WalletSignInService } from './wallet-sign-in-service.js';
import { WalletsController } from './wallets.controller.js';

export interface WalletsModuleOptions {
  signIn: WalletSignInService;
  access: AccessService;
  accounts: AccountsService;
}

@Module({})
export class WalletsModule {
  static forRoot(options: WalletsModuleOptions): DynamicModule {
    return {
      module: WalletsModule,
      controllers: [WalletsController],
      providers: [
        { provide: WalletSignInService, useValue: options.signIn },
        { provide: AccessService, useValue: options.access },
        { provide: AccountsService, useValue: options.accounts },
      ],
    };
  }
}
