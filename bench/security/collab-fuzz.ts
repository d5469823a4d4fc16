/**
 * The collaboration sync fuzzed (bench:security collab): two honest studios (the studio's own
 * LiveDraftSession, in Node) keep editing one draft while a hostile editor — an account with the editor role,
 * so it gets past admission — opens connection after connection to the same editor room and sends
 * malformed, oversized and forged updates and floods (collab-cases.ts), a few at a time.
 *
 * Figures: cases run per name with their outcomes, the outcomes that were not right for their case, the
 * honest studios' outages, the honest edits whose last value was lost, whether the honest studios, a studio
 * joining at the end (the server's document) and the saved draft (REST) hold the same entities, whether the
 * saved draft is a valid scene, out-of-shape content left anywhere, the Yjs state's size before and after,
 * and whether the server still answers. Pass: every outcome right for its case, 0 outages, 0 lost edits, one
 * document everywhere, valid, 0 stray items, the server up, and at least MIN_CASES cases.
 */
import { Client, type Room } from '@colyseus/sdk';
import * as Y from 'yjs';
import {
  chunksOf,
  EditorMessage,
  liveEntitiesJson,
  RoomName,
  sceneDocumentSchema,
  strayItems,
  type AckMessage,
} from '../../protocol/index.js';
import { LiveDraftSession } from '../../client/src/apps/studio/live/live-draft-session.js';
import { setCommand } from '../../client/src/apps/studio/draft-session.js';
import { canonicalJson } from '../../server/db/canonical-json.js';
import { BENCH_OPERATOR, call, operatorToken, replaceDraft } from '../shared/bench-api.js';
import { random as seeded } from '../shared/random.js';
import { startBenchServer } from '../shared/server-process.js';
import { waitFor } from '../shared/wait.js';
import { CASE_BUILDERS, fuzzCase, type Outcome } from './collab-cases.js';

const SLUG = 'collab-fuzz';
/** Cases in the short form: every case builder sixty times. */
const CASES = CASE_BUILDERS * 60;
export const MIN_CASES = 1_000;
/** Hostile connections open at once. */
const CONCURRENCY = 6;
/** How long a case waits for the server's answer (a close or an ack) before it counts as silent, in ms. */
const ANSWER_MS = 1_500;
const ACK_GRACE_MS = 300;
const HONEST = 2;
const PROPS = 8;

export interface CollabFuzzFigures {
  cases: number;
  outcomes: Record<string, Partial<Record<Outcome, number>>>;
  /** Cases whose outcome was not one allowed for them (the first 20). */
  wrongOutcomes: Array<{ name: string; outcome: Outcome; reason: string }>;
  wrongOutcomeCount: number;
  honestEdits: number;
  honestOutages: number;
  /** What the honest studios showed when they went offline or read-only (the first 10). */
  honestOutageReasons: string[];
  honestEditsLost: number;
  /** The honest studios, a studio joining at the end and the saved draft hold the same entities. */
  converged: boolean;
  replicasAgree: boolean;
  savedMatches: boolean;
  /** Whether the honest studios saw all their edits saved within 30 s of the end. */
  quiet: boolean;
  savedDraftValid: boolean;
  strayItems: number;
  stateBytes: { start: number; end: number };
  serverUp: boolean;
  pass: boolean;
}

export function collabFuzzPass(figures: Omit<CollabFuzzFigures, 'pass'>): boolean {
  return (
    figures.cases >= MIN_CASES &&
    figures.wrongOutcomeCount === 0 &&
    figures.honestOutages === 0 &&
    figures.honestEditsLost === 0 &&
    figures.converged &&
    figures.savedDraftValid &&
    figures.strayItems === 0 &&
    figures.serverUp
  );
}

const honestId = (e: number) => `honest-${e}`;

function startDraft() {
  const entities: Record<string, unknown> = {};
  for (let e = 0; e < HONEST; e++)
    entities[honestId(e)] = {
      name: `H${e}`,
      order: `a${e}`,
      transform: { position: [e, 0, 0] },
      components: {},
    };
  for (let p = 0; p < PROPS; p++)
    entities[`prop-${p}`] = {
      name: `Prop ${p}`,
      order: `b${p}`,
      transform: { position: [p, 0, 2] },
      components: {},
    };
  return { schema: 2, entities };
}

