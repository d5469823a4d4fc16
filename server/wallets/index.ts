/** Wallets: the chains this server reads (or its dev chain), SIWE sign-in, linked wallets. */
export { WalletsModule, type WalletsModuleOptions } from './wallets.module.js';
export { WalletSignInService } from './wallet-sign-in-service.js';
export { startChains, type ChainRuntime, type ChainsConfig } from './chain-runtime.js';
export { SiweNoncesRepository } from './siwe-nonces-repository.js';
export { WalletsRepository } from './wallets-repository.js';
