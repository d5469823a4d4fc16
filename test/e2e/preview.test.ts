/**
 * A preview of a world's draft in the browser: an editor opens /?world=<slug>&preview=1 and walks the saved
 * draft (not the published scene), which reloads in the page when someone saves the draft; a visitor of
 * the same world is refused with words that say who may preview. (The studio: studio.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import {
  createOrg,
  createWorld,
  grantWorldRoles,
  ok,
  registerAccount,
  replaceDraft,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import { launchBrowser, openWatchedPage, saveScreenshot } from '../helpers/browser.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';
import type { MibTestHook } from '../../client/src/shared/world/test-hook.js';

let server: ServerProcess;
let browser: Browser;
let editor: SignedIn & { email: string; password: string };
let visitor: SignedIn & { email: string; password: string };

/** Walls across the courtyard: `n` box colliders (the published scene has none). */
const withWalls = (n: number, sign: string) => ({
  schema: 2,
  entities: {
    spawn: {
      order: 'a0',
      transform: { position: [0, 0, 0] },
      components: { 'spawn-point': { name: 'main', default: true } },
    },
    sign: {
      order: 'a1',
      transform: { position: [0, 2.5, 6], rotation: [0, 1, 0, 0] },
      components: { text: { text: sign, size: 0.5 } },
    },
    ...Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `wall-${i}`,
        {
          order: `a${i + 2}`,
          transform: { position: [-6 + i * 4, 1, 8] },
          components: { collider: { shape: { kind: 'box', halfExtents: [1.5, 1, 0.2] } } },
        },
      ]),
    ),
  },
});

/** A page signed in as `who` (the player keeps its session in sessionStorage). */
async function pageAs(who: SignedIn, expected: RegExp[] = []) {
  const watched = await openWatchedPage(browser, expected);
  const session = {
    accessToken: who.session.accessToken,
    refreshToken: who.session.refreshToken,
    expiresAt: Date.now() + who.session.expiresIn * 1000,
    displayName: who.session.account.displayName,
    registered: true,
  };
  await watched.page.addInitScript(
    (stored) => sessionStorage.setItem('mib.session', stored),
    JSON.stringify(session),
  );
  return watched;
}

const hook = (page: Page) =>
  page.evaluate(() => {
    const h = (window as unknown as { __mib: MibTestHook }).__mib;
    return { connection: h.connection, scene: h.scene, problem: h.problem };
  });

beforeAll(async () => {
  server = await startServerProcess({ DATA_DIR: await tempDir() });
  browser = await launchBrowser();
  const owner = await registerAccount(server.url, 'Owner');
  editor = await registerAccount(server.url, 'Editor');
  visitor = await registerAccount(server.url, 'Visitor');
  await createOrg(owner.api, 'atelier-co', 'Atelier');
  await createWorld(owner.api, 'atelier-co', { slug: 'atelier', name: 'Atelier', visibility: 'public' });
  await grantWorldRoles(owner.api, 'atelier', [
    [editor, 'editor'],
    [visitor, 'visitor'],
  ]);
  await replaceDraft(owner.api, 'atelier', withWalls(0, 'Published'));
  await ok(
    sdk.scenesPublish({ client: owner.api, path: { slug: 'atelier' }, body: { message: 'open' } }),
    201,
  );
  await replaceDraft(owner.api, 'atelier', withWalls(2, 'Draft: two walls'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('previews of a draft', () => {
  it('shows an editor the saved draft, and reloads it when the draft is saved', async () => {
    const watched = await pageAs(editor);
    const { page } = watched;
    await page.goto(`${server.url}/?world=atelier&preview=1&name=Editor`);
    const joined = await waitFor(
      () => hook(page),
      (h) => h.connection === 'joined' && h.scene.version > 0,
      {
        what: 'the preview to join and load the draft',
        timeoutMs: 30_000,
      },
    );
    expect(joined.scene.obstacles).toBe(2); // the draft's walls; the published scene has none
    expect(await page.locator('.preview-badge').textContent()).toBe('Preview of the draft');
    await saveScreenshot(page, 'preview-draft');
    await replaceDraft(editor.api, 'atelier', withWalls(3, 'Draft: three walls'));
    const reloaded = await waitFor(
      () => hook(page),
      (h) => h.scene.obstacles === 3,
      {
        what: 'the preview to reload the saved draft',
      },
    );
    expect(reloaded.scene.version).toBeGreaterThan(joined.scene.version);
    await page.waitForTimeout(500);
    await saveScreenshot(page, 'preview-draft-saved');
    expect(watched.problems).toEqual([]);
    await page.close();
  });

  it('refuses a visitor of the world, saying previews are for its editors', async () => {
    const watched = await pageAs(visitor, [/status of 403/]);
    const { page } = watched;
    await page.goto(`${server.url}/?world=atelier&preview=1&name=Visitor`);
    const refused = await waitFor(
      () => hook(page),
      (h) => h.connection === 'error',
      {
        what: 'the preview join to be refused',
      },
    );
    expect(refused.problem).toMatch(
      /^Previews of a world's draft are for its editors \(.*\)\. Sign in as one of them\.$/,
    );
    await page
      .getByText(/Previews of a world's draft are for its editors/)
      .first()
      .waitFor({ state: 'visible' });
    await saveScreenshot(page, 'preview-refused');
    await page.close();
  });
});
