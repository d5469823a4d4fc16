/**
 * The web surfaces in Chromium (Debian's, software WebGL), against a server of its own:
 *
 *   stored XSS   a corpus of payloads (script-watch.ts) stored where people type — the world's name and
 *                description, entity names, text components, an asset's name, guests' display names and
 *                chat — then the pages that show them opened: the player (/w/<slug>, whose share tags the
 *                server writes), the studio (as the owner) and the embed (framed by another site). A
 *                payload that runs calls __xss, which the browser context records; links to `javascript:`
 *                are counted too. Control: the pages must show the payloads' markers as text (the data
 *                reached them).
 *   framing      another site's page frames the player, the studio and the embed (with its key): the
 *                first two must be blocked by the browser, the embed shown.
 *
 * Figures: scripts run (tag, page), javascript: links, markers shown per page, frames allowed and
 * blocked. Pass: 0 scripts, 0 javascript: links, every page showed markers, 0 frames where they should
 * not be, the embed framed.
 */
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../asset-pipeline/render/chromium-args.js';
import { BENCH_OPERATOR, call, createEmbedKey, publishDraft, replaceDraft } from '../shared/bench-api.js';
import { jsonBytes, triangleGltf } from '../shared/bad-uploads.js';
import { startHostSite } from '../shared/host-site.js';
import { startBenchServer } from '../shared/server-process.js';
import { joinWorld, type Visitor } from '../shared/visitors.js';
import { XSS_PAYLOADS, watchForScripts } from './script-watch.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SLUG = 'xss';
/** How long a page is given to load, join and show what it shows, in ms. */
const SETTLE_MS = 12_000;

export interface WebSurfacesFigures {
  payloads: number;
  scriptsRun: Array<{ tag: string; page: string }>;
  javascriptLinks: number;
  /**
   * Markers of the stored payloads each page showed as text (control: the payloads reached it): W world
   * name, D description, E<n> entity name, T<n> text component, A asset name, N<n> guest name, C<n> chat.
   */
  markersShown: Record<string, string[]>;
  frames: { blocked: string[]; allowed: string[] };
  pass: boolean;
}

export function webSurfacesPass(figures: Omit<WebSurfacesFigures, 'pass'>): boolean {
  return (
    figures.scriptsRun.length === 0 &&
    figures.javascriptLinks === 0 &&
    Object.keys(figures.markersShown).length > 0 &&
    Object.values(figures.markersShown).every((markers) => markers.length > 0) &&
    figures.frames.allowed.length === 1 &&
    figures.frames.allowed[0] === 'embed' &&
    figures.frames.blocked.length === 2
  );
}

const entries = Object.entries(XSS_PAYLOADS);

/** A world whose every typed-in text is a payload, with a marker (`XSS-<where><n>`) before it. */
async function storePayloads(origin: string, token: string, hostOrigin: string): Promise<string> {
  const [first, second] = entries;
  await call(`${origin}/orgs/default/worlds`, {
    method: 'POST',
    token,
    json: { slug: SLUG, name: `XSS-W ${first![1]}`, description: `XSS-D ${second![1]}` },
  });
  const entities = Object.fromEntries(
    entries.map(([, payload], i) => [
      `e${i}`,
      {
        name: `XSS-E${i} ${payload}`,
        order: `a${i}`,
        transform: { position: [i * 2 - 8, 1, -4] },
        components: { text: { text: `XSS-T${i} ${payload}` } },
      },
    ]),
  );
  await replaceDraft(origin, token, SLUG, { schema: 2, entities });
  await publishDraft(origin, token, SLUG);
  const query = new URLSearchParams({ profile: 'prop', name: `XSS-A ${first![1]}`, world: SLUG });
  await call(`${origin}/assets?${query.toString()}`, {
    method: 'POST',
    token,
    headers: { 'content-type': 'model/gltf+json' },
    body: Buffer.from(jsonBytes(triangleGltf())),
  });
  return createEmbedKey(origin, token, SLUG, 'xss embed', [hostOrigin]);
}

/** Markers shown as text in the page and its frames, and links or sources to `javascript:`. */
async function inspect(page: Page): Promise<{ markers: string[]; javascriptLinks: number }> {
  const markers = new Set<string>();
  let javascriptLinks = 0;
  for (const frame of page.frames()) {
    // Page code as text: this file is compiled without the DOM's types.
    const seen = await frame
      .evaluate<{ text: string; links: number }>(
        `({
          text: document.title + '\\n' + (document.body ? document.body.innerText : ''),
          links: document.querySelectorAll(
            '[href^="javascript:" i],[src^="javascript:" i],[action^="javascript:" i]',
          ).length,
        })`,
      )
      .catch(() => ({ text: '', links: 0 }));
    for (const [, marker] of seen.text.matchAll(/XSS-([A-Z]\d*) /g)) markers.add(marker!);
    javascriptLinks += seen.links;
  }
  return { markers: [...markers].sort(), javascriptLinks };
}

