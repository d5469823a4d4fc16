/**
 * Your own avatar, as visitors use it: signed in, the entry page's chooser uploads a VRM (made in code),
 * refusing a skinned model that is no humanoid with the pipeline's reason; joining with the VRM draws the
 * visitor in it, and a second visitor sees it too (drawn through three-vrm, moved by the shared motions). A
 * visitor whose browser cannot load the avatar sees its wearer as a default figure, never as nothing; an
 * avatar the room refuses is named as the reason, not the world.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { MibTestHook } from '../../client/src/shared/world/test-hook.js';
import { RIG, skinnedAvatar } from '../../bench/assets/sample-models.js';
import { vrmAvatar } from '../../bench/assets/vrm-avatar.js';
import { seriousAxeViolations } from '../helpers/axe.js';
import { launchBrowser, openWatchedPage, saveScreenshot, type WatchedPage } from '../helpers/browser.js';
import { registerAccount } from '../helpers/api.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
let browser: Browser;
let files: { vrm: string; creature: string };
let wearer: WatchedPage;
let avatarHash = '';

beforeAll(async () => {
  const dir = await tempDir();
  server = await startServerProcess({ DATA_DIR: dir, DEV_CHAIN: 'off' }, 60_000);
  browser = await launchBrowser();
  files = { vrm: path.join(dir, 'Fox.vrm'), creature: path.join(dir, 'Creature.glb') };
  const creature = await skinnedAvatar(
    RIG.map(([bone, parent, offset]) => [`limb_${bone}`, parent && `limb_${parent}`, offset]),
    'creature',
  );
  await writeFile(files.vrm, (await vrmAvatar({ name: 'Fox', color: [0.95, 0.5, 0.15] })).glb);
  await writeFile(files.creature, creature.glb);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function avatarsOf(page: Page): Promise<MibTestHook['avatars']> {
  return page.evaluate(() => window.__mib?.avatars ?? []);
}

/** In the world, its loading card faded out. */
async function inWorld(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__mib?.loading.progress === 1, undefined, { timeout: 60_000 });
  await page.waitForFunction(() => {
    const card = document.querySelector('.loading');
    return card !== null && getComputedStyle(card).opacity === '0';
  });
}

describe('your own avatar', () => {
  it('is uploaded from the entry page (a non-humanoid is refused with the reason) and worn', async () => {
    const alice = await registerAccount(server.url, 'Alice');
    wearer = await openWatchedPage(browser);
    const { page } = wearer;
    // Signed in as the entry page's Sign in would leave it (the session in this tab's storage).
    const session = JSON.stringify({
      accessToken: alice.session.accessToken,
      refreshToken: alice.session.refreshToken,
      expiresAt: Date.now() + alice.session.expiresIn * 1000,
      displayName: 'Alice',
      registered: true,
    });
    await page.addInitScript((stored) => sessionStorage.setItem('mib.session', stored), session);
    await page.goto(`${server.url}/w/demo`);
    await page.getByText('You enter as Alice.').waitFor();
    const upload = page.getByLabel(/Upload an avatar/);
    await upload.setInputFiles(files.creature);
    await page
      .getByRole('status')
      .getByText(/Creature\.glb cannot be your avatar: the skeleton has no joint for hips, spine, head/)
      .waitFor({ timeout: 90_000 });
    await upload.setInputFiles(files.vrm);
    await page.getByRole('status').getByText('Fox.vrm is ready and chosen.').waitFor({ timeout: 90_000 });
    const chosen = page
      .getByRole('radiogroup', { name: 'Your avatar' })
      .getByRole('radio', { checked: true });
    expect(await chosen.textContent()).toBe('Fox');
    avatarHash = (await chosen.getAttribute('data-avatar')) ?? '';
    expect(avatarHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'avatar-chooser');

    await page.getByRole('button', { name: 'Join' }).click();
    await inWorld(page);
    await page.waitForFunction(
      (hash) =>
        window.__mib?.avatars.some(
          (avatar) => avatar.local && avatar.avatarModel === hash && avatar.embodied === 'vrm',
        ),
      avatarHash,
      { timeout: 30_000 },
    );
    await saveScreenshot(page, 'avatar-own');
    expect(wearer.problems).toEqual([]);
  }, 240_000);

  it('is seen by another visitor, drawn in it and moving', async () => {
    const other = await openWatchedPage(browser);
    await other.page.goto(`${server.url}/?world=demo&name=Bob`);
    await inWorld(other.page);
    await other.page.waitForFunction(
      (hash) =>
        window.__mib?.avatars.some(
          (avatar) => !avatar.local && avatar.avatarModel === hash && avatar.embodied === 'vrm',
        ),
      avatarHash,
      { timeout: 30_000 },
    );
    // The wearer walks: the other visitor sees the avatar move (its motions drive the VRM's bones).
    const before = (await avatarsOf(other.page)).find((avatar) => avatar.avatarModel === avatarHash)!;
    await wearer.page.keyboard.down('KeyW');
    await other.page.waitForFunction(
      ([hash, z]) =>
        window.__mib?.avatars.some((avatar) => avatar.avatarModel === hash && Math.abs(avatar.z - z) > 1),
      [avatarHash, before.z] as const,
      { timeout: 20_000 },
    );
    await wearer.page.keyboard.up('KeyW');
    await saveScreenshot(other.page, 'avatar-seen');
    expect(other.problems).toEqual([]);
    await other.page.close();
  }, 120_000);

  it('is a default figure for a visitor whose browser cannot load it, with a notice', async () => {
    const blocked = await openWatchedPage(browser, [/Failed to load resource/]);
    // The avatar's file only (the scene's models still load): answered with something that is no model.
    await blocked.page.route(`**/assets/files/${avatarHash}`, (route) =>
      route.fulfill({ status: 200, body: 'not a model', contentType: 'model/gltf-binary' }),
    );
    await blocked.page.goto(`${server.url}/?world=demo&name=Carol`);
    await inWorld(blocked.page);
    await blocked.page.waitForFunction(
      () => /own avatar could not be loaded/.test(window.__mib?.notice ?? ''),
      undefined,
      {
        timeout: 30_000,
      },
    );
    const seen = (await avatarsOf(blocked.page)).find((avatar) => avatar.avatarModel === avatarHash);
    expect(seen).toMatchObject({ embodied: null, name: 'Alice' });
    await saveScreenshot(blocked.page, 'avatar-fallback');
    await blocked.page.close();
  }, 120_000);

  it('is refused with its reason when the room will not let the visitor wear it', async () => {
    const refused = await openWatchedPage(browser, [/Failed to load resource/]);
    await refused.page.goto(`${server.url}/?world=demo&name=Dave&avatar=${'0'.repeat(64)}`);
    await refused.page
      .getByText(
        /^Your avatar cannot be worn here: avatarModel 000000000000… is not an uploaded avatar; upload a VRM 1\.0/,
      )
      .first()
      .waitFor({ timeout: 30_000 });
    await saveScreenshot(refused.page, 'avatar-refused');
    await refused.page.close();
  }, 120_000);
});
