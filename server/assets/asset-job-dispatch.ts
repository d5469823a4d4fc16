/**
 * How queued asset jobs reach a runner. The jobs table is always the record (status, progress, result);
 * a dispatch only decides which process runs which job:
 * - `DatabaseJobDispatch` (default): each process claims from the table with `for update skip locked`.
 * - `BullmqJobDispatch` (when REDIS_URL is set): a BullMQ queue on Redis hands jobs to workers, with its
 *   locks and stalled-job recovery; the table still says what happened.
 */
import type { AssetJob } from './asset-jobs-repository.js';

/** What a run reports back: finished (whatever the outcome, recorded in the table) or stopped midway. */
export type RunOutcome = 'finished' | 'stopped';

/** Runs one claimed job (status already `running`). */
export type RunJob = (job: AssetJob) => Promise<RunOutcome>;

export interface AssetJobDispatch {
  /** Starts handing claimed jobs to `run`, at most `concurrency` at once. */
  start(run: RunJob, concurrency: number): Promise<void>;
  /** A job just became `queued` (new upload or retry): make it available to some runner. */
  enqueue(jobId: string): Promise<void>;
  /** Stops taking jobs. The runner aborts running jobs first; each stopped job goes back to the queue. */
  stop(): Promise<void>;
  /** For logs, e.g. `BullMQ on redis://…`. */
  readonly description: string;
}