async function signedInAs(context: BrowserContext, session: object): Promise<void> {
  await context.addInitScript({
    content: `sessionStorage.setItem('mib.session', ${JSON.stringify(JSON.stringify(session))});`,
  });
}

export async function runWebSurfaces(): Promise<WebSurfacesFigures> {
  const server = await startBenchServer({
    ...BENCH_OPERATOR,
    RATE_LIMIT_GUESTS_PER_MINUTE: '100000',
    RATE_LIMIT_WRITES_PER_MINUTE: '100000',
  });
  const host = await startHostSite();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--disable-gpu-compositing'],
  });
  const visitors: Visitor[] = [];
  try {
    const login = (await (
      await call(`${server.url}/auth/login`, {
        method: 'POST',
        json: { email: BENCH_OPERATOR.OPERATOR_EMAIL, password: BENCH_OPERATOR.OPERATOR_PASSWORD },
      })
    ).json()) as {
      accessToken: string;
      refreshToken: string;
      expiresIn: number;
      account: { displayName: string };
    };
    const key = await storePayloads(server.url, login.accessToken, host.origin);
    const context = await browser.newContext({ viewport: { width: 1024, height: 640 } });
    const watch = await watchForScripts(context);
    const markersShown: Record<string, string[]> = {};
    let javascriptLinks = 0;
    const visit = async (name: string, url: string, meanwhile?: (page: Page) => Promise<void>) => {
      const page = await context.newPage();
      await page.goto(url);
      await meanwhile?.(page);
      await page.waitForTimeout(SETTLE_MS);
      // What each page showed, to look at: test-artifacts/screenshots/security-web-<page>.png.
      await page.screenshot({ path: path.resolve(`test-artifacts/screenshots/security-web-${name}.png`) });
      const seen = await inspect(page);
      markersShown[name] = seen.markers;
      javascriptLinks += seen.javascriptLinks;
      await page.close();
    };

    // The player: its share tags, then guests with payload names chatting payloads while it watches.
    await visit('player', `${server.url}/w/${SLUG}`, async (page) => {
      await page.getByRole('button', { name: 'Join', exact: true }).click();
      await page.waitForTimeout(SETTLE_MS / 2);
      for (const [i, [, payload]] of entries.entries()) {
        const guest = (await (
          await call(`${server.url}/auth/guest`, {
            method: 'POST',
            json: { displayName: `XSS-N${i} ${payload}` },
          })
        ).json()) as { accessToken: string };
        const visitor = await joinWorld(
          server.url,
          // The room takes 32 characters of a name; the account's display name (above) takes 60.
          { world: SLUG, name: `XSS-N${i} ${payload}`.slice(0, 32) },
          guest.accessToken,
        );
        visitors.push(visitor);
        visitor.say(`XSS-C${i} ${payload}`, 'instance');
      }
    });

    // The studio, as the owner: the world's settings, its entity tree, the library's names.
    await signedInAs(context, {
      accessToken: login.accessToken,
      refreshToken: login.refreshToken,
      expiresAt: Date.now() + login.expiresIn * 1000,
      displayName: login.account.displayName,
      registered: true,
    });
    await visit('studio', `${server.url}/studio/${SLUG}`, async (page) => {
      // The library's names are on the Assets tab.
      await page.getByRole('tab', { name: 'Assets' }).click({ timeout: SETTLE_MS });
    });

    // The embed, framed by another site with its key (the poster shows the world's name and description).
    const embedUrl = `${server.url}/embed/${SLUG}?k=${encodeURIComponent(key)}`;
    await visit(
      'embed',
      host.page('/embed.html', `<!doctype html><iframe src="${embedUrl}" width="800" height="450"></iframe>`),
    );

    // Framing: the player and the studio must not show inside another site; the embed (its key) must.
    const framePage = await context.newPage();
    const targets = {
      player: `${server.url}/w/${SLUG}`,
      studio: `${server.url}/studio/${SLUG}`,
      embed: embedUrl,
    };
    await framePage.goto(
      host.page(
        '/frames.html',
        `<!doctype html>${Object.entries(targets)
          .map(([name, src]) => `<iframe name="${name}" src="${src}" width="320" height="200"></iframe>`)
          .join('')}`,
      ),
    );
    await framePage.waitForTimeout(SETTLE_MS / 2);
    const frames = { blocked: [] as string[], allowed: [] as string[] };
    for (const name of Object.keys(targets)) {
      const frame = framePage.frame({ name });
      // A frame the browser refused holds its error page (chrome-error://chromewebdata/), not ours.
      const href = await frame?.evaluate<string>('location.href').catch(() => undefined);
      (href?.startsWith(server.url) ? frames.allowed : frames.blocked).push(name);
    }
    await framePage.close();
    await context.close();

    const figures = {
      payloads: entries.length,
      scriptsRun: watch.executions,
      javascriptLinks,
      markersShown,
      frames,
    };
    return { ...figures, pass: webSurfacesPass(figures) };
  } finally {
    for (const visitor of visitors) await visitor.leave().catch(() => undefined);
    await browser.close();
    await host.close();
    await server.stop();
  }
}
