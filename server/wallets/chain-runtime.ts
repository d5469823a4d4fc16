/**
 * The chains this server reads: the configured ones (NFT_CHAINS), or the embedded dev chain — anvil started
 * here with its state under DATA_DIR/chain and the demo collections deployed — when none are configured.
 * If the dev chain cannot start, wallets are off and every wallet route says why (the rest still runs).
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { getAddress, type PublicClient } from 'viem';
import {
  ContractKinds,
  DEV_CHAIN_ID,
  MulticallReader,
  OwnershipReader,
  WalletTokenScanner,
  createChainClient,
  ensureDemoCollection,
  startAnvil,
  type ChainConfig,
  type DemoCollection,
  type Gateways,
  type RunningAnvil,
} from '../../nft-bridge/index.js';
import type { ChainsConfig } from '../config/app-config.js';

export interface ChainRuntime {
  chains: ChainConfig[];
  clients: ReadonlyMap<number, PublicClient>;
  /** Holdings per chain, cached until the transfer indexer says a token moved. */
  ownership: ReadonlyMap<number, OwnershipReader>;
  /** Per chain: the tokens of its listed collections sent to a wallet (candidates for the Items list). */
  received: ReadonlyMap<number, WalletTokenScanner>;
  /** Why there are no chains (wallets off), for the routes' 503 answers. */
  offReason: string | undefined;
  devChain: { rpcUrl: string; demo: DemoCollection } | undefined;
  gateways: Gateways;
  /** Readiness: every chain answers eth_blockNumber. */
  ping(): Promise<void>;
  stop(): Promise<void>;
}

function runtime(
  gateways: Gateways,
  chains: ChainConfig[],
  offReason: string | undefined,
  devChain: ChainRuntime['devChain'],
  anvil: RunningAnvil | undefined,
): ChainRuntime {
  const clients = new Map(chains.map((chain) => [chain.id, createChainClient(chain)]));
  const ownership = new Map(
    chains.map((chain) => {
      const reader = new MulticallReader(clients.get(chain.id)!);
      const kinds = new ContractKinds(reader, new Map(Object.entries(chain.contractKinds)));
      return [chain.id, new OwnershipReader(reader, kinds)];
    }),
  );
  const received = new Map(
    chains.map((chain) => [
      chain.id,
      new WalletTokenScanner(
        clients.get(chain.id)!,
        chain.id,
        chain.collections.map((collection) => ({
          address: getAddress(collection.address),
          fromBlock: BigInt(collection.fromBlock),
        })),
        { logRange: chain.logRange },
      ),
    ]),
  );
  return {
    chains,
    clients,
    ownership,
    received,
    offReason,
    devChain,
    gateways,
    async ping() {
      for (const [id, client] of clients) {
        try {
          await client.getBlockNumber({ cacheTime: 0 });
        } catch (error) {
          throw new Error(`chain ${id} does not answer: ${(error as Error).message.split('\n')[0]}`, {
            cause: error,
          });
        }
      }
    },
    stop: async () => anvil?.stop(),
  };
}

/** `metadataBase`: where the dev chain's demo token metadata is served (this server's public URL). */
export async function startChains(
  config: ChainsConfig,
  metadataBase: string,
  logger: Logger,
): Promise<ChainRuntime> {
  if (config.chains) return runtime(config.gateways, config.chains, undefined, undefined, undefined);
  if (!config.devChain)
    return runtime(
      config.gateways,
      [],
      'wallets are off on this server: the operator set DEV_CHAIN=off and no NFT_CHAINS',
      undefined,
      undefined,
    );
  let anvil: RunningAnvil | undefined;
  try {
    anvil = await startAnvil({
      stateFile: path.join(config.devChainDir, 'state.json'),
      blockTimeSeconds: config.devBlockSeconds,
      port: config.devPort,
    });
    const demo = await ensureDemoCollection(
      anvil.rpcUrl,
      path.join(config.devChainDir, 'demo-collection.json'),
      metadataBase,
    );
    logger.info(
      {
        rpcUrl: anvil.rpcUrl,
        collectibles: demo.collectibles,
        items: demo.items,
        deployedNow: demo.deployedNow,
      },
      'dev chain (anvil) running with the demo collections',
    );
    const chain: ChainConfig = {
      id: DEV_CHAIN_ID,
      name: 'Dev chain (anvil)',
      rpcUrls: [anvil.rpcUrl],
      confirmations: 2,
      logRange: 2_000,
      timeoutMs: 5_000,
      contractKinds: {},
      collections: [
        { address: demo.collectibles, fromBlock: 0 },
        { address: demo.items, fromBlock: 0 },
      ],
      dev: true,
    };
    return runtime(config.gateways, [chain], undefined, { rpcUrl: anvil.rpcUrl, demo }, anvil);
  } catch (error) {
    await anvil?.stop();
    const reason = `wallets are off: the dev chain did not start (${(error as Error).message}); fix that (if port ${config.devPort} is taken, set DEV_CHAIN_PORT, 0 picks a free one), or set NFT_CHAINS`;
    logger.error(reason);
    return runtime(config.gateways, [], reason, undefined, undefined);
  }
}
