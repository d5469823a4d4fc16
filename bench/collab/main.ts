/**
 * `npm run bench:collab [-- --editors 20 --seconds 20]`: N headless editors (the studio's own
 * LiveDraftSession, in Node) on a 1,000-entity draft make five edits a second each (bench/collab/edits.ts:
 * half on a hot set of ten, delete-versus-edit, concurrent reparents and cycle attempts, every rename and
 * move with a unique marker), then stop and wait for quiet. Prints, last, one JSON object:
 *   editors, edits                   editors, and edits made (accepted by the studio's own checks)
 *   refusedEdits                     edits the server corrected (a cycle made with someone else's move…)
 *   refusedLocally                   edits the studio's own checks refused (a cycle it saw coming)
 *   convergedDocs                    editors whose final document is the server's (a studio joined at the end)
 *   lostEdits                        accepted markers missing at the end and not superseded (checker.ts)
 *   editToRemoteMsP50/P99            an edit → seen by every other editor
 *   bytesPerEdit                     Yjs bytes sent and received by all editors, per edit
 *   serverCpuPercent                 the server process's CPU over the editing
 *   savedMatchesLive                 the draft saved (REST GET) equals the converged document
 * and `baseline`: the same edits through the REST API — PATCH with If-Match, retry on 412 (re-read, apply
 * again, an edit of a deleted entity dropped), everyone polling the draft each second — its lostEdits,
 * editToRemoteMsP50/P99 and the 412s it met, measured in the same run on a second world.
 * Target at 20 editors: convergedDocs = 20, lostEdits = 0, editToRemoteMsP99 < 250, savedMatchesLive.
 */
import { parseArgs } from 'node:util';
import fastJsonPatch from 'fast-json-patch';
import { liveEntitiesJson, type SceneDocument } from '../../protocol/index.js';
import { LiveDraftSession } from '../../client/src/apps/studio/live/live-draft-session.js';
import { canonicalJson } from '../../server/db/canonical-json.js';
import { call, replaceDraft } from '../shared/bench-api.js';
import { startBenchServer } from '../shared/server-process.js';
import { cpuSeconds, percentile, round } from '../shared/stats.js';
import { waitFor } from '../shared/wait.js';
import { lostEdits } from './checker.js';
import { benchDraft, markersOf, nextEdit, seeded, type Marked } from './edits.js';

const ENTITIES = 1_000;
const EDITS_PER_SECOND = 5;
const LIVE_WORLD = 'collab-live';
const REST_WORLD = 'collab-rest';
/** How often each REST editor reads the draft to see the others' edits, in ms. */
const POLL_MS = 1_000;

function options(): { editors: number; seconds: number } {
  const { values } = parseArgs({
    options: { editors: { type: 'string', default: '20' }, seconds: { type: 'string', default: '20' } },
  });
  const number = (name: string, text: string, max: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > max)
      throw new Error(`bench:collab: --${name} must be a whole number from 1 to ${max} (got "${text}")`);
    return value;
  };
  return { editors: number('editors', values.editors, 200), seconds: number('seconds', values.seconds, 600) };
}

/** Seen markers: when each editor first saw each marker (ms, performance.now()). */
class Sightings {
  private readonly seen = new Map<string, Map<number, number>>();
  see(marker: string, editor: number, at: number): void {
    const by = this.seen.get(marker) ?? new Map<number, number>();
    if (!by.has(editor)) by.set(editor, at);
    this.seen.set(marker, by);
  }
  /** Each marker seen by every other editor: the time from the edit to the last of them seeing it. */
  latencies(edits: readonly Marked[], editors: number): number[] {
    return edits.flatMap((edit) => {
      const by = this.seen.get(edit.marker);
      if (!by) return [];
      const others = [...Array(editors).keys()].filter((e) => e !== edit.editor);
      if (!others.every((e) => by.has(e))) return [];
      return [Math.max(...others.map((e) => by.get(e)!)) - edit.at];
    });
  }
}

