/**
 * The creator studio as a newcomer meets it, in Chromium against the built server: sign up, make a first
 * world from the gallery template, upload a model and watch it process, drag it onto the viewport and
 * move it with the handles, add a spawn point, a portal, a light and a voice zone through the generated
 * properties panel (an invalid value refused inline), undo and redo, reload and find everything saved, a
 * REST edit made meanwhile kept, play-test and come back to the same selection and camera, publish refused
 * over the world's limits and then accepted, compare a version with the draft, roll back. One screenshot
 * per step in test-artifacts/screenshots/studio-*.png.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { SceneDocument } from '../../protocol/index.js';
import { apiClient, ok, registerAccount, sdk } from '../helpers/api.js';
import { launchBrowser, openWatchedPage, saveScreenshot, type WatchedPage } from '../helpers/browser.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { studioPage } from '../helpers/studio-page.js';
import { waitFor } from '../helpers/wait.js';
import { pmndrsModels } from '../../bench/assets/sample-models.js';

const CREATOR = { name: 'Maya', email: 'maya@example.com', password: 'correct horse battery 9' };
const SLUG = 'harbor-gallery';

let server: ServerProcess;
let browser: Browser;
let watched: WatchedPage;
let page: Page;
let step = 0;

const shot = async (name: string) => {
  step += 1;
  await page.waitForTimeout(400); // a frame or two after the last change
  await saveScreenshot(page, `studio-${String(step).padStart(2, '0')}-${name}`);
};
const api = async () => {
  const body = { email: CREATOR.email, password: CREATOR.password };
  const session = await ok(sdk.authLogin({ client: apiClient(server.url), body }));
  return apiClient(server.url, session.accessToken);
};
const serverDraft = async () => await ok(sdk.scenesDraft({ client: await api(), path: { slug: SLUG } }));
const entitiesWith = (scene: SceneDocument | null | undefined, type: string) =>
  Object.entries(scene?.entities ?? {}).filter(([, e]) => Object.hasOwn(e.components, type));

const { studio, saved, drawnFrames, row, inspector, tab, dragHandles, addComponent, addEntity } = studioPage(
  () => page,
);

beforeAll(async () => {
  server = await startServerProcess({ DATA_DIR: await tempDir() });
  browser = await launchBrowser();
  // The REST edit made while the studio is open makes its next save answer 412 (then rebased).
  watched = await openWatchedPage(browser, [/status of 412/], { width: 1440, height: 900 });
  page = watched.page;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the creator studio, first run to published world', () => {
  it('signs a newcomer up and makes a first world from the gallery template', async () => {
    await page.goto(`${server.url}/studio`);
    await page.getByRole('tab', { name: 'Create an account' }).click();
    await page.getByLabel('Display name').fill(CREATOR.name);
    await page.getByLabel('Email').fill(CREATOR.email);
    await page.getByLabel('Password').fill(CREATOR.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('No worlds to edit yet').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Harbor Gallery');
    await page.getByText('Gallery', { exact: true }).click();
    await page.getByLabel(/Your organization/).fill('Harbor Arts');
    await shot('first-run');
    await page.getByRole('button', { name: 'Create world' }).click();
    await page.waitForURL(new RegExp(`/studio/${SLUG}$`));
    const opened = await waitFor(studio, (s) => s?.scene !== null && s?.scene !== undefined, {
      what: 'the editor to load the template draft',
      timeoutMs: 20_000,
    });
    expect(entitiesWith(opened!.scene, 'nft-frame')).toHaveLength(6);
    await row('frame-6').waitFor();
    await shot('template-opened');
  });

  it('uploads a model with progress, drops it on the viewport and moves it with the handles', async () => {
    const glb = (await pmndrsModels())[0]!.glb;
    const file = path.join(await tempDir('mib-studio-upload-'), 'bunny.glb');
    await writeFile(file, glb);
    await tab('Assets');
    await page.locator('.studio-upload input[type=file]').setInputFiles(file);
    await page
      .getByText(/^bunny\.glb: .* %$|^Sending bunny\.glb/)
      .first()
      .waitFor();
    await shot('upload-progress');
    await page.getByText('bunny.glb is ready.').waitFor({ timeout: 90_000 });
    const viewport = page.getByRole('region', { name: 'Viewport' });
    const box = (await viewport.boundingBox())!;
    await page
      .locator('.studio-asset-list li[draggable=true]')
      .first()
      .dragTo(viewport, { targetPosition: { x: box.width / 2, y: box.height * 0.6 } });
    const placed = await waitFor(studio, (s) => entitiesWith(s?.scene, 'model').length === 1, {
      what: 'the dropped model to be placed',
    });
    const [id] = entitiesWith(placed!.scene, 'model')[0]!;
    expect(placed!.selection).toEqual([id]);
    await saved();
    await shot('model-dropped');

    // Drag the move handle's centre: the model moves in the view plane, one undo step, saved.
    const before = placed!.scene!.entities[id]!.transform.position;
    await dragHandles(id, 12, 0);
    const moved = await waitFor(
      studio,
      (s) => Math.abs(s!.scene!.entities[id]!.transform.position[0] - before[0]) > 0.5,
      { what: 'the handles to move the model' },
    );
    expect(moved!.selection).toEqual([id]); // releasing a handle is no click on the scene
    const settled = await saved();
    expect((await serverDraft()).entities[id]!.transform.position).toEqual(
      settled!.scene!.entities[id]!.transform.position,
    );
    await shot('model-moved');

    // Raised 3 m, then moved with "On surfaces" (V): it stands on what is under the pointer — the ground.
    await page.getByRole('tab', { name: 'Inspector' }).click();
    await inspector().getByLabel('Position (m) y').fill('3');
    await waitFor(studio, (s) => s!.scene!.entities[id]!.transform.position[1] === 3, {
      what: 'the model raised',
    });
    await page.locator('.studio-editor').press('v');
    await page.getByRole('button', { name: 'On surfaces', pressed: true }).waitFor();
    await dragHandles(id, -8, 10);
    const grounded = await waitFor(
      studio,
      (s) => Math.abs(s!.scene!.entities[id]!.transform.position[1]) < 0.01,
      { what: 'the model to stand on the ground' },
    );
    expect(grounded!.selection).toEqual([id]);
    await page.locator('.studio-editor').press('v');
    await saved();
    await shot('model-on-surface');

    // Still, the view is not drawn again (DrawOnChange); a change is drawn.
    const still = await drawnFrames();
    await page.waitForTimeout(1_000);
    expect(await drawnFrames()).toBe(still);
    await page.locator('.studio-editor').press('Escape');
    await waitFor(drawnFrames, (frames) => frames > still, { what: 'the cleared selection to be drawn' });
  }, 150_000);

  it('adds a spawn point, a portal, a light and a voice zone through the properties panel', async () => {
    const spawn = await addEntity();
    await addComponent('Spawn point');
    await waitFor(studio, (s) => s!.scene!.entities[spawn]!.components['spawn-point']?.name === 'spawn-3', {
      what: 'the spawn point with a fresh name',
    });
    const portal = await addEntity();
    await addComponent('Portal');
    await inspector().getByLabel('Spawn', { exact: true }).fill('spawn-3');
    await waitFor(studio, (s) => s!.scene!.entities[portal]!.components.portal?.spawn === 'spawn-3', {
      what: 'the portal to lead to the new spawn point',
    });
    // A spawn name no spawn point has: refused inline, never saved.
    await inspector().getByLabel('Spawn', { exact: true }).fill('nowhere');
    await inspector()
      .getByText(/no spawn point named "nowhere"/)
      .waitFor();
    expect((await studio())!.scene!.entities[portal]!.components.portal?.spawn).toBe('spawn-3');

    const light = await addEntity();
    await addComponent('Light');
    const intensity = inspector().getByLabel('Intensity', { exact: true });
    await intensity.fill('200000');
    await inspector().getByText('must be at most 100000').waitFor();
    await shot('inline-validation');
    await intensity.fill('300');
    await waitFor(studio, (s) => s!.scene!.entities[light]!.components.light?.intensity === 300, {
      what: 'the light at 300 cd',
    });
    expect(await inspector().getByText('must be at most 100000').count()).toBe(0);

    const zone = await addEntity();
    await addComponent('Voice zone');
    await inspector().getByLabel('Mode', { exact: true }).selectOption('stage');
    await waitFor(studio, (s) => s!.scene!.entities[zone]!.components['voice-zone']?.mode === 'stage', {
      what: 'the voice zone on stage mode',
    });
    await saved();
    await shot('components-added');

    // Undo the mode change, redo it: each saved.
    await page.getByRole('region', { name: 'Viewport' }).click({ position: { x: 5, y: 5 }, modifiers: [] });
    await page.keyboard.press('Control+z');
    await waitFor(studio, (s) => s!.scene!.entities[zone]!.components['voice-zone']?.mode === 'private', {
      what: 'undo to restore private mode',
    });
    await page.keyboard.press('Control+Shift+z');
    await waitFor(studio, (s) => s!.scene!.entities[zone]!.components['voice-zone']?.mode === 'stage', {
      what: 'redo to set stage mode again',
    });
    // The look: an HDR sky picked from the built-in environments, and a grass ground.
    const sky = await addEntity();
    await addComponent('Environment (sky, fog and lighting)');
    await inspector().getByRole('button', { name: '+ HDR environment', exact: true }).click();
    // Built-in (by name) or uploaded (e2e/studio-sky): the built-in menu comes first.
    await expect(inspector().getByLabel('HDR environment kind').inputValue()).resolves.toBe('0');
    await inspector().getByLabel('HDR environment (built-in)', { exact: true }).selectOption('forest');
    await waitFor(studio, (s) => s!.scene!.entities[sky]!.components.environment?.hdri === 'forest', {
      what: 'the forest HDR environment picked',
    });
    const ground = await addEntity();
    await addComponent('Ground');
    await inspector().getByLabel('Pattern', { exact: true }).selectOption('grass');
    await waitFor(studio, (s) => s!.scene!.entities[ground]!.components.ground?.pattern === 'grass', {
      what: 'the grass ground',
    });
    await saved();
    const draft = await serverDraft();
    expect(draft.entities[spawn]!.components['spawn-point']).toEqual({ name: 'spawn-3', default: false });
    expect(draft.entities[portal]!.components.portal).toMatchObject({ spawn: 'spawn-3' });
    expect(draft.entities[light]!.components.light).toMatchObject({ kind: 'point', intensity: 300 });
    expect(draft.entities[zone]!.components['voice-zone']).toMatchObject({ mode: 'stage' });
    expect(draft.entities[sky]!.components.environment).toMatchObject({ hdri: 'forest' });
    expect(draft.entities[ground]!.components.ground).toMatchObject({ pattern: 'grass' });
  });

  it('keeps everything over a reload, and a REST edit made meanwhile', async () => {
    const before = (await studio())!;
    await page.reload();
    const after = await waitFor(studio, (s) => s?.scene !== null && s?.scene !== undefined, {
      what: 'the editor to open again',
    });
    expect(after!.scene).toEqual(before.scene);
    expect(after!.selection).toEqual(before.selection);

    // Someone renames the hall over the API; then the creator renames a frame here (a stale ETag → 412,
    // rebased): both names are in the saved draft.
    const client = await api();
    const { response } = await sdk.scenesDraft({ client, path: { slug: SLUG } });
    await ok(
      sdk.scenesPatch({
        client,
        path: { slug: SLUG },
        headers: { 'If-Match': response.headers.get('etag')! },
        body: [{ op: 'replace', path: '/entities/hall/name', value: 'Great hall' }] as never,
      }),
    );
    await row('frame-2').dblclick();
    await page.getByLabel('Rename frame-2').fill('Window frame');
    await page.keyboard.press('Enter');
    await saved();
    const draft = await serverDraft();
    expect(draft.entities['hall']!.name).toBe('Great hall');
    expect(draft.entities['frame-2']!.name).toBe('Window frame');
    await row('hall').getByText('Great hall').waitFor();
    await shot('conflict-merged');
  });

  it('play-tests the draft and comes back to the same selection and camera', async () => {
    const zone = entitiesWith((await studio())!.scene, 'voice-zone')[0]![0];
    await row(zone).click();
    await waitFor(studio, (s) => s!.selection[0] === zone, { what: 'the zone selected' });
    // The camera glides to rest (damped); what Play remembers is where it is when pressed.
    let last = '';
    const before = await waitFor(
      async () => {
        await page.waitForTimeout(250);
        const now = await studio();
        const same = JSON.stringify(now?.view) === last;
        last = JSON.stringify(now?.view);
        return same ? now : undefined;
      },
      Boolean,
      { what: 'the camera at rest', timeoutMs: 15_000 },
    );
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForURL(/\/\?world=harbor-gallery&preview=1$/);
    await waitFor(
      () =>
        page.evaluate(
          () => (window as unknown as { __mib?: { connection: string; scene: { version: number } } }).__mib,
        ),
      (h) => h?.connection === 'joined' && h.scene.version > 0,
      { what: 'the preview to join the draft', timeoutMs: 30_000 },
    );
    await shot('play-test');
    await page.getByRole('link', { name: '← Back to studio' }).click();
    await page.waitForURL(new RegExp(`/studio/${SLUG}$`));
    // The canvas opens on its default camera and moves to the remembered view once the draft has loaded.
    const near = (a: number[], b: number[]) => a.every((value, i) => Math.abs(value - b[i]!) < 5e-4);
    const back = await waitFor(
      studio,
      (s) =>
        s?.scene !== null &&
        s?.view !== null &&
        s?.view !== undefined &&
        near(s.view.position, before!.view!.position) &&
        near(s.view.target, before!.view!.target),
      {
        what: `the studio to open again with the camera where Play left it (${JSON.stringify(before!.view)})`,
      },
    );
    expect(back!.selection).toEqual([zone]);
    await shot('back-to-studio');
  });

  it('refuses to publish over the world’s limits, then publishes within them', async () => {
    const client = await api();
    await ok(sdk.sceneLimitsSet({ client, path: { slug: SLUG }, body: { limits: { entities: 10 } } }));
    await page.reload();
    const budget = page.getByRole('region', { name: 'Scene budget' });
    await budget.getByText(/Over Entities/).waitFor();
    expect(await budget.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);
    const refused = await sdk.scenesPublish({ client, path: { slug: SLUG }, body: { message: 'too big' } });
    expect(refused.response.status).toBe(422); // the server refuses it too
    await shot('publish-over-budget');
    await ok(sdk.sceneLimitsSet({ client, path: { slug: SLUG }, body: { limits: null } }));
    await page.reload();
    await budget.getByLabel('Version message').fill('first light');
    await budget.getByRole('button', { name: 'Publish' }).click();
    await budget.getByText('Published version 1.').waitFor();
    await shot('published');
  });

  it('compares a version with the draft, publishes again and rolls back', async () => {
    // Delete frame 6 and move the sun: the diff names both.
    await row('frame-6').click();
    await page.keyboard.press('Delete');
    await row('sun').click();
    await tab('Inspector');
    await inspector().getByLabel('Position (m) y').fill('30');
    await saved();
    await tab('History');
    const history = page.getByRole('region', { name: 'Version history' });
    await history.getByRole('listitem', { name: 'Version 1' }).getByText('Maya').waitFor();
    await history.getByRole('button', { name: 'Compare with draft' }).click();
    const diff = history.getByLabel('Draft against version 1');
    await diff.getByText('Frame 6 (frame-6)').waitFor();
    expect(await diff.textContent()).toMatch(/Removed \(1\)Frame 6 \(frame-6\)/);
    expect(await diff.textContent()).toMatch(/Sun \(sun\): transform\.position/);
    await shot('diff');
    const budget = page.getByRole('region', { name: 'Scene budget' });
    await budget.getByLabel('Version message').fill('without frame 6');
    await budget.getByRole('button', { name: 'Publish' }).click();
    await history.getByRole('listitem', { name: 'Version 2' }).waitFor();
    await history
      .getByRole('listitem', { name: 'Version 1' })
      .getByRole('button', { name: 'Roll back' })
      .click();
    await history.getByRole('button', { name: 'Publish version 1 again?' }).click();
    await history.getByRole('listitem', { name: 'Version 3' }).getByText('(rollback to 1)').waitFor();
    const published = await ok(sdk.scenesPublished({ client: await api(), path: { slug: SLUG } }));
    expect(Object.keys(published.entities)).toContain('frame-6');
    await shot('rolled-back');
  });

  it('administers the world: settings, a thumbnail from the viewport, an invitation, a ban', async () => {
    await tab('World');
    const admin = page.getByRole('region', { name: 'World admin' });
    await admin.getByLabel('Voice').selectOption('global');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.getByText('Settings saved').waitFor();
    const client = await api();
    expect((await ok(sdk.worldsGet({ client, path: { slug: SLUG } }))).voiceMode).toBe('global');
    await admin.getByRole('button', { name: 'Use the viewport’s view' }).click();
    await admin.getByText('The thumbnail is now what the viewport shows.').waitFor();
    const thumbnail = await fetch(`${server.url}/worlds/${SLUG}/thumbnail`, { redirect: 'manual' });
    expect(thumbnail.status).toBe(302);

    // An invitation link, accepted by a newcomer; then the owner bans them from the members list.
    await admin.getByRole('tab', { name: 'Members' }).click();
    await admin.getByRole('button', { name: 'Make a link' }).click();
    const link = await admin.getByLabel('Invitation link').inputValue();
    const token = new URL(link).searchParams.get('invite')!;
    const drifter = await registerAccount(server.url, 'Drifter');
    expect(await ok(sdk.worldsAccept({ client: drifter.api, body: { token } }))).toEqual({
      world: SLUG,
      role: 'visitor',
    });
    await admin.getByRole('tab', { name: 'Settings' }).click();
    await admin.getByRole('tab', { name: 'Members' }).click();
    const member = admin.getByRole('listitem', { name: 'Drifter' });
    await member.getByRole('button', { name: 'Ban…' }).click();
    // The owner is offered to ban others, never themselves.
    await admin.getByRole('listitem', { name: CREATOR.name }).getByLabel(`Role of ${CREATOR.name}`).waitFor();
    expect(
      await admin.getByRole('listitem', { name: CREATOR.name }).getByRole('button', { name: 'Ban…' }).count(),
    ).toBe(0);
    await member.getByLabel('Reason for the ban').fill('spamming the stage');
    await member.getByRole('button', { name: 'Ban Drifter' }).click();
    await admin
      .getByRole('listitem', { name: 'Ban of Drifter' })
      .getByText(/spamming the stage/)
      .waitFor();
    expect(await ok(sdk.worldsBans({ client, path: { slug: SLUG } }))).toEqual([
      expect.objectContaining({
        accountId: drifter.accountId,
        reason: 'spamming the stage',
        expiresAt: null,
      }),
    ]);
    await shot('banned');

    // Share / Embed: an embed key for a site, the two-line snippet, and a live preview of the embed.
    await admin.getByRole('tab', { name: 'Share / Embed' }).click();
    await admin
      .getByLabel('Sites that may show the world (space-separated origins)')
      .fill('https://fans.example');
    await admin.getByRole('button', { name: 'Make an embed key' }).click();
    const snippet = admin.getByLabel('Embed snippet');
    await snippet.waitFor();
    const text = await snippet.inputValue();
    expect(text).toContain(`<script type="module" src="${server.url}/embed.js"></script>`);
    expect(text).toMatch(
      new RegExp(`<mib-world world="${SLUG}" embed-key="mibe_[\\w-]+" reveal="interaction"></mib-world>`),
    );
    const preview = page.frameLocator('iframe[title="Preview of the embed"]');
    await preview.locator('.embed-card').getByText(/here$/).waitFor({ timeout: 30_000 });
    await shot('share-embed');
    expect(watched.problems).toEqual([]);
  });
});
