/**
 * The player as a keyboard and screen-reader user meets it: axe-core finds no serious or critical
 * violation on the entry page, the HUD in the world or any panel opened from it; a keyboard alone joins
 * from the entry page, reaches every HUD control with Tab (each showing where the focus is), opens and
 * closes each panel, picks an emote, presses the world's button, walks and chats; less motion is honoured.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { MibTestHook } from '../../client/src/shared/world/test-hook.js';
import { seriousAxeViolations } from '../helpers/axe.js';
import {
  hookReader,
  launchBrowser,
  openWatchedPage,
  saveScreenshot,
  type WatchedPage,
} from '../helpers/browser.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

let server: ServerProcess;
let browser: Browser;
let watched: WatchedPage;

const readHook = hookReader(() => watched.page, [
  'loading',
  'presses',
  'self',
  'sessionId',
  'motions',
  'settings',
  'chat',
] as const satisfies ReadonlyArray<keyof MibTestHook>);

/** The focused element as a keyboard user meets it: its name, and whether its focus ring shows. */
interface Focused {
  name: string;
  tag: string;
  ringShows: boolean;
}

const focused = (page: Page): Promise<Focused | null> =>
  page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    if (!active || active === document.body) return null;
    const style = getComputedStyle(active);
    return {
      // Its accessible name, as far as these controls go: aria-label, else its <label>, else its text.
      name: (
        active.getAttribute('aria-label') ??
        (active as HTMLInputElement).labels?.[0]?.textContent ??
        active.textContent ??
        ''
      ).trim(),
      tag: active.tagName.toLowerCase(),
      ringShows: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });

/** Presses Tab until the focus is on what `wanted` matches (by its name); fails naming what it passed. */
async function tabTo(page: Page, wanted: RegExp, most = 40): Promise<Focused> {
  const passed: string[] = [];
  for (let press = 0; press < most; press += 1) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now && wanted.test(now.name)) return now;
    passed.push(now ? `${now.tag} "${now.name}"` : '(nothing)');
  }
  throw new Error(`Tab never reached ${String(wanted)}; it passed: ${passed.join(', ')}`);
}

async function expectAxeClean(page: Page, what: string): Promise<void> {
  const violations = await seriousAxeViolations(page);
  expect({ what, violations }).toEqual({ what, violations: [] });
}

