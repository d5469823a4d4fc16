/**
 * Runs an indexer: a step every `intervalMs` (at once again while it is behind), a failed step reported and
 * retried after `retryMs`. stop() waits for the step in flight, so nothing is half-applied at shutdown.
 */
import type { StepResult, TransferIndexer } from './transfer-indexer.js';

export interface IndexerLoopOptions {
  /** Between steps when caught up, in ms (about a block time, or less). */
  intervalMs: number;
  /** After a failed step, in ms. */
  retryMs: number;
  onStep?: (result: StepResult) => void;
  onError: (error: unknown) => void;
}

export interface IndexerLoop {
  stop(): Promise<void>;
}

export function runIndexer(indexer: Pick<TransferIndexer, 'step'>, options: IndexerLoopOptions): IndexerLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick();
    }, delayMs);
    timer.unref();
  };
  const tick = async () => {
    try {
      const result = await indexer.step();
      options.onStep?.(result);
      schedule(result.behind ? 0 : options.intervalMs);
    } catch (error) {
      options.onError(error);
      schedule(options.retryMs);
    }
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
