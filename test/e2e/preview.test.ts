/**
 * A preview of a world's draft in the browser: an editor opens /?world=<slug>&preview=1 and walks the saved
 * draft (not the published scene), which reloads in the page when someone saves the draft; a visitor of
 * the same world is refused with words that say who may preview. Also the studio's shell at /studio.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
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
import { pmndrsModels } from '../../bench/assets/sample-models.js';
import type { MibTestHook } from '../../client/src/apps/player/test-hook.js';

let server: ServerProcess;
let browser: Browser;
let editor: SignedIn & { email: string; password: string };
let visitor: SignedIn & { email: string; password: string };
let visitorLogin: { email: string; password: string };

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
  visitorLogin = { email: visitor.email, password: visitor.password };
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

  it('serves the studio: sign in with a password, pick a world, open its draft in the editor frame', async () => {
    const watched = await openWatchedPage(browser);
    const { page } = watched;
    await page.goto(`${server.url}/studio`);
    await page.getByLabel('Email').fill(editor.email);
    await page.getByLabel('Password').fill(editor.password);
    await page.getByRole('button', { name: 'Sign in' }).last().click();
    await page.getByRole('button', { name: /Atelier/ }).click();
    await page.waitForURL(/\/studio\/atelier$/);
    // The hierarchy's own list (the budget panel below it has buttons too).
    const entities = page.locator('.studio-hierarchy > ul');
    await waitFor(
      () => entities.getByRole('button').count(),
      (n) => n === 5,
      {
        what: 'the hierarchy to list spawn, sign and three walls',
      },
    );
    await entities.getByRole('button', { name: 'wall-1' }).click();
    expect(await page.getByRole('complementary', { name: 'Inspector' }).textContent()).toContain('collider');
    await page.waitForTimeout(800);
    await saveScreenshot(page, 'studio-editor-frame');

    // Edit: move wall-1 with the inspector; the draft on the server follows (a JSON Patch by id).
    const status = page.getByRole('status').first();
    const x = page.getByLabel('Position (m) x');
    await x.fill('-3.5');
    await waitFor(
      () => status.textContent(),
      (text) => text === 'Saved',
      { what: 'the edit to be saved' },
    );
    const wallX = async () => {
      const draft = await ok(sdk.scenesDraft({ client: editor.api, path: { slug: 'atelier' } }));
      return (draft as unknown as { entities: Record<string, { transform: { position: number[] } }> })
        .entities['wall-1']?.transform.position[0];
    };
    expect(await wallX()).toBe(-3.5);
    // Undo puts it back, and that is saved too.
    await page.locator('.studio-hierarchy').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await waitFor(wallX, (value) => value === -2, { what: 'the undo to be saved' });
    // Add an entity, then delete it: the hierarchy and the draft follow.
    await page.getByRole('button', { name: 'Add entity' }).click();
    await waitFor(
      () => entities.getByRole('button').count(),
      (n) => n === 6,
      { what: 'the new entity listed' },
    );
    await page.getByRole('button', { name: 'Delete entity' }).click();
    await waitFor(
      () => entities.getByRole('button').count(),
      (n) => n === 5,
      { what: 'the entity deleted' },
    );
    await waitFor(
      () => status.textContent(),
      (text) => text === 'Saved',
      { what: 'the deletion to be saved' },
    );
    expect(
      Object.keys((await ok(sdk.scenesDraft({ client: editor.api, path: { slug: 'atelier' } }))).entities),
    ).toHaveLength(5);
    // The budget reads the saved draft; publishing from the studio makes the next version.
    const budget = page.getByRole('region', { name: 'Scene budget' });
    await waitFor(
      () => budget.textContent(),
      (text) => /Entities5 \/ 10,000/.test(text ?? ''),
      {
        what: 'the budget to count the five entities',
      },
    );
    await page.getByLabel('Version message').fill('from the studio');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published version 2.').waitFor();
    const versions = await ok(sdk.scenesVersions({ client: editor.api, path: { slug: 'atelier' } }));
    expect(versions[0]).toMatchObject({ version: 2, message: 'from the studio' });
    expect(watched.problems).toEqual([]);
    await page.close();
  });

  it('uploads a model in the studio, shows its progress and places it in the draft', async () => {
    const glb = (await pmndrsModels())[0]!.glb;
    const file = path.join(await tempDir('mib-studio-upload-'), 'bunny.glb');
    await writeFile(file, glb);
    const watched = await pageAs(editor);
    const { page } = watched;
    await page.goto(`${server.url}/studio/atelier`);
    await page.getByRole('region', { name: 'Assets' }).waitFor();
    await page.locator('.studio-upload input[type=file]').setInputFiles(file);
    await page.getByText('bunny.glb is ready.').waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Place' }).click();
    await waitFor(
      async () =>
        Object.values(
          (await ok(sdk.scenesDraft({ client: editor.api, path: { slug: 'atelier' } }))).entities as Record<
            string,
            { name?: string; components: { model?: { asset: string } } }
          >,
        ).find((entity) => entity.components.model),
      Boolean,
      { what: 'the placed model to be saved in the draft', timeoutMs: 15_000 },
    );
    await page.waitForTimeout(1_000);
    await saveScreenshot(page, 'studio-placed-model');
    expect(watched.problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('tells someone who may not edit the world why, instead of opening the editor', async () => {
    const watched = await openWatchedPage(browser);
    const { page } = watched;
    await page.goto(`${server.url}/studio/atelier`);
    await page.getByLabel('Email').fill(visitorLogin.email);
    await page.getByLabel('Password').fill(visitorLogin.password);
    await page.getByRole('button', { name: 'Sign in' }).last().click();
    await page
      .getByText(
        /Only the owners and editors of this world can open it in the studio; you are one of its visitors/,
      )
      .waitFor();
    expect(await page.getByRole('toolbar', { name: 'Edit' }).count()).toBe(0);
    await saveScreenshot(page, 'studio-not-an-editor');
    expect(watched.problems).toEqual([]);
    await page.close();
  });
});
