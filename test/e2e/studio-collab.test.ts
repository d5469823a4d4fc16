/**
 * Two creators in the studio on one world, each in their own Chromium page against the built server: A
 * moves an entity and B sees it move; both edit one entity; B deletes what A is editing and A is told;
 * undo in A takes back only A's change; each sees the other's selection and can follow the other's view;
 * A loses its connection, keeps editing, comes back and both converge; B is demoted and turns read-only.
 * Screenshots of both pages at each step in test-artifacts/screenshots/collab-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { SceneDocument } from '../../protocol/index.js';
import type { StudioTestHook } from '../../client/src/apps/studio/test-hook.js';
import { grantWorldRoles, ok, worldWithEditor, replaceDraft, sdk, type SignedIn } from '../helpers/api.js';
import { launchBrowser, openWatchedPage, saveScreenshot, type WatchedPage } from '../helpers/browser.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

type Account = SignedIn & { email: string; password: string };
const SLUG = 'co-lab';
let server: ServerProcess;
let browser: Browser;
let owner: Account;
let editor: Account;
let a: WatchedPage;
let b: WatchedPage;
let step = 0;

const entity = (name: string, x: number, order: string) => ({
  name,
  order,
  transform: { position: [x, 0, 0] },
  components: {},
});

interface Seen {
  scene: SceneDocument | null;
  selection: string[];
  save: string;
  others: StudioTestHook['others'];
  following: string | null;
  notices: string[];
  view: { position: number[]; target: number[] } | null;
}
const seen = (page: Page) =>
  page.evaluate((): Seen | null => {
    const hook = (window as unknown as { __mibStudio?: StudioTestHook }).__mibStudio;
    return hook
      ? {
          scene: hook.scene,
          selection: hook.selection,
          save: hook.save,
          others: hook.others,
          following: hook.following,
          notices: hook.notices,
          view: hook.viewport?.view() ?? null,
        }
      : null;
  });
const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });
const row = (page: Page, id: string) => page.locator(`[data-entity="${id}"] .studio-tree-name`);
const same = () =>
  waitFor(
    async () => [JSON.stringify((await seen(a.page))?.scene), JSON.stringify((await seen(b.page))?.scene)],
    ([x, y]) => x === y && x !== undefined,
    { what: 'both pages to show the same draft' },
  );
const shots = async (name: string) => {
  step += 1;
  const label = `collab-${String(step).padStart(2, '0')}-${name}`;
  await a.page.waitForTimeout(300);
  await saveScreenshot(a.page, `${label}-a`);
  await saveScreenshot(b.page, `${label}-b`);
};

async function open(page: Page, who: Account): Promise<void> {
  await page.goto(`${server.url}/studio/${SLUG}`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).last().click();
  await waitFor(
    () => seen(page),
    (s) => Object.keys(s?.scene?.entities ?? {}).length > 0,
    {
      what: 'the studio to open the draft',
      timeoutMs: 20_000,
    },
  );
}

beforeAll(async () => {
  server = await startServerProcess({ DATA_DIR: await tempDir() });
  browser = await launchBrowser();
  ({ owner, editor } = await worldWithEditor(server.url, SLUG, {
    owner: 'Ada',
    editor: 'Ben',
    world: 'Co Lab',
  }));
  await replaceDraft(owner.api, SLUG, {
    schema: 2,
    entities: {
      stage: entity('Stage', 0, 'a0'),
      lamp: entity('Lamp', 3, 'a1'),
      bench: entity('Bench', -3, 'a2'),
    },
  });
  // Leaving, being sent away and the offline moment are expected to log in the pages.
  const expected = [/status of 4\d\d/, /WebSocket/, /closed unexpectedly/, /ERR_INTERNET_DISCONNECTED/];
  a = await openWatchedPage(browser, expected, { width: 1280, height: 800 });
  b = await openWatchedPage(browser, expected, { width: 1280, height: 800 });
  await open(a.page, owner);
  await open(b.page, editor);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('two creators in one world', () => {
  it('shows each the other, and a move by A live in B', async () => {
    await waitFor(
      () => seen(a.page),
      (s) => s?.others.some((o) => o.name === 'Ben') ?? false,
      {
        what: 'A to see Ben',
      },
    );
    await a.page.getByRole('list', { name: 'Editing now' }).getByText('Ben').waitFor();
    await row(a.page, 'lamp').click();
    await inspector(a.page).getByLabel('Position (m) x').fill('6');
    await waitFor(
      () => seen(b.page),
      (s) => s?.scene?.entities['lamp']?.transform.position[0] === 6,
      { what: 'B to see the lamp move' },
    );
    await shots('move-seen');
  });

  it('marks what the other has selected, and follows the other’s view', async () => {
    await row(b.page, 'bench').click();
    await a.page.getByLabel('Selected by Ben').waitFor();
    await b.page.keyboard.press('Home'); // B frames everything: its camera moves
    await a.page.getByRole('button', { name: 'Follow' }).click();
    const followed = await waitFor(
      async () => [(await seen(a.page))!.view, (await seen(b.page))!.view],
      ([mine, theirs]) =>
        !!mine && !!theirs && mine.position.every((v, i) => Math.abs(v - theirs.position[i]!) < 0.05),
      { what: 'A’s camera to follow B’s' },
    );
    expect(followed[0]).not.toBeNull();
    expect((await seen(a.page))!.following).toBe('Ben');
    await shots('following');
    await a.page.getByRole('button', { name: 'Following' }).click();
  });

  it('merges two edits of one entity', async () => {
    await row(a.page, 'stage').dblclick();
    await a.page.getByLabel('Rename stage').fill('Main stage');
    await a.page.keyboard.press('Enter');
    await row(b.page, 'stage').click();
    await inspector(b.page).getByLabel('Position (m) z').fill('4');
    await same();
    const stage = (await seen(a.page))!.scene!.entities['stage']!;
    expect(stage.name).toBe('Main stage');
    expect(stage.transform.position).toEqual([0, 0, 4]);
    await shots('both-edits');
  });

  it('undoes only A’s own change', async () => {
    await row(a.page, 'bench').dblclick();
    await a.page.getByLabel('Rename bench').fill('Long bench');
    await a.page.keyboard.press('Enter');
    await inspector(b.page).getByLabel('Position (m) x').fill('2'); // B still has the stage selected
    await same();
    await a.page.locator('.studio-editor').press('Control+z');
    await waitFor(
      () => seen(b.page),
      (s) => s?.scene?.entities['bench']?.name === 'Bench',
      { what: 'A’s rename undone, as B sees it' },
    );
    await same();
    expect((await seen(b.page))!.scene!.entities['stage']!.transform.position).toEqual([2, 0, 4]);
    await shots('undo-own');
  });

  it('lets B delete what A is editing, and tells A', async () => {
    await row(a.page, 'lamp').click();
    await row(b.page, 'lamp').click();
    await b.page.locator('.studio-editor').press('Delete');
    await waitFor(
      () => seen(a.page),
      (s) => s?.scene?.entities['lamp'] === undefined,
      { what: 'the lamp gone in A' },
    );
    await a.page.getByText(/“lamp” was deleted by another editor while you had it selected/).waitFor();
    await same();
    await shots('deleted-while-editing');
  });

  it('keeps A editing while its connection is down, and merges when it returns', async () => {
    await a.page.context().setOffline(true);
    await waitFor(
      () => seen(a.page),
      (s) => s?.save === 'offline',
      { what: 'A to notice it is offline', timeoutMs: 30_000 },
    );
    await row(a.page, 'bench').dblclick();
    await a.page.getByLabel('Rename bench').fill('Offline bench');
    await a.page.keyboard.press('Enter');
    await row(b.page, 'bench').click();
    await inspector(b.page).getByLabel('Position (m) y').fill('1');
    await shots('a-offline');
    await a.page.context().setOffline(false);
    await waitFor(
      () => seen(a.page),
      (s) => s?.save === 'saved',
      { what: 'A back and saved', timeoutMs: 30_000 },
    );
    await same();
    const bench = (await seen(b.page))!.scene!.entities['bench']!;
    expect(bench.name).toBe('Offline bench');
    expect(bench.transform.position[1]).toBe(1);
    const draft = await ok(sdk.scenesDraft({ client: owner.api, path: { slug: SLUG } }));
    await waitFor(
      async () => (await ok(sdk.scenesDraft({ client: owner.api, path: { slug: SLUG } }))).entities['bench'],
      (saved) => saved?.name === 'Offline bench',
      { what: 'the merged bench saved' },
    );
    expect(Object.keys(draft.entities).sort()).toEqual(['bench', 'stage']);
    await shots('converged');
  });

  it('turns B read-only when demoted', async () => {
    await grantWorldRoles(owner.api, SLUG, [[editor, 'visitor']]);
    await b.page.getByText(/^Read-only: your role in this world is now visitor/).waitFor({ timeout: 15_000 });
    expect(await b.page.getByRole('button', { name: 'Add entity' }).isDisabled()).toBe(true);
    await waitFor(
      () => seen(a.page),
      (s) => s?.others.every((o) => o.name !== 'Ben') ?? false,
      {
        what: 'Ben gone from A’s list',
      },
    );
    await shots('demoted');
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
  });
});
