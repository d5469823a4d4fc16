/**
 * The player's avatars in Chromium: its benchmark page (a generated crowd fed into the store, no server)
 * draws hundreds of animated avatars in a handful of draw calls without a console error — the crowd's
 * shader compiles and runs — and the naive baseline mode draws one skinned mesh per avatar.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { servePlayer, type PlayerPreview } from '../../bench/shared/player-preview.js';
import type { MibTestHook } from '../../client/src/shared/world/test-hook.js';
import { launchBrowser, openWatchedPage, saveScreenshot } from '../helpers/browser.js';
import { waitFor } from '../helpers/wait.js';

/** Enough to need the crowd and its levels of detail; few enough not to load a shared CI machine. */
const AVATARS = 150;
let player: PlayerPreview;
let browser: Browser;

beforeAll(async () => {
  player = await servePlayer(); // the built player: npm test builds first
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await player?.close();
});
async function crowdPage(renderer: 'crowd' | 'naive') {
  // A small window: software WebGL pays per pixel, and this test shares the machine with others.
  const watched = await openWatchedPage(browser, [], { width: 640, height: 400 });
  await watched.page.goto(`${player.origin}/?bench=${renderer}&avatars=${AVATARS}`);
  const stats = await waitFor(
    () => watched.page.evaluate(() => window.__mib!.stats),
    (s: MibTestHook['stats']) => s.avatars === AVATARS + 1 && s.avatarDrawCalls > 0,
    { what: `${AVATARS} avatars drawn`, timeoutMs: 60_000, intervalMs: 250 },
  );
  return { watched, stats };
}

describe('avatars in the player', () => {
  it('draws a crowd of animated avatars in a few draw calls', async () => {
    const { watched, stats } = await crowdPage('crowd');
    // Six near avatars skinned at most, plus one instanced mesh per level of detail (three).
    expect(stats.avatarDrawCalls).toBeLessThanOrEqual(9);
    expect(stats.drawCalls).toBeGreaterThanOrEqual(stats.avatarDrawCalls);
    expect(stats.triangles).toBeGreaterThan(AVATARS * 30);
    // Moving: most of the crowd (a fifth of it stands) is drawn somewhere else half a second later.
    const positions = () => watched.page.evaluate(() => window.__mib!.avatars.map((a) => [a.x, a.z]));
    const before = await positions();
    await waitFor(
      positions,
      (after) =>
        before.filter(([x, z], i) => after[i]![0] !== x || after[i]![1] !== z).length > AVATARS * 0.6,
      { what: 'most of the crowd to move', timeoutMs: 30_000, intervalMs: 250 },
    );
    await saveScreenshot(watched.page, 'avatar-crowd');
    // With shadows on, the crowd casts them too (its depth pass skins like its colour pass; a shader that
    // failed to compile would be a console error).
    await watched.page.click('button.settings-button');
    await watched.page.locator('input[aria-label="Shadows"]').check();
    await watched.page.click('button.settings-button');
    await waitFor(
      () => watched.page.evaluate(() => window.__mib!.settings.shadows),
      (on) => on,
      { what: 'shadows on' },
    );
    await watched.page.waitForTimeout(1_000);
    await saveScreenshot(watched.page, 'avatar-crowd-shadows');
    expect(watched.problems).toEqual([]);
    await watched.page.close();
  });

  it('in the naive baseline mode, spends a draw call per avatar', async () => {
    const { watched, stats } = await crowdPage('naive');
    expect(stats.avatarDrawCalls).toBe(AVATARS + 1);
    expect(watched.problems).toEqual([]);
    await watched.page.close();
  });

  it('refuses a bad benchmark address with a message instead of a blank page', async () => {
    const watched = await openWatchedPage(browser, [/bench: \?avatars= must be/]);
    const errors: string[] = [];
    watched.page.on('pageerror', (error) => errors.push(error.message));
    await watched.page.goto(`${player.origin}/?bench=crowd&avatars=lots`);
    await waitFor(
      () => errors.length,
      (n) => n > 0,
      { what: 'the page to refuse the address' },
    );
    expect(errors[0]).toMatch(/\?avatars= must be a whole number/);
    await watched.page.close();
  });
});