async function setUpWorld(origin: string): Promise<{ operator: string; attacker: string }> {
  const operator = await operatorToken(origin);
  await call(`${origin}/orgs/default/worlds`, {
    method: 'POST',
    token: operator,
    json: { slug: SLUG, name: 'Collaboration fuzz' },
  });
  await replaceDraft(origin, operator, SLUG, startDraft());
  const attacker = { email: 'hostile-editor@example.com', password: 'hostile-password-1' };
  const registered = (await (
    await call(`${origin}/auth/register`, { method: 'POST', json: { ...attacker, displayName: 'Hostile' } })
  ).json()) as { accessToken: string; account: { id: string } };
  await call(`${origin}/orgs/default/members`, {
    method: 'PUT',
    token: operator,
    json: { email: attacker.email, role: 'member' },
  });
  await call(`${origin}/worlds/${SLUG}/roles/${registered.account.id}`, {
    method: 'PUT',
    token: operator,
    json: { role: 'editor' },
  });
  return { operator, attacker: registered.accessToken };
}

/** An honest studio: counts its outages (offline, read-only, a "back online" notice). */
async function honestStudio(origin: string, token: string) {
  let outages = 0;
  let down = false;
  let opened = false; // the welcome's own changes come while the studio is not yet online
  const reasons: string[] = [];
  const session: LiveDraftSession = new LiveDraftSession({
    endpoint: origin,
    slug: SLUG,
    token: () => Promise.resolve(token),
    onChange: () => {
      const kind = session.state.kind;
      const nowDown = opened && (kind === 'offline' || kind === 'read-only');
      if (nowDown && !down) {
        outages += 1;
        reasons.push(`${JSON.stringify(session.state)} at ${new Date().toISOString()}`);
      }
      down = nowDown;
    },
  });
  await session.open();
  opened = true;
  return {
    session,
    outages: () => outages + session.notices.length,
    reasons: () => [...reasons, ...session.notices],
  };
}

/** One hostile connection: joins, takes its welcome when the case needs one, sends the case, reads the answer. */
async function runCase(origin: string, token: string, n: number, victimId: number, base: () => Uint8Array) {
  const clientId = 0x0100_0000 + n;
  const client = new Client(origin);
  client.auth.token = token;
  const room: Room = await client.joinOrCreate(RoomName.editor, { world: SLUG, clientId });
  let settle: (outcome: Outcome) => void = () => undefined;
  const answered = new Promise<Outcome>((resolve) => (settle = resolve));
  let reason = '';
  let welcome: () => void = () => undefined;
  const welcomed = new Promise<void>((resolve) => (welcome = resolve));
  room.onLeave((code, why) => {
    reason = `${code} ${why ?? ''}`.trim();
    settle('closed');
  });
  room.onMessage(EditorMessage.welcome, () => welcome());
  // A malformed update is acknowledged (with its correction) just before its sender is closed: an ack
  // counts once no close follows within ACK_GRACE_MS.
  room.onMessage(EditorMessage.ack, (ack: AckMessage) => {
    setTimeout(() => settle(ack.problem ? 'corrected' : 'applied'), ACK_GRACE_MS);
  });
  for (const type of [EditorMessage.update, EditorMessage.saved, EditorMessage.readOnly])
    room.onMessage(type, () => undefined);
  const built = fuzzCase(n, {
    base: base(),
    clientId,
    idTag: clientId.toString(36),
    victimId,
    random: seeded(1_000 + n),
  });
  if (built.welcome) {
    // The exchange a studio opens with; the case's messages come after its answer (or the close).
    for (const chunk of chunksOf('vector', 0, new Uint8Array([0]))) room.send(EditorMessage.chunk, chunk);
    await Promise.race([welcomed, answered]);
  }
  for (const [type, payload] of built.messages) {
    try {
      room.send(type, payload);
    } catch {
      break; // the connection is already closed
    }
  }
  const outcome = await Promise.race([
    answered,
    new Promise<Outcome>((resolve) => setTimeout(() => resolve('silent'), ANSWER_MS)),
  ]);
  // A connection already closed never answers a leave: do not wait on it.
  if (outcome !== 'closed')
    await Promise.race([room.leave(true).catch(() => undefined), new Promise((r) => setTimeout(r, 2_000))]);
  return { name: built.name, outcome, reason, right: built.allowed.includes(outcome) };
}

