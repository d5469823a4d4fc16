/**
 * An uploaded sky, as a creator makes one and a visitor sees it, in Chromium against the built server: the
 * studio takes a Radiance .hdr in its asset panel (uploaded as an environment, shrunk to its budget),
 * "Use as sky" lights the scene with it, the inspector shows it picked with its preview, and once published
 * the player loads it from the asset store as the world's sky and light. Screenshots: studio-sky-*.png and
 * player-sky-uploaded.png.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import type { MibTestHook } from '../../client/src/shared/world/test-hook.js';
import { radianceHdr } from '../../bench/assets/hdr-environments.js';
import { createOrg, createWorld, ok, registerAccount, replaceDraft, sdk } from '../helpers/api.js';
import { launchBrowser, openWatchedPage, saveScreenshot, type WatchedPage } from '../helpers/browser.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { studioPage } from '../helpers/studio-page.js';
import { waitFor } from '../helpers/wait.js';

const SLUG = 'sky-garden';

let server: ServerProcess;
let browser: Browser;
let studioTab: WatchedPage;
let owner: Awaited<ReturnType<typeof registerAccount>>;

const { studio, saved, tab, inspector, row } = studioPage(() => studioTab.page);

beforeAll(async () => {
  server = await startServerProcess({ DATA_DIR: await tempDir() });
  browser = await launchBrowser();
  owner = await registerAccount(server.url, 'Skye');
  await createOrg(owner.api, 'sky-co');
  await createWorld(owner.api, 'sky-co', { slug: SLUG, name: 'Sky Garden', visibility: 'public' });
  await replaceDraft(owner.api, SLUG, {
    schema: 2,
    entities: {
      spawn: {
        order: 'a0',
        transform: { position: [0, 0, 0] },
        components: { 'spawn-point': { name: 'start' } },
      },
      sign: {
        name: 'Sign',
        order: 'a1',
        transform: { position: [0, 2, -5] },
        components: { text: { text: 'Sky Garden', size: 0.8 } },
      },
    },
  });
  studioTab = await openWatchedPage(browser, [], { width: 1280, height: 800 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('an uploaded sky', () => {
  it('is uploaded in the studio, used as the sky and shown picked with its preview', async () => {
    const page = studioTab.page;
    await page.goto(`${server.url}/studio/${SLUG}`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).last().click();
    await waitFor(studio, (s) => !!s?.scene, { what: 'the studio to open the draft', timeoutMs: 20_000 });

    const file = path.join(await tempDir('mib-studio-sky-'), 'golden-hour.hdr');
    await writeFile(file, radianceHdr(2560, 1280)); // over the 2048 px budget: shrunk, not refused
    await tab('Assets');
    await page.locator('.studio-upload input[type=file]').setInputFiles(file);
    await page.getByText('golden-hour.hdr is ready.').waitFor({ timeout: 90_000 });
    const item = page.locator('.studio-asset-list li', { hasText: 'golden-hour' });
    await item.getByText(/environment \(HDR sky\) · [\d.]+ (kB|MB)/).waitFor();
    await expect(item.locator('img').getAttribute('src')).resolves.toMatch(/\/assets\/files\/[0-9a-f]{64}$/);
    await saveScreenshot(page, 'studio-sky-uploaded');

    await item.getByRole('button', { name: 'Use as sky' }).click();
    const lit = await waitFor(
      studio,
      (s) =>
        Object.values(s?.scene?.entities ?? {}).some((e) =>
          /^[0-9a-f]{64}$/.test(e.components.environment?.hdri ?? ''),
        ),
      { what: 'the scene to be lit by the upload' },
    );
    const [skyId, sky] = Object.entries(lit!.scene!.entities).find(
      ([, e]) => e.components.environment?.hdri,
    )!;
    const hash = sky.components.environment!.hdri!;
    await saved();

    // The inspector shows the environment's HDR field as an uploaded one, picked by name, with its preview.
    await row(skyId).click();
    await tab('Inspector');
    await expect(inspector().getByLabel('HDR environment kind').inputValue()).resolves.toBe('1');
    const picker = inspector().getByLabel('HDR environment (uploaded)');
    await expect(picker.inputValue()).resolves.toBe(hash);
    await expect(picker.locator('option:checked').textContent()).resolves.toBe('golden-hour.hdr');
    await inspector().getByAltText('Preview of golden-hour.hdr').waitFor();
    await saveScreenshot(page, 'studio-sky-picked');

    // Undo takes the sky away again (one step), redo brings it back.
    await page.keyboard.press('Control+z');
    await waitFor(studio, (s) => s?.scene?.entities[skyId]?.components.environment?.hdri !== hash, {
      what: 'undo to take the sky away',
    });
    await page.keyboard.press('Control+Shift+z');
    await waitFor(studio, (s) => s?.scene?.entities[skyId]?.components.environment?.hdri === hash, {
      what: 'redo to bring it back',
    });
    await saved();
  }, 180_000);

  it('lights and surrounds the published world in the player', async () => {
    await ok(sdk.scenesPublish({ client: owner.api, path: { slug: SLUG }, body: { message: 'sky' } }), 201);
    const visitor = await openWatchedPage(browser);
    const page = visitor.page;
    await page.goto(`${server.url}/?world=${SLUG}&name=Visitor`);
    const hook = () => page.evaluate(() => (window as unknown as { __mib: MibTestHook }).__mib.environment);
    await waitFor(
      () => page.evaluate(() => (window as unknown as { __mib?: MibTestHook }).__mib?.connection),
      (connection) => connection === 'joined',
      { what: 'the visitor to join', timeoutMs: 30_000 },
    );
    // The tests keep the detailed sky off (software WebGL); a visitor turns it on in the settings.
    await page.click('button.settings-button');
    await page.locator('input[aria-label="Detailed sky and ground"]').check();
    await page.click('button.settings-button');
    const environment = await waitFor(hook, (e) => !!e && e.state !== 'loading', {
      what: 'the uploaded sky to load',
    });
    expect(environment).toEqual({ hdri: expect.stringMatching(/^[0-9a-f]{64}$/), state: 'loaded' });
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.loading')!).opacity === '0');
    await saveScreenshot(page, 'player-sky-uploaded');
  }, 120_000);
});
