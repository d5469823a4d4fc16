/**
 * The default dispatch: every process polls the jobs table and claims the oldest queued job with
 * `for update skip locked`, so a job runs once even when several processes share the database.
 */
import type { Logger } from 'pino';
import type { AssetJobDispatch, RunJob } from './asset-job-dispatch.js';
import type { AssetJobsRepository } from './asset-jobs-repository.js';

/** How often an idle process looks for jobs other processes queued, in milliseconds. */
const POLL_MS = 2_000;

export class DatabaseJobDispatch implements AssetJobDispatch {
  readonly description = 'the jobs table (PostgreSQL)';
  private run: RunJob | undefined;
  private concurrency = 1;
  private active = new Set<Promise<void>>();
  private poller: NodeJS.Timeout | undefined;
  private claiming = false;
  private stopped = false;

  /** `singleProcess`: no other process shares the database, so jobs running at start were ours and died. */
  constructor(
    private readonly jobs: AssetJobsRepository,
    private readonly singleProcess: boolean,
    private readonly logger: Logger,
  ) {}

  async start(run: RunJob, concurrency: number): Promise<void> {
    this.run = run;
    this.concurrency = concurrency;
    const requeued = await this.jobs.requeueAbandoned(this.singleProcess ? 0 : undefined);
    if (requeued > 0) this.logger.warn({ requeued }, 'asset jobs interrupted by a stopped process run again');
    this.poller = setInterval(() => {
      void this.jobs.requeueAbandoned().then(
        () => this.claim(),
        (error: unknown) => this.logger.warn({ err: error }, 'asset jobs: abandoned jobs not checked'),
      );
    }, POLL_MS);
    this.poller.unref();
    this.claim();
  }

  enqueue(): Promise<void> {
    this.claim();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    await Promise.all(this.active);
  }

  private claim(): void {
    const run = this.run;
    if (!run || this.stopped || this.claiming || this.active.size >= this.concurrency) return;
    this.claiming = true;
    void this.jobs
      .claimNext()
      .then((job) => {
        this.claiming = false;
        if (!job) return;
        const running = run(job)
          .then(async (outcome) => {
            if (outcome === 'stopped') await this.jobs.requeue(job.id);
          })
          .catch((error: unknown) => this.logger.error({ err: error, assetJob: job.id }, 'asset job crashed'))
          .finally(() => {
            this.active.delete(running);
            this.claim();
          });
        this.active.add(running);
        this.claim();
      })
      .catch((error: unknown) => {
        this.claiming = false;
        this.logger.error({ err: error }, 'asset jobs: could not claim a job');
      });
  }
}
