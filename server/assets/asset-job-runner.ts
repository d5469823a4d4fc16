/**
 * Runs asset jobs its dispatch hands it (claimed from the table, or from BullMQ): optimizes each in a worker
 * thread, puts every output blob in the store, then records the asset and the job's success in one
 * transaction — so a crash at any point leaves no asset visible, and the job (its upload kept under
 * DATA_DIR) runs again.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import {
  AssetPipelineFault,
  AssetRejectedError,
  openChromiumRenderer,
  processInWorker,
  sha256Hex,
  type AssetFiles,
  type AssetStore,
  type GltfRenderer,
  type RendererUnavailable,
  type RenderedScene,
  type Budget,
  type ProfileName,
} from '../../asset-pipeline/index.js';
import type { AssetJobDispatch, RunOutcome } from './asset-job-dispatch.js';
import type { AssetJob, AssetJobsRepository, StoredFile } from './asset-jobs-repository.js';

/** A job whose process died this many times is failed instead of run again (it may be what kills it). */
const MAX_ATTEMPTS = 3;
/** Progress is written at most this often (and on every stage change), in milliseconds. */
const PROGRESS_WRITE_MS = 500;
/** A running job is touched this often so other processes do not take it as abandoned, in milliseconds. */
const HEARTBEAT_MS = 15_000;

export interface AssetJobRunnerOptions {
  uploadsDir: string;
  budgets: Record<ProfileName, Budget>;
  /** Jobs this process runs at once (each in its own worker thread). */
  concurrency: number;
  /** Thumbnails: Debian's Chromium and the built renderer page (dist/client/render.html). */
  chromiumPath: string;
  renderPageDir: string;
}

/** Chromium is closed after this long without a render, in milliseconds. */
export const RENDERER_IDLE_MS = 30_000;
/** Thumbnail side, in pixels. */
const THUMBNAIL_PX = 256;

