/**
 * Asset jobs and assets in the database. The jobs table is the queue: any process claims the oldest
 * queued job with `for update skip locked`, so one job runs once even with several processes.
 */
import { sql, type Kysely } from 'kysely';
import type { AssetProblem, AssetReport, OptimizeOptions, ProfileName } from '../../asset-pipeline/index.js';
import type { AssetJobStatus, Database } from '../db/tables.js';

export interface AssetJob {
  id: string;
  accountId: string;
  profile: ProfileName;
  options: Partial<OptimizeOptions>;
  status: AssetJobStatus;
  stage: string | null;
  percent: number;
  inputBytes: number;
  inputName: string;
  attempts: number;
  assetHash: string | null;
  problems: AssetProblem[] | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface StoredFile {
  hash: string;
  mediaType: string;
  bytes: number;
}

export interface AssetRow {
  hash: string;
  profile: string;
  report: AssetReport;
  createdAt: string;
}

/** A running job whose process has not touched it for this long is taken as interrupted, in seconds. */
export const JOB_LEASE_SECONDS = 60;

type JobRow = Awaited<ReturnType<AssetJobsRepository['rawJob']>>;

function toJob(row: NonNullable<JobRow>): AssetJob {
  return {
    id: row.id,
    accountId: row.account_id,
    profile: row.profile as ProfileName,
    options: row.options as Partial<OptimizeOptions>,
    status: row.status,
    stage: row.stage,
    percent: row.percent,
    inputBytes: Number(row.input_bytes),
    inputName: row.input_name,
    attempts: row.attempts,
    assetHash: row.asset_hash,
    problems: (row.problems as AssetProblem[] | null) ?? null,
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export class AssetJobsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  rawJob(id: string) {
    return this.db.selectFrom('asset_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Jobs waiting and running, and how long the oldest waiting one has waited (s; 0 when none waits). */
  async queueStats(): Promise<{ queued: number; running: number; oldestQueuedSeconds: number }> {
    const { rows } = await sql<{ queued: string; running: string; oldest: string | null }>`
      select count(*) filter (where status = 'queued')::text as queued,
             count(*) filter (where status = 'running')::text as running,
             extract(epoch from now() - min(created_at) filter (where status = 'queued'))::text as oldest
      from asset_jobs where status in ('queued', 'running')`.execute(this.db);
    const row = rows[0];
    return {
      queued: Number(row?.queued ?? 0),
      running: Number(row?.running ?? 0),
      oldestQueuedSeconds: Math.max(0, Number(row?.oldest ?? 0)),
    };
  }

  async job(id: string): Promise<AssetJob | undefined> {
    const row = await this.rawJob(id);
    return row ? toJob(row) : undefined;
  }

  async create(job: {
    id: string;
    accountId: string;
    profile: ProfileName;
    options: Partial<OptimizeOptions>;
    inputBytes: number;
    inputName: string;
  }): Promise<AssetJob> {
    await this.db
      .insertInto('asset_jobs')
      .values({
        id: job.id,
        account_id: job.accountId,
        profile: job.profile,
        options: JSON.stringify(job.options),
        status: 'queued',
        stage: null,
        input_bytes: job.inputBytes,
        input_name: job.inputName,
        asset_hash: null,
        problems: null,
        error: null,
      })
      .execute();
    return (await this.job(job.id)) as AssetJob;
  }

  /** Takes the oldest queued job for this process (running, attempts + 1), or undefined. */
  async claimNext(): Promise<AssetJob | undefined> {
    const { rows } = await sql<{ id: string }>`
      update asset_jobs set status = 'running', attempts = attempts + 1, percent = 0, stage = null, updated_at = now()
      where id = (
        select id from asset_jobs where status = 'queued' order by created_at limit 1 for update skip locked
      )
      returning id`.execute(this.db);
    const id = rows[0]?.id;
    return id ? this.job(id) : undefined;
  }

  /**
   * Takes a given job (BullMQ dispatch): queued, or running but handed back to us after its process died.
   * Undefined when it has finished meanwhile.
   */
  async claim(id: string): Promise<AssetJob | undefined> {
    const result = await this.db
      .updateTable('asset_jobs')
      .set((eb) => ({
        status: 'running',
        attempts: eb('attempts', '+', 1),
        percent: 0,
        stage: null,
        updated_at: new Date(),
      }))
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? this.job(id) : undefined;
  }

  /** A running job this process stopped goes back in the queue at once. */
  async requeue(id: string): Promise<void> {
    await this.db
      .updateTable('asset_jobs')
      .set({ status: 'queued', stage: null, percent: 0, updated_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  /** Ids of queued jobs and of running jobs nobody has touched for `leaseSeconds`, oldest first. */
  async unfinished(leaseSeconds: number): Promise<string[]> {
    const { rows } = await sql<{ id: string }>`
      select id from asset_jobs
      where status = 'queued'
         or (status = 'running' and updated_at <= now() - make_interval(secs => ${leaseSeconds}))
      order by created_at`.execute(this.db);
    return rows.map((row) => row.id);
  }

  async progress(id: string, stage: string, percent: number): Promise<void> {
    await this.db
      .updateTable('asset_jobs')
      .set({ stage, percent, updated_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  /** Marks a running job as alive (its process is still working on it). */
  async touch(id: string): Promise<void> {
    await this.db
      .updateTable('asset_jobs')
      .set({ updated_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  /** Records the files (already in the store), the asset, and the job's success, all or nothing. */
  async succeed(id: string, accountId: string, files: StoredFile[], report: AssetReport): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await insertAsset(trx, files, report, accountId);
      await trx
        .updateTable('asset_jobs')
        .set({
          status: 'succeeded',
          stage: 'done',
          percent: 100,
          asset_hash: report.hash,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
    });
  }

  /**
   * Records an asset made without a job (the demo world's furniture): its files (already in the store) and
   * the asset, together; `accountId` null when no account made it. Idempotent.
   */
  async recordAsset(files: StoredFile[], report: AssetReport, accountId: string | null): Promise<void> {
    await this.db.transaction().execute((trx) => insertAsset(trx, files, report, accountId));
  }

  async finish(
    id: string,
    status: 'rejected' | 'failed',
    details: { problems?: AssetProblem[]; error?: string },
  ): Promise<void> {
    await this.db
      .updateTable('asset_jobs')
      .set({
        status,
        problems: details.problems ? JSON.stringify(details.problems) : null,
        error: details.error ?? null,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
  }

  /** A failed job goes back in the queue; false when it is not failed (rejected uploads stay rejected). */
  async retry(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('asset_jobs')
      .set({ status: 'queued', stage: null, percent: 0, attempts: 0, error: null, updated_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Running jobs nobody has touched for `leaseSeconds` (their process died) go back in the queue. A lone
   * process starting up passes 0: whatever was running before it started was its own, and is dead.
   */
  async requeueAbandoned(leaseSeconds = JOB_LEASE_SECONDS): Promise<number> {
    const result = await sql`
      update asset_jobs set status = 'queued', stage = null, percent = 0, updated_at = now()
      where status = 'running' and updated_at <= now() - make_interval(secs => ${leaseSeconds})`.execute(
      this.db,
    );
    return Number(result.numAffectedRows ?? 0);
  }

  async asset(hash: string): Promise<AssetRow | undefined> {
    const row = await this.db.selectFrom('assets').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row
      ? {
          hash: row.hash,
          profile: row.profile,
          report: row.report as AssetReport,
          createdAt: new Date(row.created_at).toISOString(),
        }
      : undefined;
  }

  async file(hash: string): Promise<StoredFile | undefined> {
    const row = await this.db
      .selectFrom('asset_files')
      .selectAll()
      .where('hash', '=', hash)
      .executeTakeFirst();
    return row ? { hash: row.hash, mediaType: row.media_type, bytes: Number(row.bytes) } : undefined;
  }
}

async function insertAsset(
  trx: Kysely<Database>,
  files: StoredFile[],
  report: AssetReport,
  accountId: string | null,
): Promise<void> {
  await trx
    .insertInto('asset_files')
    .values(files.map((file) => ({ hash: file.hash, media_type: file.mediaType, bytes: file.bytes })))
    .onConflict((conflict) => conflict.column('hash').doNothing())
    .execute();
  await trx
    .insertInto('assets')
    .values({
      hash: report.hash,
      profile: report.profile,
      report: JSON.stringify(report),
      created_by: accountId,
    })
    .onConflict((conflict) => conflict.column('hash').doNothing())
    .execute();
}
