/**
 * One transfer indexer per chain, stepping about once a second (the sink applies what it finds), retried
 * after a failure — an RPC outage only delays revocations, and the cursor makes sure none is skipped.
 */
import type { Logger } from 'pino';
import { TransferIndexer, runIndexer, type IndexerLoop, type TransferSink } from '../../nft-bridge/index.js';
import type { ChainRuntime } from '../wallets/index.js';

export interface IndexerTiming {
  /** Between steps when caught up, in ms. */
  intervalMs: number;
  /** After a failed step, in ms. */
  retryMs: number;
}

export function startTransferIndexers(
  chains: ChainRuntime,
  sink: TransferSink,
  timing: IndexerTiming,
  logger: Logger,
): { stop(): Promise<void> } {
  const loops: IndexerLoop[] = chains.chains.map((chain) => {
    const log = logger.child({ chainId: chain.id });
    const indexer = new TransferIndexer(chain, chains.clients.get(chain.id)!, sink);
    return runIndexer(indexer, {
      ...timing,
      onStep: (result) => {
        if (result.transfers > 0 || result.rewound) log.info({ ...result }, 'transfers indexed');
      },
      onError: (error) =>
        log.warn({ err: error, retryMs: timing.retryMs }, 'transfer indexing failed; retrying'),
    });
  });
  return { stop: async () => void (await Promise.all(loops.map((loop) => loop.stop()))) };
}
