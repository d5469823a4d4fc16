/**
 * The NFT part of the server, composed: bindings (the indexer's sink), frame targets, token gates, token
 * displays, the demo collections' metadata, and one transfer indexer per chain (started once the server
 * listens, stopped first at shutdown).
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AssetStore } from '../../asset-pipeline/index.js';
import { pointDemoMetadataAt } from '../../nft-bridge/index.js';
import type { AccessService } from '../control-plane/index.js';
import type { SceneVersionsRepository } from '../db/index.js';
import type { Database } from '../db/tables.js';
import type { NftEvents } from '../rooms/room-events.js';
import { WalletsRepository, type ChainRuntime } from '../wallets/index.js';
import { BindingTargets } from './binding-targets.js';
import { ChainCursorsRepository } from './chain-cursors-repository.js';
import { DemoMetadata } from './demo-metadata.controller.js';
import { NftBindingsRepository } from './nft-bindings-repository.js';
import { NftBindingsService } from './nft-bindings-service.js';
import type { NftModuleOptions } from './nft.module.js';
import { TokenDisplays, type ModelImports } from './token-displays.js';
import { TokenGates } from './token-gates.js';
import { startTransferIndexers, type IndexerTiming } from './transfer-indexers.js';
import { WalletItemsService } from './wallet-items.js';

export interface NftServicesDeps {
  db: Kysely<Database>;
  chains: ChainRuntime;
  access: AccessService;
  scenes: SceneVersionsRepository;
  store: AssetStore;
  events: NftEvents;
  logger: Logger;
  /** Imports tokens' animation_url GLBs through the asset pipeline (the assets service). */
  models?: ModelImports;
  timing?: IndexerTiming;
  /** Where the indexers' lag gauges go (the server's /metrics). */
  registry?: Registry;
}

/** How long fetching one metadata document or image may take, redirects included, in ms. */
const METADATA_TIMEOUT_MS = 5_000;
const DEFAULT_TIMING: IndexerTiming = { intervalMs: 500, retryMs: 5_000 };

export interface NftServices {
  gates: TokenGates;
  bindings: NftBindingsRepository;
  module: NftModuleOptions;
  /** Once the server listens at `serverUrl`: the demo metadata there, and the indexers running. */
  start(serverUrl: string): Promise<void>;
  stop(): Promise<void>;
}

export function createNftServices(deps: NftServicesDeps): NftServices {
  const gates = new TokenGates(deps.db, deps.chains, deps.access, deps.events);
  const repository = new NftBindingsRepository(deps.db);
  const displays = new TokenDisplays(
    deps.db,
    deps.chains,
    deps.store,
    { gateways: deps.chains.gateways, timeoutMs: METADATA_TIMEOUT_MS },
    deps.logger,
    deps.models,
  );
  const bindings = new NftBindingsService(
    deps.db,
    deps.chains,
    repository,
    new ChainCursorsRepository(),
    gates,
    displays,
    deps.events,
    deps.logger,
  );
  const demo = new DemoMetadata(deps.chains.devChain);
  let indexers: { stop(): Promise<void> } | undefined;
  return {
    gates,
    bindings: repository,
    module: {
      bindings,
      targets: new BindingTargets(deps.access, deps.scenes),
      gates,
      items: new WalletItemsService(
        deps.db,
        deps.chains,
        new WalletsRepository(deps.db),
        repository,
        displays,
        deps.logger,
      ),
      access: deps.access,
      demo,
    },
    async start(serverUrl) {
      const dev = deps.chains.devChain;
      if (dev) {
        demo.base = `${serverUrl}/nft/metadata`;
        await pointDemoMetadataAt(dev.rpcUrl, dev.demo, demo.base).catch((error: unknown) =>
          deps.logger.error(
            { err: error },
            'pointing the demo collections at this server failed: demo tokens will show no picture',
          ),
        );
      }
      indexers = startTransferIndexers(
        deps.chains,
        bindings,
        deps.timing ?? DEFAULT_TIMING,
        deps.logger,
        deps.registry,
      );
    },
    stop: async () => indexers?.stop(),
  };
}
