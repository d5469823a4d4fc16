/**
 * nft-bridge: SIWE wallet sign-in, ERC-721/1155 ownership, and the embedded dev chain — built on viem.
 * Public surface of the part; it must not import server/.
 */
export {
  anvilBinary,
  isRunning,
  startAnvil,
  DEV_CHAIN_ID,
  type AnvilOptions,
  type RunningAnvil,
} from './dev-chain/anvil-process.js';
export { DEV_MNEMONIC, devAccount } from './dev-chain/dev-accounts.js';
export {
  DEMO_HOLDINGS,
  ensureDemoCollection,
  pointDemoMetadataAt,
  type DemoCollection,
} from './dev-chain/demo-collection.js';
export * as contracts from './contracts/artifacts.generated.js';
export { chainConfigSchema, chainsSchema, parseChains, type ChainConfig } from './chains/chain-config.js';
export { createChainClient, rpcCallCount, type ChainClientOptions } from './chains/chain-client.js';
export {
  MAX_SIWE_MESSAGE_CHARS,
  WalletSignInError,
  verifyWalletSignIn,
  type NonceStore,
  type SignInExpectations,
  type SignInProblem,
} from './siwe/wallet-sign-in.js';
export { MulticallReader, type CallResult } from './ownership/multicall-reader.js';
export { ContractKinds, type ContractKind } from './ownership/contract-kinds.js';
export { OwnershipReader, type Holding, type HoldingQuery } from './ownership/ownership-reader.js';
export {
  ScanTooLongError,
  WalletTokenScanner,
  type ListedCollection,
  type ReceivedToken,
  type WalletTokenScanOptions,
} from './ownership/wallet-tokens.js';
export {
  ChainUnreadableError,
  INTERFACE_IDS,
  MULTICALL3_ADDRESS,
  erc1155Abi,
  erc721Abi,
  type TokenKind,
} from './ownership/token-standards.js';
export { decodeTransfers, transferEventsAbi, type TokenTransfer } from './indexer/transfer-events.js';
export {
  TransferIndexer,
  cursorBlock,
  cursorFromJson,
  cursorToJson,
  type BlockRef,
  type IndexerCursor,
  type RewindReason,
  type StepResult,
  type TransferSink,
} from './indexer/transfer-indexer.js';
export { runIndexer, type IndexerLoop, type IndexerLoopOptions } from './indexer/indexer-loop.js';
export {
  UnsafeFetchError,
  refusedAddress,
  safeFetch,
  type FetchedBody,
  type SafeFetchPolicy,
} from './metadata/safe-fetch.js';
export {
  METADATA_MEDIA_TYPES,
  MetadataError,
  fetchUri,
  readTokenMetadata,
  resolveUri,
  type Gateways,
  type ResolvedUri,
  type TokenMetadata,
} from './metadata/token-metadata.js';