export class AssetJobRunner {
  private active = new Map<string, AbortController>();
  private renderer: Promise<GltfRenderer | RendererUnavailable> | undefined;
  /** Renders running now, and the timer that closes Chromium when none has run for a while. */
  private rendering = 0;
  private idleClose: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: AssetJobsRepository,
    private readonly dispatch: AssetJobDispatch,
    private readonly store: AssetStore,
    private readonly options: AssetJobRunnerOptions,
    private readonly logger: Logger,
  ) {}

  inputPath(jobId: string): string {
    return path.join(this.options.uploadsDir, jobId);
  }

  async start(): Promise<void> {
    await mkdir(this.options.uploadsDir, { recursive: true });
    await this.dispatch.start((job) => this.run(job), this.options.concurrency);
    this.logger.info({ queue: this.dispatch.description }, 'asset jobs: taking jobs');
  }

  /** A job just became queued (new upload or retry). */
  enqueue(jobId: string): Promise<void> {
    return this.dispatch.enqueue(jobId);
  }

  /** Stops taking jobs; jobs still running go back to the queue for the next start (or another process). */
  async stop(): Promise<void> {
    for (const controller of this.active.values()) controller.abort(new Error('the server is shutting down'));
    await this.dispatch.stop();
    clearTimeout(this.idleClose);
    await this.closeRenderer();
  }

  /**
   * A whole scene drawn by the shared scene renderer (a world's thumbnail), on the same Chromium page as
   * asset thumbnails; or why it cannot be (no Chromium here, the page not built).
   */
  async renderScene(
    scene: unknown,
    options: { width: number; height: number; timeoutMs: number },
    assets: AssetFiles,
  ): Promise<RenderedScene | { unavailable: string }> {
    return this.withRenderer(async (renderer) =>
      'unavailable' in renderer ? renderer : renderer.renderScene(scene, options, assets),
    );
  }

  /**
   * Runs `use` with the Chromium page; once no render has run for RENDERER_IDLE_MS, Chromium is closed
   * (its processes hold ~450 MB) and launched again on the next render (about a second).
   */
  private async withRenderer<T>(
    use: (renderer: GltfRenderer | RendererUnavailable) => Promise<T>,
  ): Promise<T> {
    this.rendering++;
    clearTimeout(this.idleClose);
    try {
      return await use(await this.openRenderer());
    } finally {
      if (--this.rendering === 0) {
        this.idleClose = setTimeout(() => void this.closeRenderer(), RENDERER_IDLE_MS);
        this.idleClose.unref();
      }
    }
  }

  private async closeRenderer(): Promise<void> {
    const open = this.renderer;
    this.renderer = undefined;
    const renderer = await open?.catch(() => undefined);
    if (renderer && 'close' in renderer)
      await renderer
        .close()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'closing Chromium failed'));
  }

  /** The one Chromium page of this process (launched on first use; launched again after a failed launch). */
  private openRenderer(): Promise<GltfRenderer | RendererUnavailable> {
    this.renderer ??= openChromiumRenderer({
      pageDir: this.options.renderPageDir,
      chromiumPath: this.options.chromiumPath,
    }).catch((error: unknown) => {
      this.renderer = undefined; // try launching again next time
      throw error;
    });
    return this.renderer;
  }

  /** A 256² PNG of the asset, or why there is none (no Chromium here, or the render failed). */
  private async thumbnail(glb: Uint8Array): Promise<{ png: Uint8Array } | { skipped: string }> {
    try {
      return await this.withRenderer(async (renderer) =>
        'unavailable' in renderer
          ? { skipped: renderer.unavailable }
          : { png: (await renderer.render(glb, { size: THUMBNAIL_PX })).png },
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'asset thumbnail not rendered');
      return { skipped: "rendering failed (the server's log says why); the asset is usable without it" };
    }
  }

  private async run(job: AssetJob): Promise<RunOutcome> {
    if (job.attempts > MAX_ATTEMPTS) {
      await this.jobs.finish(job.id, 'failed', {
        error: `its process stopped ${job.attempts - 1} times while running it (out of memory?); check the server's logs, then retry with POST /assets/jobs/${job.id}/retry`,
      });
      return 'finished';
    }
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
          error: `the uploaded file is not in ${this.options.uploadsDir} on this server; upload it again (with several servers, DATA_DIR/uploads must be a shared volume)`,
        });
        return 'finished';
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
      const files: StoredFile[] = [];
      const put = async (bytes: Uint8Array, mediaType: string, hash = sha256Hex(bytes)) => {
        await this.store.put(hash, bytes);
        files.push({ hash, mediaType, bytes: bytes.length });
        return hash;
      };
      if ('kind' in result) {
        // An environment: its EXR and the preview the pipeline drew (no Chromium needed).
        await put(result.file, result.mediaType, result.report.hash);
        await put(result.thumbnail, 'image/png');
        await this.jobs.succeed(job.id, job.accountId, files, result.report);
        await rm(this.inputPath(job.id), { force: true });
        log.info(
          { asset: result.report.hash, bytes: result.file.length, ms: result.report.stageMs },
          'asset ready',
        );
        return 'finished';
      }
      await put(result.glb, 'model/gltf-binary', result.report.hash);
      for (const lod of result.lods) await put(lod.glb, 'model/gltf-binary');
      const thumbnail = await this.thumbnail(result.glb);
      if ('png' in thumbnail) {
        result.report.thumbnail = { hash: await put(thumbnail.png, 'image/png') };
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
      if (controller.signal.aborted) return 'stopped'; // the dispatch puts it back in the queue
      if (error instanceof AssetRejectedError) {
        await this.jobs.finish(job.id, 'rejected', { problems: error.problems });
        await rm(this.inputPath(job.id), { force: true });
        if (error instanceof AssetPipelineFault)
          log.error({ stage: error.stage, detail: error.detail }, 'asset pipeline fault (a bug: report it)');
        else log.info({ problems: error.problems.length }, 'asset rejected');
      } else {
        // Not the model's fault and maybe passing (a worker killed, a disk full): the raw error goes to the
        // log; the job says what to do.
        await this.jobs.finish(job.id, 'failed', {
          error: `the server could not finish processing this upload (the server's log says why); retry with POST /assets/jobs/${job.id}/retry`,
        });
        log.error({ err: error }, 'asset job failed');
      }
    } finally {
      clearInterval(heartbeat);
      this.active.delete(job.id);
    }
    return 'finished';
  }
}
