/**
 * Dispatch through BullMQ on Redis (used when REDIS_URL is set). Each queued job id is a BullMQ job whose
 * id is the asset job's id, so adding it twice is a no-op. BullMQ's locks give a job to one worker at a
 * time and move a job whose process died back to waiting; the jobs table still records everything, and a
 * periodic sweep re-adds table jobs that have no live BullMQ job (queued before Redis was configured, or
 * dropped after stalling repeatedly).
 */
import { Queue, WaitingError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { AssetJobDispatch, RunJob } from './asset-job-dispatch.js';
import { JOB_LEASE_SECONDS, type AssetJobsRepository } from './asset-jobs-repository.js';

/** The BullMQ queue's name (keys are `<prefix>:asset-jobs:…`). */
export const ASSET_QUEUE_NAME = 'asset-jobs';
/** How often the table is swept for jobs without a BullMQ job, in milliseconds. */
const SWEEP_MS = 15_000;

export interface BullmqDispatchOptions {
  redisUrl: string;
  /** Redis key prefix, so several deployments (or test runs) can share one Redis. */
  prefix: string;
}

interface QueuedData {
  jobId: string;
}

export class BullmqJobDispatch implements AssetJobDispatch {
  readonly description: string;
  private readonly queue: Queue<QueuedData>;
  private worker: Worker<QueuedData> | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: AssetJobsRepository,
    private readonly options: BullmqDispatchOptions,
    private readonly logger: Logger,
  ) {
    this.description = `BullMQ queue "${options.prefix}:${ASSET_QUEUE_NAME}" on Redis`;
    this.queue = new Queue<QueuedData>(ASSET_QUEUE_NAME, {
      connection: { url: options.redisUrl },
      prefix: options.prefix,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
    });
    this.queue.on('error', (error) => this.logger.warn({ err: error }, 'asset queue: Redis error'));
  }

  async start(run: RunJob, concurrency: number): Promise<void> {
    this.worker = new Worker<QueuedData>(ASSET_QUEUE_NAME, (job, token) => this.process(run, job, token), {
      connection: { url: this.options.redisUrl },
      prefix: this.options.prefix,
      concurrency,
    });
    this.worker.on('error', (error) => this.logger.warn({ err: error }, 'asset queue worker: Redis error'));
    this.worker.on('failed', (job, error) => {
      if (job)
        this.logger.warn({ err: error, assetJob: job.data.jobId }, 'asset queue: BullMQ gave up on a job');
    });
    await this.worker.waitUntilReady();
    await this.sweep();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  async enqueue(jobId: string): Promise<void> {
    await this.queue.add('optimize', { jobId }, { jobId });
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    await this.worker?.close();
    await this.queue.close();
  }

  private async process(run: RunJob, queued: Job<QueuedData>, token: string | undefined): Promise<void> {
    const job = await this.jobs.claim(queued.data.jobId);
    if (!job) return; // finished, rejected or removed since it was queued
    if ((await run(job)) === 'stopped') {
      // This process is stopping: hand the job back now instead of waiting for its lock to run out.
      await this.jobs.requeue(job.id);
      await queued.moveToWait(token);
      throw new WaitingError();
    }
  }

  /** Re-adds queued jobs, and running jobs whose process stopped touching them, that BullMQ does not hold. */
  private async sweep(): Promise<void> {
    try {
      for (const id of await this.jobs.unfinished(JOB_LEASE_SECONDS)) {
        const existing = await this.queue.getJob(id);
        if (!existing) await this.enqueue(id);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'asset queue: sweep of the jobs table failed');
    }
  }
}
