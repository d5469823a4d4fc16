/** Wallets: the chains this server reads (or its dev chain), SIWE sign-in, linked wallets. */
export { WalletsModule, type WalletsModuleOptions } from './wallets.module.js';
export { WalletSignInService } from './wallet-sign-in-service.js';
export { startChains, type ChainRuntime } from './chain-runtime.js';
export type { ChainsConfig } from '../config/app-config.js';
export { SiweNoncesRepository } from './siwe-nonces-repository.js';
export { WalletsRepository } from './wallets-repository.js';
