/**
 * The world widget in Chromium, with the host pages on another site (http://localhost:<port>) than the
 * server (http://127.0.0.1:<port>): a lazy element loads on scroll, poster → Enter → joined, a spectator
 * sees avatars move, every API method and event, two widgets on one page, a disallowed origin refused (the
 * element says why, a plain iframe is blocked by frame-ancestors), a revoked key ends a running embed, a
 * private world through a token the site's backend minted — and no uncaught error on any host page.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, ElementHandle, Frame, Page } from 'playwright-core';
import {
  apiClient,
  createOrg,
  createWorld,
  ok,
  registerAccount,
  replaceDraft,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import { launchBrowser, openWatchedPage, saveScreenshot, type WatchedPage } from '../helpers/browser.js';
import { hostPage, startHostSite, type HostSite } from '../helpers/host-site.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { drive, joinWorld } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';
import type { MibTestHook } from '../../client/src/shared/world/test-hook.js';

let server: ServerProcess;
let browser: Browser;
let site: HostSite;
let owner: SignedIn;
let plazaKey: string;

const SCENE = {
  schema: 2,
  entities: {
    main: {
      order: 'a0',
      transform: { position: [0, 0, 0] },
      components: { 'spawn-point': { name: 'main', default: true } },
    },
    stage: {
      order: 'a1',
      transform: { position: [12, 0, 12] },
      components: { 'spawn-point': { name: 'stage' } },
    },
    sign: {
      order: 'a2',
      transform: { position: [0, 2.5, 6], rotation: [0, 1, 0, 0] },
      components: { text: { text: 'Embedded plaza', size: 0.6 } },
    },
  },
};

/** Console errors a host page may show: the browser's own report of a frame it blocked on purpose. */
const BLOCKED_FRAME = [/frame-ancestors/, /Refused to frame/];
/** The browser's own console line for a refused request (the element answers it in words). */
const REFUSED = (status: number) => new RegExp(`status of ${status}`);

async function publishedWorld(slug: string, visibility: 'public' | 'private'): Promise<void> {
  await createWorld(owner.api, 'embed-co', {
    slug,
    name: `${slug[0]!.toUpperCase()}${slug.slice(1)}`,
    visibility,
  });
  await replaceDraft(owner.api, slug, SCENE);
  await ok(sdk.scenesPublish({ client: owner.api, path: { slug }, body: { message: 'open' } }), 201);
}

async function embedKey(slug: string, origins: string[]): Promise<{ key: string; id: string }> {
  const created = await ok(
    sdk.worldsCreateKey({
      client: owner.api,
      path: { slug },
      body: { name: 'site', scopes: ['embed'], origins },
    }),
    201,
  );
  return { key: created.key, id: created.apiKey.id };
}

async function open(path: string, body: string, expected: RegExp[] = []): Promise<WatchedPage> {
  const watched = await openWatchedPage(browser, expected, { width: 1100, height: 760 });
  await watched.page.goto(site.page(path, hostPage(server.url, body)));
  return watched;
}

type HostEvent = { id: string; name: string; detail: Record<string, unknown> };
const events = (page: Page): Promise<HostEvent[]> =>
  page.evaluate(() => (window as unknown as { mibEvents: HostEvent[] }).mibEvents);
const waitForEvent = (page: Page, id: string, name: string, what = `${id}: ${name}`) =>
  waitFor(async () => (await events(page)).find((event) => event.id === id && event.name === name), Boolean, {
    what,
    timeoutMs: 45_000,
  });

/** The world frame of element `id` (the embed page inside it). */
/** Everyone in the plaza's instances (visitors and spectators), as its owner's API lists them. */
async function plazaPopulation(): Promise<number> {
  return (await ok(sdk.worldsListInstances({ client: owner.api, path: { slug: 'plaza' } }), 200)).population;
}

async function frameOf(page: Page, id: string): Promise<Frame> {
  const handle = await page.locator(`#${id}`).evaluateHandle((el) => el.shadowRoot!.querySelector('iframe'));
  const frame = await (handle.asElement() as ElementHandle<HTMLIFrameElement>).contentFrame();
  if (!frame) throw new Error(`element ${id} has no loaded frame`);
  return frame;
}

const hookIn = (frame: Frame) =>
  frame.evaluate(() => {
    const h = (window as unknown as { __mib: MibTestHook }).__mib;
    return { connection: h.connection, avatars: h.avatars, self: h.self, problem: h.problem };
  });

