/**
 * The widget's postMessage API fuzzed by a hostile host page (bench:security widget), in Chromium: a page
 * on an origin the embed key allows frames /embed/<slug> and posts to it what widget-messages.ts plans —
 * messages that are not commands, commands with hostile arguments, and a burst of seat-changing commands
 * sent without waiting — while a page of another origin framed beside it posts commands to the embed too.
 * A visitor (a bot with the player's protocol) stands in the world throughout.
 *
 * Figures: messages posted (and those the browser could not post), replies missing, duplicated and
 * unexpected, error codes outside the documented ones, errors thrown in the embed's frame, scripts run,
 * the sibling frame's commands that were answered or acted on, the most seats the embed held at once as
 * the visitor saw them, seats still held after its last leave, whether the visitor was disconnected, and
 * whether the embed still joined, chatted and left after it all. Pass: 0 of each fault, at most one seat,
 * none left, the visitor kept, the embed still working.
 */
import type { Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../asset-pipeline/render/chromium-args.js';
import { EMBED_SERVER_ERROR_CODES } from '../../protocol/index.js';
import {
  BENCH_OPERATOR,
  call,
  createEmbedKey,
  operatorToken,
  publishDraft,
  replaceDraft,
} from '../shared/bench-api.js';
import { startHostSite } from '../shared/host-site.js';
import { random as seeded } from '../shared/random.js';
import { startBenchServer } from '../shared/server-process.js';
import { joinWorld, type Visitor } from '../shared/visitors.js';
import { waitFor } from '../shared/wait.js';
import { watchForScripts } from './script-watch.js';
import { burst, PAGE_BUILDER, plannedMessages, type Planned } from './widget-messages.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SLUG = 'widget';
/** Messages that must go unanswered, and as many that must be answered. */
const EACH = 600;
const BURST = 120;
/** Messages posted before waiting for their answers (fewer than the frame's queue of 32). */
const BATCH = 24;
/** How long the answers to a batch may take, in ms (a join waits for its seat). */
const ANSWER_MS = 90_000;
const KNOWN_CODES = new Set<string>([
  ...EMBED_SERVER_ERROR_CODES,
  'unreachable',
  'world-full',
  'join-refused',
  'removed',
  'not-joined',
  'bad-argument',
  'frame-failed',
  'busy',
]);

export interface WidgetFuzzFigures {
  posted: number;
  /** Messages the browser would not post (a structured clone refused: cyclic through a Blob…). */
  notPostable: number;
  answerable: number;
  repliesMissing: number;
  repliesDuplicated: number;
  unexpectedReplies: number;
  unknownErrorCodes: string[];
  errorCodes: Record<string, number>;
  frameErrors: string[];
  scriptsRun: number;
  sibling: { posted: number; answered: number; chatSeen: boolean };
  mostSeatsAtOnce: number;
  seatsLeftAfterLeave: number;
  visitorDisconnected: boolean;
  stillWorks: boolean;
  pass: boolean;
}

export function widgetFuzzPass(figures: Omit<WidgetFuzzFigures, 'pass'>): boolean {
  return (
    figures.answerable >= 500 &&
    figures.repliesMissing === 0 &&
    figures.repliesDuplicated === 0 &&
    figures.unexpectedReplies === 0 &&
    figures.unknownErrorCodes.length === 0 &&
    figures.frameErrors.length === 0 &&
    figures.scriptsRun === 0 &&
    figures.sibling.posted > 0 &&
    figures.sibling.answered === 0 &&
    !figures.sibling.chatSeen &&
    figures.mostSeatsAtOnce <= 1 &&
    figures.seatsLeftAfterLeave === 0 &&
    !figures.visitorDisconnected &&
    figures.stillWorks
  );
}

/** Records errors thrown in every frame of every page (read back per frame). */
const ERROR_TRAP = `
window.__errors = [];
addEventListener('error', (e) => window.__errors.push(String(e.message)));
addEventListener('unhandledrejection', (e) => window.__errors.push('unhandled: ' + String(e.reason && e.reason.message || e.reason)));
`;

function hostPageHtml(embedUrl: string, siblingUrl: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hostile host</title></head><body>
<iframe id="world" src="${embedUrl}" width="640" height="360" allow="autoplay"></iframe>
<iframe id="sibling" src="${siblingUrl}" width="100" height="100"></iframe>
<script>
${PAGE_BUILDER}
window.__replies = [];
window.__events = [];
addEventListener('message', (event) => {
  const frame = document.getElementById('world').contentWindow;
  if (event.source !== frame || !event.data || event.data.mib !== 'embed') return;
  const data = event.data;
  if ('reply' in data) window.__replies.push({ id: data.reply, ok: data.ok, code: data.error ? data.error.code : null });
  else if ('event' in data) window.__events.push(data.event);
});
window.__post = (specs) => {
  const frame = document.getElementById('world').contentWindow;
  const failed = [];
  specs.forEach((spec, i) => {
    try { frame.postMessage(window.__build(spec), '*'); } catch { failed.push(i); }
  });
  return failed;
};
</script></body></html>`;
}

/** The sibling (another origin): posts commands straight to the embed's frame, then says how many. */
function siblingPageHtml(): string {
  return `<!doctype html><title>Sibling</title><script>
window.__posted = 0;
window.__attack = () => {
  const world = parent.frames[0];
  for (let i = 0; i < 50; i++) {
    for (const [method, args] of [['join', { name: 'Sibling' }], ['sendChat', { text: 'SIBLING-CHAT' }], ['getPopulation', {}], ['leave', {}]]) {
      world.postMessage({ mib: 'embed', id: 9000000 + window.__posted, method, args }, '*');
      window.__posted += 1;
    }
  }
  return window.__posted;
};
</script>`;
}

async function setUpWorld(origin: string, hostOrigin: string): Promise<string> {
  const token = await operatorToken(origin);
  await call(`${origin}/orgs/default/worlds`, {
    method: 'POST',
    token,
    json: { slug: SLUG, name: 'Widget fuzz', visibility: 'public' },
  });
  const spawn = (name: string, x: number, isDefault: boolean) => ({
    name,
    order: `a${x}`,
    transform: { position: [x, 0, 0] },
    components: { 'spawn-point': { name, default: isDefault } },
  });
  await replaceDraft(origin, token, SLUG, {
    schema: 2,
    entities: { north: spawn('north', 0, true), south: spawn('south', 6, false) },
  });
  await publishDraft(origin, token, SLUG);
  return createEmbedKey(origin, token, SLUG, 'hostile host', [hostOrigin]);
}

type Reply = { id: unknown; ok: boolean; code: string | null };

/**
 * Posts `planned` from the host page; waits until every answerable one has its reply (or the time is up).
 * Answers the ids of those the browser could not post (a structured clone refused: no answer is owed).
 */
async function post(page: Page, planned: Planned[]): Promise<number[]> {
  const failed = await page.evaluate(
    (specs) => (globalThis as unknown as { __post(specs: unknown[]): number[] }).__post(specs),
    planned.map((p) => p.spec as unknown),
  );
  const unposted = failed.map((i) => planned[i]!.answerId ?? -1);
  const ids = new Set(
    planned.flatMap((p, i) => (p.answerId === undefined || failed.includes(i) ? [] : [p.answerId])),
  );
  await waitFor(
    () => page.evaluate<Reply[]>('window.__replies'),
    (replies) => [...ids].every((id) => replies.some((reply) => reply.id === id)),
    { what: 'the frame to answer every command', timeoutMs: ANSWER_MS, intervalMs: 250 },
  ).catch(() => undefined); // the missing ones are counted
  return unposted;
}

/** One command through the same path, answered: its reply. */
async function command(page: Page, id: number, method: string, args: unknown): Promise<Reply | undefined> {
  await post(page, [
    { spec: { mib: 'embed', id: { json: id }, method, args: { json: args } }, answerId: id },
  ]);
  const replies = await page.evaluate<Reply[]>('window.__replies');
  return replies.find((reply) => reply.id === id);
}

export async function runWidgetFuzz(): Promise<WidgetFuzzFigures> {
  const server = await startBenchServer({
    ...BENCH_OPERATOR,
    RATE_LIMIT_GUESTS_PER_MINUTE: '100000',
    RATE_LIMIT_WRITES_PER_MINUTE: '100000',
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
  });
  const host = await startHostSite();
  const siblingSite = await startHostSite(); // another port: another origin
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--disable-gpu-compositing'],
  });
  let visitor: Visitor | undefined;
  try {
    const key = await setUpWorld(server.url, host.origin);
    const guest = (await (
      await call(`${server.url}/auth/guest`, { method: 'POST', json: { displayName: 'Onlooker' } })
    ).json()) as { accessToken: string };
    visitor = await joinWorld(server.url, { world: SLUG, name: 'Onlooker' }, guest.accessToken);
    const onlooker = visitor;
    // Others the visitor sees: the embed's seats (sampled throughout).
    let mostSeatsAtOnce = 0;
    const sampler = setInterval(() => {
      mostSeatsAtOnce = Math.max(
        mostSeatsAtOnce,
        [...onlooker.avatars().keys()].filter((id) => id !== onlooker.sessionId).length,
      );
    }, 50);

    const context = await browser.newContext({ viewport: { width: 800, height: 500 } });
    await context.addInitScript({ content: ERROR_TRAP });
    const watch = await watchForScripts(context);
    const page = await context.newPage();
    const embedUrl = `${server.url}/embed/${SLUG}?k=${encodeURIComponent(key)}`;
    await page.goto(
      host.page(
        '/hostile.html',
        hostPageHtml(embedUrl, siblingSite.page('/sibling.html', siblingPageHtml())),
      ),
    );
    await waitFor(
      () => page.evaluate<string[]>('window.__events'),
      (events) => events.includes('ready'),
      { what: 'the embed to say it is ready', timeoutMs: 60_000, intervalMs: 250 },
    );

    const random = seeded(25);
    const planned = [...plannedMessages(EACH, random, 1), ...burst(BURST, random, 100_000)];
    // The planned messages in batches the frame takes without refusing any as busy (its queue holds 32);
    // then the burst, all at once.
    const unposted: number[] = [];
    for (let at = 0; at < EACH * 2; at += BATCH)
      unposted.push(...(await post(page, planned.slice(at, at + BATCH))));
    unposted.push(...(await post(page, planned.slice(EACH * 2))));

    // The sibling of another origin: its commands must be dropped.
    const siblingFrame = page.frame({ url: /sibling\.html/ });
    const siblingPosted = (await siblingFrame?.evaluate<number>('window.__attack()')) ?? 0;

    // Still working: a join, a chat line the visitor hears, a leave.
    const join = await command(page, 200_001, 'join', { name: 'After' });
    const said = await command(page, 200_002, 'sendChat', { text: 'WIDGET-ALIVE' });
    const heard = await waitFor(
      () => onlooker.chats.some((line) => line.text === 'WIDGET-ALIVE'),
      (seen) => seen,
      { what: 'the visitor to hear the embed', timeoutMs: 10_000 },
    ).catch(() => false);
    const left = await command(page, 200_003, 'leave', {});
    const seatsLeftAfterLeave = await waitFor(
      () => [...onlooker.avatars().keys()].filter((id) => id !== onlooker.sessionId).length,
      (n) => n === 0,
      { what: 'the embed’s seat to go', timeoutMs: 15_000 },
    ).catch(() => [...onlooker.avatars().keys()].filter((id) => id !== onlooker.sessionId).length);
    clearInterval(sampler);

    const replies = await page.evaluate<Reply[]>('window.__replies');
    const answerable = new Set(
      planned.flatMap((p) => (p.answerId === undefined || unposted.includes(p.answerId) ? [] : [p.answerId])),
    );
    const counts = new Map<unknown, number>();
    for (const reply of replies) counts.set(reply.id, (counts.get(reply.id) ?? 0) + 1);
    const errorCodes: Record<string, number> = {};
    for (const reply of replies) if (reply.code) errorCodes[reply.code] = (errorCodes[reply.code] ?? 0) + 1;
    const frameErrors: string[] = [];
    for (const frame of page.frames())
      frameErrors.push(...(await frame.evaluate<string[]>('window.__errors || []').catch(() => [])));
    const own = new Set([...answerable, 200_001, 200_002, 200_003]);
    const figures = {
      posted: planned.length,
      notPostable: unposted.length,
      answerable: answerable.size,
      repliesMissing: [...answerable].filter((id) => !counts.has(id)).length,
      repliesDuplicated: [...counts.values()].filter((n) => n > 1).length,
      unexpectedReplies: replies.filter((reply) => !own.has(reply.id as number)).length,
      unknownErrorCodes: Object.keys(errorCodes).filter((code) => !KNOWN_CODES.has(code)),
      errorCodes,
      frameErrors: frameErrors.slice(0, 10),
      scriptsRun: watch.executions.length,
      sibling: {
        posted: siblingPosted,
        answered: replies.filter((reply) => typeof reply.id === 'number' && reply.id >= 9_000_000).length,
        chatSeen: onlooker.chats.some((line) => line.text === 'SIBLING-CHAT'),
      },
      mostSeatsAtOnce,
      seatsLeftAfterLeave,
      visitorDisconnected: onlooker.leftWith() !== undefined,
      stillWorks: join?.ok === true && said?.ok === true && heard && left?.ok === true,
    };
    await context.close();
    return { ...figures, pass: widgetFuzzPass(figures) };
  } finally {
    await visitor?.leave().catch(() => undefined);
    await browser.close();
    await host.close();
    await siblingSite.close();
    await server.stop();
  }
}