async function live(origin: string, token: string, editors: number, seconds: number) {
  const sightings = new Sightings();
  const accepted: Marked[] = [];
  const bySeq = new Map<string, Marked[]>();
  let edits = 0;
  let refused = 0;
  let refusedLocally = 0;
  const sessions: LiveDraftSession[] = [];
  for (let e = 0; e < editors; e++) {
    const session: LiveDraftSession = new LiveDraftSession({
      endpoint: origin,
      slug: LIVE_WORLD,
      token: () => Promise.resolve(token),
      onChange: (change) => {
        if (!change) return;
        const now = performance.now();
        for (const id of change.touched)
          for (const marker of markersOf(session.scene.entities[id])) sightings.see(marker, e, now);
      },
      onAck: (seq, problem) => {
        if (!problem) return;
        const carried = bySeq.get(`${e}:${seq}`) ?? [];
        refused += carried.length;
        for (const edit of carried) {
          const at = accepted.indexOf(edit);
          if (at >= 0) accepted.splice(at, 1);
        }
      },
    });
    await session.open();
    sessions.push(session);
  }
  const random = seeded(1);
  const cpuBefore = cpuSeconds(serverPid);
  const started = performance.now();
  const bytesBefore = sessions.reduce((sum, s) => sum + s.bytesSent + s.bytesReceived, 0);
  // Every editor acts every 200 ms, staggered over the interval.
  await Promise.all(
    sessions.map(async (session, e) => {
      await new Promise((resolve) => setTimeout(resolve, (e * 1_000) / EDITS_PER_SECOND / editors));
      for (let n = 0; performance.now() - started < seconds * 1_000; n++) {
        const planned = nextEdit(session.scene, e, n, performance.now(), random);
        const refusal =
          planned && session.run({ label: planned.kind, forward: planned.operations, backward: [] });
        if (planned && refusal) refusedLocally += 1; // a cycle seen coming, or the entity just deleted
        if (planned && refusal === null) {
          edits += 1;
          if (planned.marked) {
            accepted.push(planned.marked);
            const key = `${e}:${session.nextSeq}`;
            bySeq.set(key, [...(bySeq.get(key) ?? []), planned.marked]);
            sightings.see(planned.marked.marker, e, planned.marked.at);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000 / EDITS_PER_SECOND));
      }
    }),
  );
  await waitFor(
    () => sessions.map((s) => s.state.kind),
    (kinds) => kinds.every((kind) => kind === 'saved'),
    { what: 'every editor to see its edits saved', timeoutMs: 60_000 },
  );
  const cpuPercent = ((cpuSeconds(serverPid) - cpuBefore) / ((performance.now() - started) / 1_000)) * 100;
  const bytes = sessions.reduce((sum, s) => sum + s.bytesSent + s.bytesReceived, 0) - bytesBefore;
  // The server's document: what a studio joining now receives.
  const observer = new LiveDraftSession({
    endpoint: origin,
    slug: LIVE_WORLD,
    token: () => Promise.resolve(token),
  });
  await observer.open();
  const serverDoc = canonicalJson(liveEntitiesJson(observer.replica.doc));
  const converged = sessions.filter((s) => canonicalJson(liveEntitiesJson(s.replica.doc)) === serverDoc);
  const saved = (await (
    await call(`${origin}/worlds/${LIVE_WORLD}/scene/draft`, { token })
  ).json()) as SceneDocument;
  const final = observer.scene.entities;
  const latencies = sightings.latencies(accepted, editors);
  for (const session of [...sessions, observer]) await session.close();
  return {
    editors,
    edits,
    refusedEdits: refused,
    refusedLocally,
    convergedDocs: converged.length,
    lostEdits: lostEdits(accepted, final).length,
    editToRemoteMsP50: round(percentile(latencies, 50), 1),
    editToRemoteMsP99: round(percentile(latencies, 99), 1),
    markersSeenByAll: latencies.length,
    bytesPerEdit: Math.round(bytes / Math.max(1, edits)),
    serverCpuPercent: round(cpuPercent, 1),
    savedMatchesLive: canonicalJson(saved.entities) === serverDoc,
  };
}

