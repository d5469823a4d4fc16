/**
 * One transfer indexer per chain, stepping about once a second (the sink applies what it finds), retried
 * after a failure — an RPC outage only delays revocations, and the cursor makes sure none is skipped.
 */
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { TransferIndexer, runIndexer, type IndexerLoop, type TransferSink } from '../../nft-bridge/index.js';
import type { ChainRuntime } from '../wallets/index.js';

export interface IndexerTiming {
  /** Between steps when caught up, in ms. */
  intervalMs: number;
  /** After a failed step, in ms. */
  retryMs: number;
}

/**
 * `mib_nft_indexer_lag_blocks{chain}` (the chain's head minus the newest block indexed, confirmations
 * included) and `mib_nft_indexer_last_step_timestamp_seconds{chain}` (when a step last succeeded: an RPC
 * outage shows as this ageing, since no lag can be read then).
 */
function indexerGauges(registry: Registry): { lag: Gauge<'chain'>; lastStep: Gauge<'chain'> } {
  const existing = registry.getSingleMetric('mib_nft_indexer_lag_blocks');
  if (existing)
    return {
      lag: existing as Gauge<'chain'>,
      lastStep: registry.getSingleMetric('mib_nft_indexer_last_step_timestamp_seconds') as Gauge<'chain'>,
    };
  return {
    lag: new Gauge({
      name: 'mib_nft_indexer_lag_blocks',
      help: "Blocks between each chain's head and the newest block the transfer indexer has applied.",
      labelNames: ['chain'] as const,
      registers: [registry],
    }),
    lastStep: new Gauge({
      name: 'mib_nft_indexer_last_step_timestamp_seconds',
      help: "Unix time of the transfer indexer's last successful step, per chain.",
      labelNames: ['chain'] as const,
      registers: [registry],
    }),
  };
}

export function startTransferIndexers(
  chains: ChainRuntime,
  sink: TransferSink,
  timing: IndexerTiming,
  logger: Logger,
  registry?: Registry,
): { stop(): Promise<void> } {
  const gauges = registry ? indexerGauges(registry) : undefined;
  const loops: IndexerLoop[] = chains.chains.map((chain) => {
    const log = logger.child({ chainId: chain.id });
    const indexer = new TransferIndexer(chain, chains.clients.get(chain.id)!, sink);
    const labels = { chain: String(chain.id) };
    return runIndexer(indexer, {
      ...timing,
      onStep: (result) => {
        gauges?.lag.set(labels, Math.max(0, result.headBlock - result.indexedBlock));
        gauges?.lastStep.set(labels, Date.now() / 1000);
        if (result.transfers > 0 || result.rewound) log.info({ ...result }, 'transfers indexed');
      },
      onError: (error) =>
        log.warn({ err: error, retryMs: timing.retryMs }, 'transfer indexing failed; retrying'),
    });
  });
  return { stop: async () => void (await Promise.all(loops.map((loop) => loop.stop()))) };
}