/** Calls an API method of element `id` in the host page; resolves to its value or to { error: code }. */
const call = (page: Page, id: string, method: string, ...args: unknown[]) =>
  page.evaluate(
    async ({ id, method, args }) => {
      const el = document.getElementById(id) as unknown as Record<
        string,
        (...a: unknown[]) => Promise<unknown>
      >;
      try {
        return { value: await el[method]!(...args) };
      } catch (error) {
        return { error: (error as { code?: string }).code ?? String(error) };
      }
    },
    { id, method, args },
  );

beforeAll(async () => {
  server = await startServerProcess({ DATA_DIR: await tempDir(), EMBED_REVOCATION_CHECK_SECONDS: '2' });
  // Third-party cookies blocked, as more and more browsers do: the embed must not need them.
  browser = await launchBrowser(['--test-third-party-cookie-phaseout']);
  site = await startHostSite();
  owner = await registerAccount(server.url, 'Owner');
  await createOrg(owner.api, 'embed-co', 'Embed Co');
  await publishedWorld('plaza', 'public');
  await publishedWorld('vault', 'private');
  plazaKey = (await embedKey('plaza', [site.origin])).key;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
});

describe('the world widget on another site', () => {
  it('loads a lazy element only on scroll, then poster → Enter → joined', async () => {
    const watched = await open(
      '/lazy',
      `<div style="height:2400px">Scroll down for the world</div>
       <mib-world id="w" world="plaza" embed-key="${plazaKey}" reveal="interaction" mode="join" name="Ada"></mib-world>`,
    );
    const { page } = watched;
    const posterAsked = () =>
      page.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.includes('/embeds/')));
    await page.waitForTimeout(1_000);
    expect(await posterAsked()).toBe(false); // far below the viewport: nothing asked yet
    await page.locator('#w').scrollIntoViewIfNeeded();
    const enter = page.locator('#w').locator('button[part="enter-button"]');
    await enter.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await enter.getAttribute('aria-label')).toBe('Enter Plaza');
    expect(await page.locator('#w').getAttribute('aria-label')).toBe('Plaza, a live 3D world');
    // Before the click: no frame, so no world code.
    expect(await page.locator('#w').evaluate((el) => el.shadowRoot!.querySelector('iframe'))).toBeNull();
    await saveScreenshot(page, 'embed-poster');
    await enter.focus();
    await page.keyboard.press('Enter'); // by keyboard
    await waitForEvent(page, 'w', 'joined');
    const frame = await frameOf(page, 'w');
    const inside = await waitFor(
      () => hookIn(frame),
      (h) => h.self !== null && h.connection === 'joined',
      {
        what: 'an avatar of our own in the frame',
        timeoutMs: 30_000,
      },
    );
    expect(inside.avatars.find((a) => a.local)?.local).toBe(true);
    await waitForEvent(page, 'w', 'load');
    await page.waitForTimeout(800);
    await saveScreenshot(page, 'embed-joined');
    expect(watched.problems).toEqual([]);
    // Leaving the host page leaves the world at once (no avatar left behind for the grace period).
    await page.goto('about:blank');
    await page.close();
    await waitFor(
      () => plazaPopulation(),
      (count) => count === 0,
      {
        what: 'the visitor gone with its page, well within the 30 s reconnection grace',
      },
    );
  });

  it('ends the seat of a frame torn down while busy: the loader on the host page sends the leave', async () => {
    const watched = await open(
      '/torn',
      `<mib-world id="w" world="plaza" embed-key="${plazaKey}" loading="eager" mode="join" name="Torn"></mib-world>`,
    );
    const { page } = watched;
    await waitForEvent(page, 'w', 'joined');
    await waitFor(
      () => plazaPopulation(),
      (count) => count === 1,
      { what: 'the visitor counted' },
    );
    const notices: Array<{ fromHost: boolean; body: string }> = [];
    page.on('request', (request) => {
      if (/\/rooms\/[^/]+\/leave$/.test(request.url()))
        notices.push({ fromHost: request.frame() === page.mainFrame(), body: request.postData() ?? '' });
    });
    // The frame's thread is busy (a heavy frame on a slow machine): its pagehide cannot run as it is torn
    // down, so the host page's loader says it left.
    const frame = await frameOf(page, 'w');
    await frame.evaluate(() => {
      setTimeout(() => {
        const until = Date.now() + 3_000;
        while (Date.now() < until);
      });
    });
    await page.locator('#w').evaluate((element) => element.remove());
    const sent = await waitFor(() => notices.find((notice) => notice.fromHost), Boolean, {
      what: 'the loader’s leave notice',
    });
    expect(sent!.body).toMatch(/^sessionId=[\w-]+&token=[\w-]+$/);
    await waitFor(
      () => plazaPopulation(),
      (count) => count === 0,
      {
        what: 'the seat ended, within the 30 s reconnection grace',
      },
    );
    expect(watched.problems).toEqual([]);
    await page.close();
  });

  it('lets a spectator watch avatars move, and answers every API method with its events', async () => {
    const bot = await joinWorld(server.url, { world: 'plaza', name: 'Walker' });
    const watched = await open(
      '/api',
      `<mib-world id="w" world="plaza" embed-key="${plazaKey}" loading="eager" style="width:900px"></mib-world>`,
    );
    const { page } = watched;
    await waitForEvent(page, 'w', 'ready');
    const frame = await frameOf(page, 'w');
    // No avatar of its own; the bot is seen, and its moves too.
    const seen = await waitFor(
      () => hookIn(frame),
      (h) => h.avatars.some((a) => a.name === 'Walker'),
      {
        what: 'the walking visitor in the spectator’s view',
        timeoutMs: 30_000,
      },
    );
    expect(seen.self).toBeNull();
    const startX = seen.avatars.find((a) => a.name === 'Walker')!.x;
    await drive(
      bot,
      Array.from({ length: 24 }, (_, i) => ({ seq: i + 1, x: 1, z: 0, run: true })),
    );
    await waitFor(
      () => hookIn(frame),
      (h) => (h.avatars.find((a) => a.name === 'Walker')?.x ?? startX) > startX + 2,
      {
        what: 'the visitor’s walk seen by the spectator',
      },
    );
    await saveScreenshot(page, 'embed-spectating');
    // The walker only (the first test's visitor left with its page; this spectator does not count).
    await waitFor(
      () => call(page, 'w', 'getPopulation'),
      (r) => r.value === 1,
      { what: 'population 1' },
    );
    expect(
      await call(page, 'w', 'setCamera', { position: { x: 0, y: 8, z: -14 }, target: { x: 0, y: 1, z: 0 } }),
    ).toEqual({ value: undefined });
    expect(await call(page, 'w', 'setCamera', { position: { x: 0, y: 'high' } })).toEqual({
      error: 'bad-argument',
    });
    expect(await call(page, 'w', 'sendChat', 'hello?')).toEqual({ error: 'not-joined' });
    expect(await call(page, 'w', 'teleport', 'stage')).toEqual({ value: undefined });
    expect(await call(page, 'w', 'teleport', 'nowhere')).toEqual({ error: 'bad-argument' });
    expect(await call(page, 'w', 'join', { name: 'Grace' })).toEqual({ value: undefined });
    await waitForEvent(page, 'w', 'joined');
    await waitFor(
      () => call(page, 'w', 'getPopulation'),
      (r) => r.value === 2,
      { what: 'population 2 after joining' },
    );
    await waitFor(
      async () => (await events(page)).some((e) => e.name === 'population' && e.detail.count === 2),
      Boolean,
      {
        what: 'a population event of 2',
      },
    );
    expect(await call(page, 'w', 'sendChat', 'hello from the embed')).toEqual({ value: undefined });
    await waitFor(
      async () =>
        (await events(page)).find((e) => e.name === 'chat' && e.detail.text === 'hello from the embed'),
      Boolean,
      {
        what: 'our chat line as a chat event',
      },
    );
    bot.say('hello embed', 'instance');
    await waitFor(
      async () => (await events(page)).find((e) => e.name === 'chat' && e.detail.text === 'hello embed'),
      Boolean,
      {
        what: 'the bot’s chat line as a chat event',
      },
    );
    expect(await call(page, 'w', 'emote', 'wave')).toEqual({ value: undefined });
    expect(await call(page, 'w', 'emote', 'moonwalk')).toEqual({ error: 'bad-argument' });
    expect(await call(page, 'w', 'teleport', 'stage')).toEqual({ value: undefined });
    const atStage = await waitFor(
      () => hookIn(frame),
      (h) => (h.self?.x ?? 0) > 8,
      { what: 'our avatar at the stage spawn' },
    );
    expect(atStage.self!.z).toBeGreaterThan(8);
    expect(await call(page, 'w', 'leave')).toEqual({ value: undefined });
    await waitForEvent(page, 'w', 'left');
    expect((await hookIn(frame)).self).toBeNull();
    const names = new Set((await events(page)).map((e) => e.name));
    for (const name of ['ready', 'load', 'progress', 'joined', 'left', 'population', 'chat'])
      expect(names).toContain(name);
    await bot.leave();
    expect(watched.problems).toEqual([]);
    await page.close();
  });

  it('runs the host’s commands one at a time: joins and leaves at once hold one seat at most, and a flood hears busy', async () => {
    // Alone in its instance, a seat that leaves ends it: the next seat asked there meets 522 (the browser
    // logs it), then takes any instance.
    const watched = await open(
      '/burst',
      `<mib-world id="b" world="plaza" embed-key="${plazaKey}" loading="eager" style="width:600px"></mib-world>`,
      [REFUSED(522)],
    );
    const { page } = watched;
    await waitForEvent(page, 'b', 'ready');
    const outcomes = await page.evaluate(async () => {
      const el = document.getElementById('b') as unknown as Record<
        string,
        (...a: unknown[]) => Promise<unknown>
      >;
      const calls = Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0 ? el.join!({ name: 'Burst' }) : el.leave!(),
      );
      return (await Promise.allSettled(calls)).map((r) =>
        r.status === 'fulfilled'
          ? 'ok'
          : `${(r.reason as { code?: string }).code}: ${(r.reason as { message?: string }).message}`,
      );
    });
    // 32 wait their turn and run; the rest are refused at once, saying why.
    expect(outcomes.filter((o) => o.startsWith('busy:'))).toHaveLength(8);
    expect(outcomes.filter((o) => o !== 'ok' && !o.startsWith('busy:'))).toEqual([]);
    expect(await call(page, 'b', 'leave')).toEqual({ value: undefined });
    // The embed watching, and no visitor seat: before commands ran one at a time, each overlapping join
    // took a seat and kept it.
    await waitFor(plazaPopulation, (n) => n === 1, {
      what: 'only the spectator left after the last leave',
      timeoutMs: 15_000,
    });
    expect(watched.problems).toEqual([]);
    await page.close();
  });

  it('runs two widgets on one page independently, one of them refused with its reason', async () => {
    const watched = await open(
      '/two',
      `<mib-world id="a" world="plaza" embed-key="${plazaKey}" loading="eager" style="width:480px;display:inline-block"></mib-world>
       <mib-world id="b" world="plaza" embed-key="mibe_not-a-key" loading="eager" style="width:480px;display:inline-block"></mib-world>`,
      [REFUSED(401)],
    );
    const { page } = watched;
    await waitForEvent(page, 'a', 'ready');
    const refused = await waitForEvent(page, 'b', 'error');
    expect(refused!.detail.code).toBe('key-invalid');
    expect(await page.locator('#b').locator('[part="message"]').textContent()).toContain('unknown');
    await saveScreenshot(page, 'embed-two-widgets');
    expect(watched.problems).toEqual([]);
    await page.close();
  });

  it('refuses a site the key does not list: the element says why, and a plain iframe is blocked', async () => {
    const other = await startHostSite(); // another origin, not in the key's list
    try {
      const watched = await openWatchedPage(browser, [...BLOCKED_FRAME, REFUSED(403)]);
      const { page } = watched;
      await page.goto(
        other.page(
          '/elsewhere',
          hostPage(
            server.url,
            `<mib-world id="w" world="plaza" embed-key="${plazaKey}" loading="eager"></mib-world>
             <iframe id="plain" src="${server.url}/embed/plaza?k=${plazaKey}" width="480" height="270"></iframe>`,
          ),
        ),
      );
      const refused = await waitForEvent(page, 'w', 'error');
      expect(refused!.detail.code).toBe('origin-not-allowed');
      expect(await page.locator('#w').locator('[part="message"]').textContent()).toContain(other.origin);
      // The browser blocked the plain frame (frame-ancestors): its document never became the embed page.
      await page.waitForTimeout(1_500);
      const plain = page.frames().find((frame) => frame !== page.mainFrame());
      const embedded = await plain
        ?.evaluate(() => Boolean(document.querySelector('#root')))
        .catch(() => false);
      expect(embedded).toBe(false);
      await saveScreenshot(page, 'embed-origin-refused');
      expect(watched.problems).toEqual([]);
      await page.close();
    } finally {
      await other.close();
    }
  });

  it('ends a running embed when its key is revoked, and refuses the key from then on', async () => {
    const { key, id } = await embedKey('plaza', [site.origin]);
    const watched = await open(
      '/revoked',
      `<mib-world id="w" world="plaza" embed-key="${key}" loading="eager"></mib-world>`,
      [REFUSED(401)],
    );
    const { page } = watched;
    await waitForEvent(page, 'w', 'ready');
    await ok(sdk.worldsRevokeKey({ client: owner.api, path: { slug: 'plaza', keyId: id } }), 204);
    const ended = await waitForEvent(page, 'w', 'error', 'the revoked embed to end');
    expect(ended!.detail.code).toBe('key-revoked');
    expect(await page.locator('#w').getAttribute('state')).toBe('error');
    await saveScreenshot(page, 'embed-revoked');
    await page.reload();
    const refused = await waitForEvent(page, 'w', 'error', 'the revoked key refused on reload');
    expect(refused!.detail.code).toBe('key-revoked');
    expect(watched.problems).toEqual([]);
    await page.close();
  });

  it('answers oEmbed for an embed address, and gives share links Open Graph tags (public worlds only)', async () => {
    const address = `${server.url}/embed/plaza?k=${plazaKey}`;
    const oembed = await fetch(`${server.url}/oembed?url=${encodeURIComponent(address)}&maxwidth=640`);
    expect(oembed.status).toBe(200);
    const answer = (await oembed.json()) as {
      type: string;
      title: string;
      html: string;
      width: number;
      height: number;
    };
    expect(answer).toMatchObject({ type: 'rich', version: '1.0', title: 'Plaza', width: 640, height: 360 });
    expect(answer.html).toContain(`src="${server.url}/embed/plaza?k=${plazaKey}"`);
    const keyless = await fetch(
      `${server.url}/oembed?url=${encodeURIComponent(`${server.url}/embed/plaza`)}`,
    );
    expect(keyless.status).toBe(400);
    expect(((await keyless.json()) as { detail: string }).detail).toContain('Share panel');
    expect((await fetch(`${server.url}/oembed?url=${encodeURIComponent(address)}&format=xml`)).status).toBe(
      501,
    );
    expect(
      (
        await fetch(
          `${server.url}/oembed?url=${encodeURIComponent('https://elsewhere.example/embed/plaza?k=x')}`,
        )
      ).status,
    ).toBe(404);
    const embedPage = await (await fetch(address)).text();
    expect(embedPage).toContain('type="application/json+oembed"');
    const share = await (await fetch(`${server.url}/w/plaza`)).text();
    expect(share).toContain('<meta property="og:title" content="Plaza" />');
    expect(share).toContain(`<meta property="og:url" content="${server.url}/w/plaza" />`);
    expect(share.match(/<title>/g)).toHaveLength(1);
    const hidden = await (await fetch(`${server.url}/w/vault`)).text();
    expect(hidden).not.toContain('og:title');
    expect(hidden).not.toContain('Vault');
  });

  it('embeds a private world only with a token its backend minted, never with the public key', async () => {
    const vaultKey = await embedKey('vault', [site.origin]);
    const backend = await ok(
      sdk.worldsCreateKey({
        client: owner.api,
        path: { slug: 'vault' },
        body: { name: 'backend', scopes: ['manage'] },
      }),
      201,
    );
    // What the site's backend does per page view: mint a short-lived token for its own origin.
    const minted = await ok(
      sdk.embedMint({
        client: apiClient(server.url, backend.key),
        path: { slug: 'vault' },
        body: { origin: site.origin },
      }),
      201,
    );
    const watched = await open(
      '/private',
      `<mib-world id="pub" world="vault" embed-key="${vaultKey.key}" loading="eager" style="width:480px;display:inline-block"></mib-world>
       <mib-world id="tok" world="vault" embed-token="${minted.token}" loading="eager" style="width:480px;display:inline-block"></mib-world>`,
      [REFUSED(403)],
    );
    const { page } = watched;
    const refused = await waitForEvent(page, 'pub', 'error');
    expect(refused!.detail.code).toBe('world-private');
    await waitForEvent(page, 'tok', 'ready');
    const frame = await frameOf(page, 'tok');
    await waitFor(
      () => hookIn(frame),
      (h) => h.connection === 'joined',
      { what: 'the private world watched' },
    );
    await saveScreenshot(page, 'embed-private');
    expect(watched.problems).toEqual([]);
    await page.close();
  });
});