beforeAll(async () => {
  server = await startServerProcess({ DATA_DIR: await tempDir() });
  browser = await launchBrowser();
  watched = await openWatchedPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the player with a keyboard and a screen reader', () => {
  it('joins from the entry page with the keyboard alone; axe finds nothing serious there', async () => {
    const page = watched.page;
    await page.goto(`${server.url}/w/demo`);
    await page.getByRole('button', { name: /^join/i }).waitFor();
    await expectAxeClean(page, 'the entry page');
    await saveScreenshot(page, 'a11y-entry');

    const name = await tabTo(page, /name/i);
    expect(name.tag).toBe('input');
    await page.keyboard.type('Keys Only');
    const join = await tabTo(page, /^join/i);
    expect(join.ringShows).toBe(true);
    await page.keyboard.press('Enter');
    await waitFor(readHook, (hook) => hook.loading.progress === 1, { timeoutMs: 30_000, what: 'entering' });
    // The loading card fades out (0.6 s) before the HUD is looked at.
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.loading')!).opacity === '0');
    expect(watched.problems).toEqual([]);
  });

  it('reaches every HUD control with Tab, each with its focus ring; axe finds nothing serious', async () => {
    const page = watched.page;
    await expectAxeClean(page, 'the HUD');
    for (const control of [
      /here$/,
      /^Emote$/,
      /^Settings$/,
      /^Sign in$/,
      /^Items$/,
      /^Press the button/,
      /^Chat message$/,
    ]) {
      const reached = await tabTo(page, control);
      expect({ control: reached.name, ringShows: reached.ringShows }).toEqual({
        control: reached.name,
        ringShows: true,
      });
    }
    await saveScreenshot(page, 'a11y-hud-focus');
    await page.keyboard.press('Escape'); // leave the chat field
    expect(watched.problems).toEqual([]);
  });

  it('opens each panel from the keyboard with the focus inside, and closes it with Escape', async () => {
    const page = watched.page;
    for (const [button, panel] of [
      [/^Settings$/, 'Settings'],
      [/here$/, 'People here'],
      [/^Sign in$/, 'Sign in'],
      [/^Items$/, 'Items'],
    ] as const) {
      await tabTo(page, button);
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: panel });
      await dialog.waitFor();
      await waitFor(() => dialog.evaluate((element) => element.contains(document.activeElement)), Boolean, {
        what: `the focus inside ${panel}`,
      });
      await expectAxeClean(page, `the ${panel} panel`);
      await saveScreenshot(page, `a11y-panel-${panel.replace(/\W/g, '-').toLowerCase()}`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      const back = await focused(page);
      expect(back?.name).toMatch(button);
    }
    expect(watched.problems).toEqual([]);
  });

  it('changes a setting, picks an emote, presses the button, walks and chats from the keyboard', async () => {
    const page = watched.page;
    const { sessionId } = await readHook();

    // Settings: the quality list takes Home and the arrow keys (the avatar does not walk meanwhile).
    const before = await readHook();
    await tabTo(page, /^Settings$/);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Settings' }).waitFor();
    await waitFor(
      () => focused(page),
      (now) => now?.tag === 'select',
      { what: 'the focus on Quality' },
    );
    // The stored frame-rate cap (5, which the list does not offer) shows as it is, not as "None".
    const cap = page.locator('select[aria-label="Frame rate limit"]');
    expect(await cap.inputValue()).toBe('5');
    expect(
      await cap.evaluate((select) => (select as HTMLSelectElement).selectedOptions[0]?.textContent),
    ).toBe('5 fps');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await waitFor(readHook, (hook) => hook.settings.quality === 'medium', {
      what: 'the quality to change from custom to low, then medium',
    });
    await page.keyboard.press('ArrowUp'); // back to low: the lightest to draw for the rest of the test
    const changed = await waitFor(readHook, (hook) => hook.settings.quality === 'low', {
      what: 'the quality back to low',
    });
    expect(changed.self).toEqual(before.self);
    await page.keyboard.press('Escape');

    // The emote wheel: the focus lands on the first emote; Enter plays it and gives the focus back.
    await tabTo(page, /^Emote$/);
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: 'Emotes' }).waitFor();
    await expectAxeClean(page, 'the emote wheel');
    await waitFor(
      () => focused(page),
      (now) => now?.name.startsWith('Wave') === true,
      {
        what: 'the focus on Wave',
      },
    );
    await page.keyboard.press('Enter');
    await waitFor(readHook, (hook) => hook.motions[sessionId!] === 'wave', { what: 'the avatar to wave' });
    expect((await focused(page))?.name).toBe('Emote');

    // Space on a focused button presses it (and does not jump).
    await tabTo(page, /^Press the button/);
    const presses = (await readHook()).presses;
    await page.keyboard.press('Space');
    await waitFor(readHook, (hook) => hook.presses === presses + 1, { what: 'the press to count' });

    // Walking still works with a button focused (W is the world's), and Enter opens the chat from the world.
    const start = (await readHook()).self!;
    await page.keyboard.down('KeyW');
    await waitFor(readHook, (hook) => Math.hypot(hook.self!.x - start.x, hook.self!.z - start.z) > 1, {
      what: 'the avatar to walk',
    });
    await page.keyboard.up('KeyW');
    await tabTo(page, /^Chat message$/);
    await page.keyboard.type('typed with keys only');
    await page.keyboard.press('Enter');
    await waitFor(readHook, (hook) => hook.chat.some((line) => line.text === 'typed with keys only'), {
      what: 'the line in the chat',
    });
    expect(watched.problems).toEqual([]);
  });

  it('drops the pages’ animated transitions for visitors who ask for less motion', async () => {
    const page = watched.page;
    const duration = () =>
      page.evaluate(() =>
        parseFloat(getComputedStyle(document.querySelector('.loading-fill')!).transitionDuration),
      );
    expect(await duration()).toBeGreaterThan(0.1);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await duration()).toBeLessThan(0.001);
    await page.emulateMedia({ reducedMotion: null });
  });
});
