/**
 * Who gets the studio's editor, in Chromium against the built server: a visitor of a world who signs in at
 * /studio/<slug> is told why there is no editor; an editor whose role is taken away, or whose world is
 * deleted, while the editor is open is told so and the editor turns read-only (nothing more is sent).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import {
  createOrg,
  createWorld,
  grantWorldRoles,
  ok,
  registerAccount,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import { launchBrowser, openWatchedPage, saveScreenshot } from '../helpers/browser.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';
import type { StudioTestHook } from '../../client/src/apps/studio/test-hook.js';

type Account = SignedIn & { email: string; password: string };
let server: ServerProcess;
let browser: Browser;
let owner: Account;
let editor: Account;
let visitor: Account;

async function signIn(page: Page, who: Account, slug: string): Promise<void> {
  await page.goto(`${server.url}/studio/${slug}`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).last().click();
}

const hook = (page: Page) =>
  page.evaluate(() => {
    const studio = (window as unknown as { __mibStudio?: StudioTestHook }).__mibStudio;
    return studio ? { save: studio.save, entities: Object.keys(studio.scene?.entities ?? {}).length } : null;
  });

beforeAll(async () => {
  server = await startServerProcess({ DATA_DIR: await tempDir() });
  browser = await launchBrowser();
  owner = await registerAccount(server.url, 'Owner');
  editor = await registerAccount(server.url, 'Editor');
  visitor = await registerAccount(server.url, 'Visitor');
  await createOrg(owner.api, 'keep-co', 'Keep');
  for (const slug of ['keep', 'doomed'])
    await createWorld(owner.api, 'keep-co', { slug, name: slug, template: 'plaza' });
  await grantWorldRoles(owner.api, 'keep', [
    [editor, 'editor'],
    [visitor, 'visitor'],
  ]);
  await grantWorldRoles(owner.api, 'doomed', [[editor, 'editor']]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the studio for those who may not edit', () => {
  it('tells a visitor of the world why, instead of opening the editor', async () => {
    const { page, problems } = await openWatchedPage(browser);
    await signIn(page, visitor, 'keep');
    await page
      .getByText(
        /Only the owners and editors of this world can open it in the studio; you are one of its visitors/,
      )
      .waitFor();
    expect(await page.getByRole('toolbar', { name: 'Edit' }).count()).toBe(0);
    await saveScreenshot(page, 'studio-access-visitor');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('turns read-only when the editor’s role is taken away while it is open', async () => {
    const { page, problems } = await openWatchedPage(browser, [/status of 403/], {
      width: 1280,
      height: 800,
    });
    await signIn(page, editor, 'keep');
    await waitFor(
      () => hook(page),
      (h) => (h?.entities ?? 0) > 0,
      { what: 'the editor to open the draft' },
    );
    await grantWorldRoles(owner.api, 'keep', [[editor, 'visitor']]);
    await page.getByText(/^Read-only: your role in this world is now visitor/).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Add entity' }).isDisabled()).toBe(true);
    // Nothing typed now reaches the draft.
    await page.locator('[data-entity="welcome"] .studio-tree-name').click();
    expect(await page.getByLabel('Position (m) x').isDisabled()).toBe(true);
    await page.keyboard.press('Delete');
    const draft = await ok(sdk.scenesDraft({ client: owner.api, path: { slug: 'keep' } }));
    expect(Object.keys(draft.entities)).toContain('welcome');
    await saveScreenshot(page, 'studio-access-demoted');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('turns read-only when the world is deleted while it is open', async () => {
    const { page, problems } = await openWatchedPage(browser, [/status of 404/], {
      width: 1280,
      height: 800,
    });
    await signIn(page, editor, 'doomed');
    await waitFor(
      () => hook(page),
      (h) => (h?.entities ?? 0) > 0,
      { what: 'the editor to open the draft' },
    );
    await ok(sdk.worldsRemove({ client: owner.api, path: { slug: 'doomed' } }));
    await page
      .getByText(/^Read-only: this world no longer exists \(it was deleted\)/)
      .waitFor({ timeout: 15_000 });
    expect((await hook(page))!.save).toBe('read-only');
    await saveScreenshot(page, 'studio-access-deleted');
    expect(problems).toEqual([]);
    await page.close();
  });
});
