/**
 * Asset jobs dispatched through BullMQ on the real Redis, with the jobs table in the real PostgreSQL: two
 * dispatches (two processes' worth) share the queue. Every job runs once, a stopping process hands its
 * running job to the other at once, and table jobs BullMQ never saw are swept into the queue.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pino from 'pino';
import { AssetJobsRepository, BullmqJobDispatch, type AssetJobDispatch } from '../../server/assets/index.js';
import { Redis } from 'ioredis';
import { pmndrsModels } from '../../bench/assets/sample-models.js';
import { migrateToLatest, openDatabase, type OpenDatabase, type RunningServer } from '../../server/index.js';
import { registerAccount } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { createPostgresSchema, createRedisDatabase, type PostgresSchema } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';

let schema: PostgresSchema;
let database: OpenDatabase;
let jobs: AssetJobsRepository;
let redisUrl: string;
let accountId: string;
const dispatches: AssetJobDispatch[] = [];
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  schema = await createPostgresSchema();
  redisUrl = await createRedisDatabase();
  database = await openDatabase({ dataDir: '/nonexistent', databaseUrl: schema.url });
  await migrateToLatest(database.db);
  jobs = new AssetJobsRepository(database.db);
  const { rows } = await sql<{ id: string }>`
    insert into accounts (kind, display_name) values ('guest', 'Uploader') returning id`.execute(database.db);
  accountId = rows[0]!.id;
});

afterEach(async () => {
  for (const dispatch of dispatches.splice(0)) await dispatch.stop();
  await sql`delete from asset_jobs`.execute(database.db);
});

afterAll(async () => {
  await database?.close();
  await schema?.drop();
});

function dispatch(): BullmqJobDispatch {
  const created = new BullmqJobDispatch(jobs, { redisUrl, prefix: 'mib-test' }, logger);
  dispatches.push(created);
  return created;
}

async function queued(): Promise<string> {
  const id = randomUUID();
  await jobs.create({ id, accountId, profile: 'prop', options: {}, inputBytes: 1, inputName: 'x.glb' });
  return id;
}

describe('asset jobs through BullMQ', () => {
  it('runs every job once when two processes take jobs from the same queue', async () => {
    const ran: Array<{ process: string; id: string; attempts: number }> = [];
    const [first, second] = [dispatch(), dispatch()];
    for (const [name, each] of [
      ['a', first],
      ['b', second],
    ] as const) {
      await each.start(async (job) => {
        ran.push({ process: name, id: job.id, attempts: job.attempts });
        await new Promise((resolve) => setTimeout(resolve, 30));
        await jobs.finish(job.id, 'failed', { error: 'done in the test' });
        return 'finished';
      }, 2);
    }
    const ids: string[] = [];
    for (let index = 0; index < 12; index += 1) {
      const id = await queued();
      ids.push(id);
      await first.enqueue(id);
      await second.enqueue(id); // the same job offered twice is still one BullMQ job
    }
    await waitFor(
      () => ran.length,
      (count) => count >= ids.length,
      { what: 'every job to run' },
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // a duplicate run would show up by now
    expect(ran.map((run) => run.id).sort()).toEqual([...ids].sort());
    expect(ran.every((run) => run.attempts === 1)).toBe(true);
    expect(new Set(ran.map((run) => run.process))).toEqual(new Set(['a', 'b']));
  });

  it('hands a running job to the other process as soon as its own process stops', async () => {
    const stopping = dispatch();
    const runs: Array<{ process: string; attempts: number }> = [];
    let releaseFirst: (() => void) | undefined;
    await stopping.start(async (job) => {
      runs.push({ process: 'stopping', attempts: job.attempts });
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      return 'stopped';
    }, 1);
    const id = await queued();
    await stopping.enqueue(id);
    await waitFor(
      () => jobs.job(id),
      (job) => job?.status === 'running',
      { what: 'the first process to take the job' },
    );

    const other = dispatch();
    await other.start(async (job) => {
      runs.push({ process: 'other', attempts: job.attempts });
      await jobs.finish(job.id, 'failed', { error: 'done in the test' });
      return 'finished';
    }, 1);
    const stopped = stopping.stop(); // what AssetJobRunner.stop does after aborting its runs
    releaseFirst!();
    await stopped;
    // Well inside BullMQ's 30 s lock: the job was handed back, not recovered as stalled.
    const finished = await waitFor(
      () => jobs.job(id),
      (job) => job?.status === 'failed',
      { what: 'the other process to run the job', timeoutMs: 10_000 },
    );
    expect(runs).toEqual([
      { process: 'stopping', attempts: 1 },
      { process: 'other', attempts: 2 },
    ]);
    expect(finished?.error).toBe('done in the test');
  });

  it('sweeps jobs queued in the table before Redis was configured into the queue at start', async () => {
    const waiting = [await queued(), await queued()];
    const ran: string[] = [];
    await dispatch().start(async (job) => {
      ran.push(job.id);
      await jobs.finish(job.id, 'failed', { error: 'done in the test' });
      return 'finished';
    }, 1);
    await waitFor(
      () => ran.length,
      (count) => count === 2,
      { what: 'the swept jobs to run' },
    );
    expect(ran.sort()).toEqual([...waiting].sort());
  });

  it('does not run a job that finished after it was queued', async () => {
    const id = await queued();
    await jobs.finish(id, 'rejected', { problems: [] });
    const ran: string[] = [];
    const only = dispatch();
    await only.start((job) => {
      ran.push(job.id);
      return Promise.resolve('finished');
    }, 1);
    await only.enqueue(id);
    const queue = new Queue('asset-jobs', { connection: { url: redisUrl }, prefix: 'mib-test' });
    try {
      await waitFor(
        () => queue.getJobCounts('waiting', 'active', 'completed'),
        (counts) => counts.waiting === 0 && counts.active === 0,
        { what: 'the queue to drain' },
      );
    } finally {
      await queue.close();
    }
    expect(ran).toEqual([]);
    expect((await jobs.job(id))?.status).toBe('rejected');
  });
});

describe('the server with REDIS_URL', () => {
  let server: RunningServer | undefined;
  afterAll(async () => server?.close());

  it('queues uploads in BullMQ and runs them to an asset', async () => {
    server = await startInProcessServer({
      DATABASE_URL: schema.url,
      REDIS_URL: redisUrl,
      PUBLIC_URL: 'http://127.0.0.1:1',
    });
    const creator = await registerAccount(server.url);
    const glb = (await pmndrsModels())[1]!.glb;
    const created = await fetch(`${server.url}/assets?profile=prop&lods=false`, {
      method: 'POST',
      headers: { authorization: `Bearer ${creator.token}`, 'content-type': 'model/gltf-binary' },
      body: Buffer.from(glb),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const job = await waitFor(
      () => jobs.job(id),
      (row) => row?.status !== 'queued' && row?.status !== 'running',
      { what: 'the upload job to finish', timeoutMs: 60_000 },
    );
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1 });
    // It went through the server's BullMQ queue (prefix "mib"), which removes finished jobs.
    const redis = new Redis(redisUrl);
    try {
      expect(await redis.exists('mib:asset-jobs:meta')).toBe(1);
      // The job row is marked done inside the processor, a moment before BullMQ records the
      // completion and removes the job, so its removal is awaited rather than read once.
      await waitFor(
        () => redis.exists(`mib:asset-jobs:${id}`),
        (exists) => exists === 0,
        { what: 'BullMQ to remove the finished job', timeoutMs: 10_000 },
      );
    } finally {
      redis.disconnect();
    }
  }, 90_000);
});
