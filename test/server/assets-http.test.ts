/**
 * Upload → job → asset → download over HTTP on the real server (embedded database): progress as events,
 * rejections with the pipeline's reasons, size caps enforced while streaming, immutable file serving.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { pmndrsModels } from '../../bench/assets/sample-models.js';
import { guestAccount, registerAccount, type SignedIn } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { waitFor } from '../helpers/wait.js';
import type { RunningServer } from '../../server/index.js';

const UPLOAD_CAP = 200_000;
let server: RunningServer;
let creator: SignedIn;
let suzi: Uint8Array;

interface Job {
  id: string;
  status: string;
  stage: string | null;
  percent: number;
  assetHash: string | null;
  problems: { code: string; message: string; pointer?: string }[] | null;
}

beforeAll(async () => {
  server = await startInProcessServer({ ASSET_UPLOAD_MAX_BYTES: String(UPLOAD_CAP) });
  creator = await registerAccount(server.url);
  suzi = (await pmndrsModels())[1]!.glb;
});

afterAll(async () => {
  await server.close();
});

function upload(body: Uint8Array, query = 'profile=prop', token = creator.token, type = 'model/gltf-binary') {
  return fetch(`${server.url}/assets?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: Buffer.from(body),
  });
}

async function finished(id: string): Promise<Job> {
  return waitFor(
    async () =>
      (await (
        await fetch(`${server.url}/assets/jobs/${id}`, {
          headers: { authorization: `Bearer ${creator.token}` },
        })
      ).json()) as Job,
    (job) => ['succeeded', 'rejected', 'failed'].includes(job.status),
    { what: 'the asset job to finish', timeoutMs: 60_000 },
  );
}

describe('asset uploads over HTTP', () => {
  it('turns an upload into a job, streams its progress, and serves the optimized asset', async () => {
    const response = await upload(suzi, 'profile=prop&name=suzi.glb');
    expect(response.status).toBe(202);
    const job = (await response.json()) as Job;
    expect(response.headers.get('location')).toBe(`/assets/jobs/${job.id}`);
    expect(job).toMatchObject({ status: 'queued', percent: 0 });

    const events = await fetch(`${server.url}/assets/jobs/${job.id}/events`, {
      headers: { authorization: `Bearer ${creator.token}` },
    });
    expect(events.headers.get('content-type')).toBe('text/event-stream');
    const stream = await events.text();
    const states = [...stream.matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((match) => ({
      event: match[1],
      job: JSON.parse(match[2]!) as Job,
    }));
    expect(states.at(-1)).toMatchObject({ event: 'done', job: { status: 'succeeded', percent: 100 } });
    const percents = states.map((state) => state.job.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));

    const done = await finished(job.id);
    const asset = (await (await fetch(`${server.url}/assets/${done.assetHash}`)).json()) as {
      hash: string;
      url: string;
      thumbnailUrl: string | null;
      lods: { level: number; url: string; triangles: number }[];
      report: { output: { measures: { triangles: number } }; budget: { ok: boolean }[] };
    };
    expect(asset.hash).toBe(done.assetHash);
    expect(asset.report.budget.every((check) => check.ok)).toBe(true);
    expect(asset.lods.length).toBe(2);
    expect(asset.thumbnailUrl).toMatch(/^\/assets\/files\/[0-9a-f]{64}$/);
    const thumbnail = await fetch(`${server.url}${asset.thumbnailUrl}`);
    expect(thumbnail.headers.get('content-type')).toBe('image/png');
    expect((await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata()).width).toBe(256);

    const file = await fetch(`${server.url}${asset.url}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('model/gltf-binary');
    expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(file.headers.get('etag')).toBe(`"${asset.hash}"`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('glTF');

    const again = await fetch(`${server.url}${asset.url}`, {
      headers: { 'if-none-match': `"${asset.hash}"` },
    });
    expect(again.status).toBe(304);
    const range = await fetch(`${server.url}${asset.url}`, { headers: { range: 'bytes=0-11' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 0-11/${bytes.length}`);
    expect(new Uint8Array(await range.arrayBuffer())).toEqual(bytes.subarray(0, 12));
    const outside = await fetch(`${server.url}${asset.url}`, {
      headers: { range: `bytes=${bytes.length + 10}-` },
    });
    expect(outside.status).toBe(416);
    const lod = await fetch(`${server.url}${asset.lods[0]!.url}`);
    expect(lod.status).toBe(200);

    // The same upload again is the same asset (content-addressed), not a second copy.
    const second = await finished(((await (await upload(suzi)).json()) as Job).id);
    expect(second.assetHash).toBe(done.assetHash);
  }, 90_000);

  it('rejects a bad model as a job with the pipeline reasons', async () => {
    const truncated = suzi.subarray(0, 20_000);
    const job = await finished(((await (await upload(truncated)).json()) as Job).id);
    expect(job.status).toBe('rejected');
    expect(job.problems![0]).toMatchObject({ code: 'GLB_TRUNCATED' });
    const retry = await fetch(`${server.url}/assets/jobs/${job.id}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${creator.token}` },
    });
    expect(retry.status).toBe(409);
    expect(((await retry.json()) as { detail: string }).detail).toMatch(/fix the model and upload it again/);
  });

  it('refuses uploads over the cap by Content-Length, before reading them', async () => {
    const response = await upload(new Uint8Array(UPLOAD_CAP + 1));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { detail: string }).detail).toMatch(
      /over the 0.2 MB limit \(ASSET_UPLOAD_MAX_BYTES = 200000\)/,
    );
  });

  it('refuses a chunked upload over the cap while it is still streaming, and lets the client finish sending', async () => {
    const url = new URL(`${server.url}/assets?profile=prop`);
    const chunk = new Uint8Array(16 * 1024);
    /** Chunks sent after the answer: a browser mid-upload does that before it reads the response. */
    const AFTER_ANSWER = 32;
    const result = await new Promise<{ status: number; sentBeforeAnswer: number; writeErrors: string[] }>(
      (resolve) => {
        let sent = 0;
        let status = 0;
        let sentBeforeAnswer = -1;
        const writeErrors: string[] = [];
        const request = http.request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname + url.search,
            method: 'POST',
            headers: { authorization: `Bearer ${creator.token}`, 'content-type': 'application/zip' },
          },
          (response) => {
            status = response.statusCode ?? 0;
            sentBeforeAnswer = sent;
            response.resume();
          },
        );
        request.on('error', (error) => writeErrors.push(error.message));
        request.on('close', () => resolve({ status, sentBeforeAnswer, writeErrors }));
        // Keep sending (up to 10× the cap) until the server answers, then a little more, then end.
        const pump = () => {
          const done = sentBeforeAnswer >= 0 && sent >= sentBeforeAnswer + AFTER_ANSWER * chunk.length;
          if (done || sent > UPLOAD_CAP * 10 || writeErrors.length > 0) {
            request.end();
            return;
          }
          sent += chunk.length;
          request.write(chunk, () => setTimeout(pump, 2));
        };
        pump();
      },
    );
    // The answer arrived, and the server read and dropped the rest (lingering close): no reset, no broken
    // pipe (together, so a failure shows both).
    expect({ status: result.status, writeErrors: result.writeErrors }).toEqual({
      status: 413,
      writeErrors: [],
    });
    expect(result.sentBeforeAnswer).toBeLessThan(UPLOAD_CAP * 10);
  });

  it('answers bad requests with the fix', async () => {
    expect((await upload(suzi, 'profile=statue')).status).toBe(400);
    expect((await upload(suzi, 'profile=prop', creator.token, 'image/png')).status).toBe(415);
    expect((await upload(new Uint8Array(), 'profile=prop')).status).toBe(400);
    const anonymous = await fetch(`${server.url}/assets?profile=prop`, {
      method: 'POST',
      headers: { 'content-type': 'model/gltf-binary' },
      body: Buffer.from(suzi),
    });
    expect(anonymous.status).toBe(401);
    const guest = await guestAccount(server.url);
    const asGuest = await upload(suzi, 'profile=prop', guest.token);
    expect(asGuest.status).toBe(403);
    expect(((await asGuest.json()) as { detail: string }).detail).toMatch(/register an account/);
    const other = await registerAccount(server.url, 'Other');
    const job = ((await (await upload(suzi)).json()) as Job).id;
    const peek = await fetch(`${server.url}/assets/jobs/${job}`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(peek.status).toBe(404);
    expect((await fetch(`${server.url}/assets/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await fetch(`${server.url}/assets/files/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    await finished(job);
  });
});