async function rest(origin: string, token: string, editors: number, seconds: number) {
  const sightings = new Sightings();
  const accepted: Marked[] = [];
  let edits = 0;
  let stale = 0;
  let dropped = 0;
  let refused = 0;
  const url = `${origin}/worlds/${REST_WORLD}/scene/draft`;
  const read = async () => {
    const response = await call(url, { token });
    return { etag: response.headers.get('etag')!, scene: (await response.json()) as SceneDocument };
  };
  const copies = await Promise.all(Array.from({ length: editors }, read));
  const random = seeded(1);
  const started = performance.now();
  const look = (e: number) => {
    const now = performance.now();
    for (const entity of Object.values(copies[e]!.scene.entities))
      for (const marker of markersOf(entity)) sightings.see(marker, e, now);
  };
  await Promise.all(
    copies.map(async (_copy, e) => {
      await new Promise((resolve) => setTimeout(resolve, (e * 1_000) / EDITS_PER_SECOND / editors));
      let polled = performance.now();
      for (let n = 0; performance.now() - started < seconds * 1_000; n++) {
        if (performance.now() - polled >= POLL_MS) {
          copies[e] = await read();
          look(e);
          polled = performance.now();
        }
        const at = performance.now();
        const planned = nextEdit(copies[e]!.scene, e, n, at, random);
        if (planned) {
          for (let attempt = 0; ; attempt++) {
            const response = await fetch(url, {
              method: 'PATCH',
              headers: {
                authorization: `Bearer ${token}`,
                'content-type': 'application/json-patch+json',
                'if-match': copies[e]!.etag,
              },
              body: JSON.stringify(planned.operations),
            });
            if (response.ok) {
              const scene = fastJsonPatch.deepClone(copies[e]!.scene) as SceneDocument;
              fastJsonPatch.applyPatch(scene, planned.operations);
              copies[e] = { etag: response.headers.get('etag')!, scene };
              edits += 1;
              if (planned.marked) {
                accepted.push(planned.marked);
                sightings.see(planned.marked.marker, e, planned.marked.at);
              }
              break;
            }
            if (response.status === 400 || response.status === 409 || response.status === 422) {
              refused += 1; // applied to a fresher draft it made a cycle (or its entity is gone)
              copies[e] = await read();
              break;
            }
            if (response.status !== 412)
              throw new Error(
                `bench:collab: REST PATCH answered ${response.status}: ${await response.text()}`,
              );
            stale += 1;
            // Stale: read again and apply the same edit to the fresh copy, unless its entity is gone.
            copies[e] = await read();
            const entity = planned.operations[0]!.path.split('/')[2]!;
            if (!copies[e].scene.entities[entity] || attempt > 20) {
              dropped += 1;
              break;
            }
          }
        }
        const wait = 1_000 / EDITS_PER_SECOND - (performance.now() - at);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      // Keep polling a little after the edits stop, so the last ones are seen.
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        copies[e] = await read();
        look(e);
      }
    }),
  );
  const final = (await read()).scene.entities;
  const latencies = sightings.latencies(accepted, editors);
  return {
    edits,
    stale412: stale,
    droppedEdits: dropped,
    refusedEdits: refused,
    lostEdits: lostEdits(accepted, final).length,
    editToRemoteMsP50: round(percentile(latencies, 50), 1),
    editToRemoteMsP99: round(percentile(latencies, 99), 1),
  };
}

let serverPid = 0;

async function main(): Promise<void> {
  const { editors, seconds } = options();
  const server = await startBenchServer({
    // Twenty REST editors retrying on 412 write far more than one person: no rate limit in the way.
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
  });
  serverPid = server.pid;
  try {
    const origin = server.url;
    const session = (await (
      await call(`${origin}/auth/register`, {
        method: 'POST',
        json: {
          email: `collab-${Date.now()}@example.com`,
          password: 'bench collab password 1',
          displayName: 'Bench',
        },
      })
    ).json()) as { accessToken: string };
    const token = session.accessToken;
    await call(`${origin}/orgs`, { method: 'POST', token, json: { slug: 'collab-org', name: 'Collab' } });
    for (const slug of [LIVE_WORLD, REST_WORLD]) {
      await call(`${origin}/orgs/collab-org/worlds`, { method: 'POST', token, json: { slug, name: slug } });
      await replaceDraft(origin, token, slug, benchDraft(ENTITIES));
    }
    console.error(`bench:collab: ${editors} live editors for ${seconds} s on ${ENTITIES} entities…`);
    const measured = await live(origin, token, editors, seconds);
    console.error(`bench:collab: the same through REST (If-Match, 412 retries, a poll each second)…`);
    const baseline = await rest(origin, token, editors, seconds);
    console.log(JSON.stringify({ ...measured, baseline }));
  } finally {
    await server.stop();
  }
}

await main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
