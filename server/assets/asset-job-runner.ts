/**
 * Runs queued asset jobs: claims one from the database, optimizes it in a worker thread, puts every output
 * blob in the store, then records the asset and the job's success in one transaction — so a crash at any
 * point leaves no asset visible, and the job (its upload kept under DATA_DIR) runs again.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import {
  AssetRejectedError,
  openChromiumRenderer,
  processInWorker,
  sha256Hex,
  type AssetStore,
  type Budget,
  type ProfileName,
} from '../../asset-pipeline/index.js';
import type { AssetJob, AssetJobsRepository, StoredFile } from './asset-jobs-repository.js';

/** How often an idle runner looks for jobs other processes queued, in milliseconds. */
const POLL_MS = 2_000;
/** Progress is written at most this often (and on every stage change), in milliseconds. */
const PROGRESS_WRITE_MS = 500;
/** A running job is touched this often so other processes do not take it as abandoned, in milliseconds. */
const HEARTBEAT_MS = 15_000;

export interface AssetJobRunnerOptions {
  uploadsDir: string;
  budgets: Record<ProfileName, Budget>;
  /** Jobs this process runs at once (each in its own worker thread). */
  concurrency: number;
  /** No other process shares the database (no Redis): running jobs found at start are abandoned. */
  singleProcess: boolean;
  /** Thumbnails: Debian's Chromium and the built renderer page (dist/client/render.html). */
  chromiumPath: string;
  renderPageDir: string;
}

/** Thumbnail side, in pixels. */
const THUMBNAIL_PX = 256;

export class AssetJobRunner {
  private active = new Map<string, AbortController>();
  private poller: NodeJS.Timeout | undefined;
  private claiming = false;
  private stopped = false;
  private renderer: ReturnType<typeof openChromiumRenderer> | undefined;

  constructor(
    private readonly jobs: AssetJobsRepository,
    private readonly store: AssetStore,
    private readonly options: AssetJobRunnerOptions,
    private readonly logger: Logger,
  ) {}

  inputPath(jobId: string): string {
    return path.join(this.options.uploadsDir, jobId);
  }

  async start(): Promise<void> {
    await mkdir(this.options.uploadsDir, { recursive: true });
    const requeued = await this.jobs.requeueAbandoned(this.options.singleProcess ? 0 : undefined);
    if (requeued > 0) this.logger.warn({ requeued }, 'asset jobs interrupted by a stopped process run again');
    this.poller = setInterval(() => {
      void this.jobs.requeueAbandoned().then(() => this.kick());
    }, POLL_MS);
    this.poller.unref();
    this.kick();
  }

  /** Looks for work now (called after an upload is queued). */
  kick(): void {
    if (this.stopped || this.claiming || this.active.size >= this.options.concurrency) return;
    this.claiming = true;
    void this.jobs
      .claimNext()
      .then((job) => {
        this.claiming = false;
        if (!job) return;
        void this.run(job);
        this.kick();
      })
      .catch((error: unknown) => {
        this.claiming = false;
        this.logger.error({ err: error }, 'asset jobs: could not claim a job');
      });
  }

  /** Stops taking jobs; jobs still running go back to the queue for the next start (or another process). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    const renderer = await this.renderer?.catch(() => undefined);
    if (renderer && 'close' in renderer) await renderer.close();
    const running = [...this.active.keys()];
    for (const controller of this.active.values()) controller.abort(new Error('the server is shutting down'));
    for (const id of running) await this.jobs.retry(id).catch(() => undefined);
  }

  /** A 256² PNG of the asset, or why there is none (no Chromium here, or the render failed). */
  private async thumbnail(glb: Uint8Array): Promise<{ png: Uint8Array } | { skipped: string }> {
    this.renderer ??= openChromiumRenderer({
      pageDir: this.options.renderPageDir,
      chromiumPath: this.options.chromiumPath,
    });
    try {
      const renderer = await this.renderer;
      if ('unavailable' in renderer) return { skipped: renderer.unavailable };
      return { png: (await renderer.render(glb, { size: THUMBNAIL_PX })).png };
    } catch (error) {
      this.logger.warn({ err: error }, 'asset thumbnail not rendered');
      if (
        !(await this.renderer.then(
          () => true,
          () => false,
        ))
      )
        this.renderer = undefined; // try launching again next time
      return { skipped: `rendering failed: ${(error as Error).message}` };
    }
  }

  private async run(job: AssetJob): Promise<void> {
    const controller = new AbortController();
    this.active.set(job.id, controller);
    const log = this.logger.child({ assetJob: job.id, profile: job.profile });
    let lastStage = '';
    let lastWrite = 0;
    const heartbeat = setInterval(() => {
      this.jobs.touch(job.id).catch((error: unknown) => log.warn({ err: error }, 'heartbeat not saved'));
    }, HEARTBEAT_MS);
    try {
      let upload: Uint8Array;
      try {
        upload = new Uint8Array(await readFile(this.inputPath(job.id)));
      } catch {
        await this.jobs.finish(job.id, 'failed', {
          error: 'the uploaded file is no longer on this server; upload it again',
        });
        return;
      }
      const result = await processInWorker(
        upload,
        {
          ...job.options,
          profile: job.profile,
          budget: this.options.budgets[job.profile],
        },
        ({ stage, percent }) => {
          const now = Date.now();
          if (stage === lastStage && now - lastWrite < PROGRESS_WRITE_MS) return;
          lastStage = stage;
          lastWrite = now;
          void this.jobs
            .progress(job.id, stage, percent)
            .catch((error: unknown) => log.warn({ err: error }, 'progress not saved'));
        },
        controller.signal,
      );
      const files: StoredFile[] = [
        { hash: result.report.hash, mediaType: 'model/gltf-binary', bytes: result.glb.length },
      ];
      await this.store.put(result.report.hash, result.glb);
      for (const lod of result.lods) {
        const hash = sha256Hex(lod.glb);
        await this.store.put(hash, lod.glb);
        files.push({ hash, mediaType: 'model/gltf-binary', bytes: lod.glb.length });
      }
      const thumbnail = await this.thumbnail(result.glb);
      if ('png' in thumbnail) {
        const hash = sha256Hex(thumbnail.png);
        await this.store.put(hash, thumbnail.png);
        files.push({ hash, mediaType: 'image/png', bytes: thumbnail.png.length });
        result.report.thumbnail = { hash };
      } else {
        result.report.thumbnail = thumbnail;
      }
      await this.jobs.succeed(job.id, job.accountId, files, result.report);
      await rm(this.inputPath(job.id), { force: true });
      log.info(
        { asset: result.report.hash, bytes: result.glb.length, ms: result.report.stageMs },
        'asset ready',
      );
    } catch (error) {
      if (controller.signal.aborted) return; // stop() puts it back in the queue
      if (error instanceof AssetRejectedError) {
        await this.jobs.finish(job.id, 'rejected', { problems: error.problems });
        await rm(this.inputPath(job.id), { force: true });
        log.info({ problems: error.problems.length }, 'asset rejected');
      } else {
        const message = error instanceof Error ? error.message : String(error);
        await this.jobs.finish(job.id, 'failed', {
          error: `${message}; retry with POST /assets/jobs/${job.id}/retry`,
        });
        log.error({ err: error }, 'asset job failed');
      }
    } finally {
      clearInterval(heartbeat);
      this.active.delete(job.id);
      this.kick();
    }
  }
}
