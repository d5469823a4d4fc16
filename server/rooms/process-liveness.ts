/**
 * Which server processes are alive, as opposed to busy. Colyseus decides a process is dead when one call
 * to it goes unanswered for 2 s (colyseus#968): a process whose event loop is held by a long task, a GC
 * pause or a CPU-starved machine then has its rooms unlisted, and the next visitor of such a world gets a
 * second instance elsewhere — the world splits in two. Measured by bench:reliability's presence harness.
 *
 * Here instead each process beats from a worker thread, which runs while the main thread is busy: a key
 * `mib:alive:<processId>` that expires ALIVE_TTL_MS after the last beat (Redis keeps the time, so clocks
 * across machines do not matter). Every process sweeps every SWEEP_INTERVAL_MS: a process that beat before
 * (listed in `mib:alive-seen`) and whose key has expired is dead, and its rooms and room count are removed.
 * Colyseus' own health checks are turned off once the process is up (room-host.ts); a join that reaches a
 * busy process waits and is retried or refused, and never opens a duplicate.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { matchMaker } from '@colyseus/core';
import type { Logger } from 'pino';
import type { MatchmakingBackend } from './matchmaking-backend.js';

/** How often the worker beats, and how long a beat counts. */
export const ALIVE_BEAT_MS = 1_000;
export const ALIVE_TTL_MS = 4_000;
/** How often each process looks for dead ones. A dead process is unlisted within TTL + this. */
export const SWEEP_INTERVAL_MS = 2_000;

/** How long the sweep receipt waits for a frozen process to wake (Colyseus' own: 600 s). */
const SWEPT_RECEIPT_SECONDS = 600;

const aliveKey = (processId: string): string => `mib:alive:${processId}`;
const SEEN_KEY = 'mib:alive-seen';

/** The worker's code (CommonJS, evaluated: it must run from the TypeScript sources in tests too). */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const loaded = require(workerData.ioredisPath);
const Redis = loaded.Redis || loaded.default || loaded;
const redis = new Redis(workerData.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
redis.on('error', () => {});
const beat = () =>
  redis.multi().set(workerData.key, '1', 'PX', workerData.ttlMs).sadd(workerData.seenKey, workerData.processId).exec()
    .catch(() => {});
redis.on('ready', beat);
const timer = setInterval(beat, workerData.beatMs);
parentPort.on('message', async (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  try {
    await redis.multi().del(workerData.key).srem(workerData.seenKey, workerData.processId).exec();
  } catch {}
  redis.disconnect();
  parentPort.postMessage('stopped');
});
`;

export interface ProcessLiveness {
  /** Stops beating and sweeping; removes this process's beat (a clean exit is not a death). */
  stop(): Promise<void>;
}

/** Starts this process's heartbeat and the sweep of dead processes (Redis presence only). */
export function startProcessLiveness(
  backend: MatchmakingBackend,
  redisUrl: string,
  logger: Logger,
): ProcessLiveness {
  const self = matchMaker.processId;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      ioredisPath: createRequire(import.meta.url).resolve('ioredis'),
      url: redisUrl,
      key: aliveKey(self),
      seenKey: SEEN_KEY,
      processId: self,
      beatMs: ALIVE_BEAT_MS,
      ttlMs: ALIVE_TTL_MS,
    },
  });
  worker.unref();
  worker.on('error', (error) => logger.error({ err: error }, 'process heartbeat worker failed'));

  let sweeping: Promise<void> | undefined;
  const sweep = async (): Promise<void> => {
    const seen = await backend.presence.smembers(SEEN_KEY);
    for (const processId of seen) {
      if (processId === self || (await backend.presence.exists(aliveKey(processId)))) continue;
      const rooms = await backend.driver.query({ processId });
      await matchMaker.stats.excludeProcess(processId);
      await backend.driver.cleanup?.(processId);
      await backend.presence.srem(SEEN_KEY, processId);
      // Colyseus' receipt: a process that was only frozen (SIGSTOP, a paused VM) finds it when it runs
      // again and lists its rooms anew.
      await backend.presence.setex(`swept:${processId}`, '1', SWEPT_RECEIPT_SECONDS);
      logger.warn(
        { processId, rooms: rooms.length },
        'a server process stopped beating: its rooms are unlisted (it died, or lost Redis for good)',
      );
    }
  };
  const timer = setInterval(() => {
    sweeping ??= sweep()
      .catch((error: unknown) => logger.warn({ err: error }, 'looking for dead server processes failed'))
      .finally(() => (sweeping = undefined));
  }, SWEEP_INTERVAL_MS);
  timer.unref();

  return {
    stop: async () => {
      clearInterval(timer);
      await sweeping;
      const stopped = new Promise((resolve) => {
        worker.once('message', resolve);
        worker.once('exit', resolve);
      });
      worker.postMessage('stop');
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      await worker.terminate();
    },
  };
}