export async function runCollabFuzz(): Promise<CollabFuzzFigures> {
  const server = await startBenchServer({
    ...BENCH_OPERATOR,
    RATE_LIMIT_WRITES_PER_MINUTE: '100000',
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
  });
  const studios: Array<Awaited<ReturnType<typeof honestStudio>>> = [];
  try {
    const { operator, attacker } = await setUpWorld(server.url);
    for (let e = 0; e < HONEST; e++) studios.push(await honestStudio(server.url, operator));
    const startBytes = Y.encodeStateAsUpdate(studios[0]!.session.replica.doc).byteLength;

    // The honest studios rename and move their own entity five times a second, each value unique.
    let editing = true;
    const lastName = new Map<number, string>();
    let honestEdits = 0;
    const edits = studios.map(async ({ session }, e) => {
      for (let n = 0; editing; n++) {
        const id = honestId(e);
        const entity = session.scene.entities[id];
        if (entity) {
          const name = `H${e}-${n}`;
          if (session.run(setCommand('rename', `/entities/${id}/name`, entity.name, name)) === null) {
            lastName.set(e, name);
            honestEdits += 1;
          }
          session.run(
            setCommand('move', `/entities/${id}/transform/position`, entity.transform.position, [
              n % 50,
              0,
              e,
            ]),
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });

    const victim = studios[0]!.session.replica.doc.clientID;
    const base = () => Y.encodeStateAsUpdate(studios[1]!.session.replica.doc);
    const outcomes: CollabFuzzFigures['outcomes'] = {};
    const wrong: CollabFuzzFigures['wrongOutcomes'] = [];
    let wrongOutcomeCount = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let n = next++; n < CASES; n = next++) {
          const result = await runCase(server.url, attacker, n, victim, base);
          const counts = (outcomes[result.name] ??= {});
          counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
          if (!result.right) {
            wrongOutcomeCount += 1;
            if (wrong.length < 20)
              wrong.push({ name: result.name, outcome: result.outcome, reason: result.reason });
          }
          if (n % 200 === 0) console.error(`  collab: ${n} of ${CASES} cases`);
        }
      }),
    );
    editing = false;
    await Promise.all(edits);
    const quiet = await waitFor(
      () => studios.map(({ session }) => session.state.kind),
      (kinds) => kinds.every((kind) => kind === 'saved'),
      { what: 'the honest studios to see their edits saved', timeoutMs: 30_000 },
    ).then(
      () => true,
      () => false, // shown in the figures
    );

    // The server's document: what a studio joining now receives.
    const observer = await honestStudio(server.url, operator);
    const saved = (await (
      await call(`${server.url}/worlds/${SLUG}/scene/draft`, { token: operator })
    ).json()) as {
      entities: Record<string, unknown>;
    };
    const docs = [...studios, observer].map(({ session }) => session.replica.doc);
    const views = docs.map((doc) => canonicalJson(liveEntitiesJson(doc)));
    const replicasAgree = views.every((view) => view === views[0]);
    const savedMatches = views[0] === canonicalJson(saved.entities);
    const final = liveEntitiesJson(observer.session.replica.doc) as Record<string, { name?: string }>;
    const honestEditsLost = [...lastName].filter(([e, name]) => final[honestId(e)]?.name !== name).length;
    const serverUp = server.child.exitCode === null && (await fetch(`${server.url}/readyz`)).ok;
    const figures = {
      cases: CASES,
      outcomes,
      wrongOutcomes: wrong,
      wrongOutcomeCount,
      honestEdits,
      honestOutages: studios.reduce((sum, studio) => sum + studio.outages(), 0),
      honestOutageReasons: studios.flatMap((studio) => studio.reasons()).slice(0, 10),
      honestEditsLost,
      converged: replicasAgree && savedMatches,
      replicasAgree,
      savedMatches,
      quiet,
      savedDraftValid: sceneDocumentSchema.safeParse({ schema: 2, entities: saved.entities }).success,
      strayItems: docs.reduce((sum, doc) => sum + strayItems(doc).length, 0),
      stateBytes: { start: startBytes, end: Y.encodeStateAsUpdate(observer.session.replica.doc).byteLength },
      serverUp,
    };
    await observer.session.close();
    return { ...figures, pass: collabFuzzPass(figures) };
  } finally {
    for (const { session } of studios) await session.close().catch(() => undefined);
    await server.stop();
  }
}
