/** NFT bindings, token gates and the transfer indexers, over the chains server/wallets reads. */
export { NftModule, type NftModuleOptions } from './nft.module.js';
export { createNftServices, type NftServices, type NftServicesDeps } from './nft-services.js';
export { TokenGates } from './token-gates.js';
export { NftBindingsRepository, type BindingRow } from './nft-bindings-repository.js';
export { describeGate, tokenGateSchema, type TokenGate } from './token-gate.js';
