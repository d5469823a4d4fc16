/** The asset routes' logic: who may upload, queuing uploads as jobs, reading jobs and assets, serving files. */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { AssetStore } from '../../asset-pipeline/index.js';
import { Problem, type Principal } from '../control-plane/index.js';
import type { AssetJob, AssetJobsRepository } from './asset-jobs-repository.js';
import type { AssetJobRunner } from './asset-job-runner.js';
import type { uploadQuery } from './asset-schemas.js';
import { receiveUpload } from './receive-upload.js';

export const UPLOAD_MEDIA_TYPES = [
  'model/gltf-binary',
  'model/gltf+json',
  'application/zip',
  'application/x-zip-compressed',
  // HDR environments (profile environment): OpenEXR and Radiance.
  'image/x-exr',
  'image/aces',
  'image/vnd.radiance',
  'application/octet-stream',
];

/** A year: files are named by their content, so they never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export class AssetsService {
  constructor(
    private readonly jobs: AssetJobsRepository,
    private readonly runner: AssetJobRunner,
    private readonly store: AssetStore,
    private readonly maxUploadBytes: number,
  ) {}

  /** Registered accounts upload (an asset belongs to who made it); guests and keys cannot. */
  uploaderOf(caller: Principal): string {
    if (caller.kind === 'anonymous') throw Problem.unauthenticated('sign in to upload assets');
    if (caller.kind === 'key')
      throw Problem.forbidden('API keys cannot upload assets yet; upload signed in as a registered account');
    if (caller.accountKind !== 'registered')
      throw Problem.forbidden('guests cannot upload assets; register an account first');
    return caller.accountId;
  }

  async upload(
    accountId: string,
    query: z.output<typeof uploadQuery>,
    id: string,
    req: Request,
    res: Response,
  ): Promise<AssetJob> {
    const bytes = await receiveUpload(req, res, this.runner.inputPath(id), this.maxUploadBytes);
    const job = await this.jobs.create({
      id,
      accountId,
      profile: query.profile,
      options: {
        ktx2: query.ktx2,
        geometry: query.draco ? 'draco' : 'meshopt',
        fit: query.fit,
        ...(query.lods ? {} : { lodRatios: [] }),
      },
      inputBytes: bytes,
      inputName: query.name ?? 'upload',
    });
    await this.runner.enqueue(id);
    return job;
  }

  /**
   * Queues a model the server fetched itself (a token's animation_url GLB) as `accountId`'s upload: a prop,
   * fitted to its budget rather than refused for being over it. Returns the job's id.
   */
  async submitModel(accountId: string, glb: Uint8Array, name: string): Promise<string> {
    const id = randomUUID();
    await writeFile(this.runner.inputPath(id), glb);
    await this.jobs.create({
      id,
      accountId,
      profile: 'prop',
      options: { fit: true },
      inputBytes: glb.length,
      inputName: name.slice(0, 200),
    });
    await this.runner.enqueue(id);
    return id;
  }

  /** Where a job ended: its asset when it succeeded, its first problem when not, nothing while it runs. */
  async jobOutcome(id: string): Promise<{ asset: string } | { problem: string } | undefined> {
    const job = await this.jobs.job(id);
    if (!job) return { problem: 'its model job is gone' };
    if (job.status === 'succeeded' && job.assetHash) return { asset: job.assetHash };
    if (job.status === 'rejected' || job.status === 'failed')
      return { problem: job.problems?.[0]?.message ?? job.error ?? `its model job ${job.status}` };
    return undefined;
  }

  async job(caller: Principal, id: string): Promise<AssetJob> {
    const job = await this.jobs.job(id);
    const mine = caller.kind === 'account' && (caller.accountId === job?.accountId || caller.isOperator);
    if (caller.kind === 'anonymous') throw Problem.unauthenticated('sign in to see your upload jobs');
    // Someone else's job is as good as absent: job ids are not to be probed.
    if (!job || !mine)
      throw Problem.notFound(`no upload job ${id} of yours; jobs are listed by POST /assets answers`);
    return job;
  }

  async retry(caller: Principal, id: string): Promise<AssetJob> {
    const job = await this.job(caller, id);
    if (!(await this.jobs.retry(id))) {
      throw Problem.conflict(
        job.status === 'rejected'
          ? 'this upload was rejected (see problems); fix the model and upload it again'
          : `only failed jobs can be retried; this one is ${job.status}`,
      );
    }
    await this.runner.enqueue(id);
    return (await this.jobs.job(id)) as AssetJob;
  }

  async asset(hash: string) {
    const asset = await this.jobs.asset(hash);
    if (!asset) throw Problem.notFound(`no asset ${hash}; upload a model with POST /assets`);
    return {
      hash: asset.hash,
      profile: asset.profile,
      createdAt: asset.createdAt,
      url: `/assets/files/${asset.hash}`,
      thumbnailUrl: 'hash' in asset.report.thumbnail ? `/assets/files/${asset.report.thumbnail.hash}` : null,
      lods: asset.report.lods.map((lod) => ({
        level: lod.level,
        triangles: lod.triangles,
        bytes: lod.bytes,
        url: `/assets/files/${lod.hash}`,
      })),
      report: asset.report as unknown as Record<string, unknown>,
    };
  }

  async sendFile(hash: string, req: Request, res: Response): Promise<void> {
    const file = await this.jobs.file(hash);
    if (!file) throw Problem.notFound(`no file ${hash}`);
    const etag = `"${hash}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', IMMUTABLE);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', file.mediaType);
    res.setHeader('Access-Control-Allow-Origin', '*');
    const ifNoneMatch = req.headers['if-none-match'];
    if (
      ifNoneMatch &&
      ifNoneMatch
        .split(',')
        .some((tag) => tag.trim() === etag || tag.trim() === `W/${etag}` || tag.trim() === '*')
    ) {
      res.status(304).end();
      return;
    }
    const ranges = req.headers.range ? req.range(file.bytes) : undefined;
    if (ranges === -1) {
      res.setHeader('Content-Range', `bytes */${file.bytes}`);
      throw new Problem(
        416,
        'bad-request',
        `the range "${req.headers.range}" is outside the file (${file.bytes} bytes)`,
      );
    }
    // One range is served as 206; several (rare for models) get the whole file, which HTTP allows.
    const range =
      Array.isArray(ranges) && ranges.length === 1 && ranges.type === 'bytes' ? ranges[0] : undefined;
    const stream = await this.store.read(hash, range);
    if (!stream)
      throw Problem.unavailable(
        `file ${hash} is recorded but missing from the asset store (${this.store.description}); restore the store from backup`,
      );
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.bytes}`);
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.status(200);
      res.setHeader('Content-Length', String(file.bytes));
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }
}
