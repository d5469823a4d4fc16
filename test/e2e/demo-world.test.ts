/**
 * End to end: the built server started as `npm start` would, two bot visitors (the player's SDK and
 * protocol) and the player in headless Chromium. A bot moves; the page's scene shows it at its new place.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { STEP_SECONDS, WALK_SPEED } from '../../protocol/index.js';
import {
  launchBrowser,
  openWatchedPage,
  saveScreenshot,
  storeTestSettings,
  type WatchedPage,
} from '../helpers/browser.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';
import type { MibTestHook } from '../../client/src/shared/world/test-hook.js';

let server: ServerProcess;
/** The operator owns every world, so signed in as it the page may moderate the demo world. */
const OPERATOR = { OPERATOR_EMAIL: 'operator@example.com', OPERATOR_PASSWORD: 'operator-password-1' };
let browser: Browser;
let watched: WatchedPage;
/** Console errors a test provokes on purpose (each test adds its own, with why). */
const expectedConsoleErrors: RegExp[] = [];
const bots: Visitor[] = [];

type Hook = Pick<
  MibTestHook,
  | 'connection'
  | 'loading'
  | 'avatars'
  | 'self'
  | 'stats'
  | 'sessionId'
  | 'chat'
  | 'motions'
  | 'settings'
  | 'moveTarget'
  | 'canModerate'
  | 'environment'
  | 'postEffects'
>;
const readHook = (): Promise<Hook> =>
  watched.page.evaluate(() => {
    const mib = window.__mib!;
    return {
      connection: mib.connection,
      loading: mib.loading,
      avatars: mib.avatars,
      self: mib.self,
      stats: mib.stats,
      sessionId: mib.sessionId,
      chat: mib.chat,
      motions: mib.motions,
      settings: mib.settings,
      moveTarget: mib.moveTarget,
      canModerate: mib.canModerate,
      environment: mib.environment,
      postEffects: mib.postEffects,
    };
  });

beforeAll(async () => {
  server = await startServerProcess({ DATA_DIR: await tempDir(), ...OPERATOR });
  browser = await launchBrowser();
});

afterAll(async () => {
  await Promise.all(bots.map((bot) => bot.leave().catch(() => undefined)));
  await browser?.close();
  await server?.stop();
});

describe('the demo world in a browser', () => {
  it('shows the page’s own avatar and two bots, and follows a bot as it moves', async () => {
    bots.push(await joinWorld(server.url, { name: 'Bot One', color: '#ff3333' }));
    bots.push(await joinWorld(server.url, { name: 'Bot Two', color: '#33aaff' }));
    const [mover, idler] = bots as [Visitor, Visitor];

    watched = await openWatchedPage(browser, expectedConsoleErrors);
    const page = watched.page;
    const response = await page.goto(`${server.url}/?name=Viewer&color=%2344dd66`);
    expect(response?.status()).toBe(200);

    const loaded = await waitFor(readHook, (hook) => hook.loading.progress === 1, {
      timeoutMs: 30_000,
      what: 'the loading bar to reach 100 %',
    });
    expect(loaded.connection).toBe('joined');
    const withAll = await waitFor(readHook, (hook) => hook.avatars.length === 3, {
      what: 'three avatars in the scene',
    });
    expect(withAll.avatars.map((a) => a.name).sort()).toEqual(['Bot One', 'Bot Two', 'Viewer']);
    expect(withAll.avatars.find((a) => a.local)).toMatchObject({ name: 'Viewer', color: '#44dd66' });
    // The plaza is lit by its HDR environment (served by this server, loaded on demand), which is its sky —
    // with the setting on (the tests store it off: software WebGL).
    expect((await readHook()).environment).toBeNull();
    await page.click('button.settings-button');
    await page.locator('input[aria-label="Detailed sky and ground"]').check();
    await waitFor(readHook, (hook) => !!hook.environment && hook.environment.state !== 'loading', {
      what: 'the sky to load',
    });
    expect((await readHook()).environment).toEqual({ hdri: 'park', state: 'loaded' });
    await page.click('button.settings-button');
    // The world at spawn once the loading card has faded.
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.loading')!).opacity === '0');
    await saveScreenshot(page, 'demo-world-joined');
    await page.click('button.settings-button');
    await page.locator('input[aria-label="Detailed sky and ground"]').uncheck();
    await waitFor(readHook, (hook) => hook.environment === null, { what: 'the colour sky again' });
    await page.click('button.settings-button');

    // The bot walks +x for 20 steps, in batches the room's input buffer holds.
    const start = mover.self()!;
    for (let seq = 1; seq <= 20; seq++) {
      mover.sendInput({ seq, x: 1, z: 0, run: false });
      if (seq % 4 === 0)
        await waitFor(
          () => mover.self()!.ackSeq ?? 0,
          (ack) => ack >= seq,
          { what: `bot ack ${seq}` },
        );
    }
    const moved = mover.self()!;
    expect(moved.x - start.x).toBeCloseTo(20 * WALK_SPEED * STEP_SECONDS, 1);

    const seen = await waitFor(
      readHook,
      (hook) => {
        const bot = hook.avatars.find((a) => a.id === mover.sessionId);
        return !!bot && Math.abs(bot.x - moved.x) < 0.01 && Math.abs(bot.z - moved.z) < 0.01;
      },
      { what: 'the page to show the bot at its new position' },
    );
    expect(seen.avatars.find((a) => a.id === idler.sessionId)).toMatchObject({ name: 'Bot Two' });
    expect(seen.stats.drawCalls).toBeGreaterThan(0);
    await saveScreenshot(page, 'demo-world-bot-moved');
    expect(watched.problems).toEqual([]);
  });

  it('moves the page’s avatar with the keyboard, and the bots see it', async () => {
    const page = watched.page;
    const before = (await readHook()).self!;
    await page.keyboard.down('KeyW');
    await page.waitForTimeout(800);
    await page.keyboard.up('KeyW');
    const after = await waitFor(readHook, (hook) => hook.self!.z > before.z + 1, {
      what: 'the local avatar to walk forward',
    });
    const sessionId = after.sessionId!;
    // Once every input is acknowledged, prediction and the server agree, and so do the bots.
    await waitFor(
      () => bots[1]!.avatars().get(sessionId)?.z ?? Number.NaN,
      (z) => Math.abs(z - after.self!.z) < 0.01,
      { what: 'a bot to see the page’s avatar where the page predicted it' },
    );
    await saveScreenshot(page, 'demo-world-walked');

    // Space jumps: the avatar leaves the ground, a bot sees it up there, and it lands again.
    await page.keyboard.down('Space');
    await waitFor(readHook, (hook) => hook.self!.y > 0.3, {
      what: 'the avatar in the air',
    });
    await page.keyboard.up('Space');
    await saveScreenshot(page, 'demo-world-jump');
    await waitFor(readHook, (hook) => hook.self!.y === 0, { what: 'the avatar to land' });
    expect(watched.problems).toEqual([]);
  });

  it('chats on both channels, plays emotes, and blocks someone for itself', async () => {
    const page = watched.page;
    const [one, two] = bots as [Visitor, Visitor];
    const { sessionId } = await readHook();

    // A bot's line reaches the page.
    one.say('hello from Bot One');
    await waitFor(readHook, (hook) => hook.chat.some((line) => line.text === 'hello from Bot One'), {
      what: 'the bot’s line in the page’s chat',
    });

    // Enter opens the box, Enter sends (nearby by default); the channel picker sends to everyone.
    await page.keyboard.press('Enter');
    await page.keyboard.type('hi bots');
    await page.keyboard.press('Enter');
    await page.selectOption('select[aria-label="Chat channel"]', 'instance');
    await page.fill('input[aria-label="Chat message"]', 'hello everyone');
    await page.press('input[aria-label="Chat message"]', 'Enter');
    const heard = await waitFor(
      () => two.chats.filter((line) => line.from === sessionId),
      (lines) => lines.length === 2,
      { what: 'a bot to receive both of the page’s lines' },
    );
    expect(heard.map(({ channel, text }) => ({ channel, text }))).toEqual([
      { channel: 'nearby', text: 'hi bots' },
      { channel: 'instance', text: 'hello everyone' },
    ]);

    // An emote from the bar and one from a digit key: the bots see them, the page's avatar plays them.
    await page.keyboard.press('Escape');
    await page.click('button.emote');
    await saveScreenshot(page, 'demo-world-emote-wheel');
    await page.click('button[data-emote="wave"]');
    await waitFor(readHook, (hook) => hook.motions[sessionId!] === 'wave', {
      what: 'the page’s avatar to wave',
    });
    await saveScreenshot(page, 'demo-world-chat-wave');
    await page.keyboard.press('Digit3');
    await waitFor(
      () => two.events.filter((event) => event.type === 'emote').map((event) => event.message),
      (events) => events.filter((event) => 'emote' in event && event.from === sessionId).length === 2,
      { what: 'a bot to see both emotes' },
    );
    // A bot's emote plays on its avatar in the page.
    two.room.send('emote', { emote: 'dance' });
    await waitFor(readHook, (hook) => hook.motions[two.sessionId] === 'dance', {
      what: 'the bot’s avatar to dance in the page',
    });

    // Blocking Bot One hides its lines (old and new) for the page only; Bot Two still gets through.
    await page.click('button.people');
    await page.click(`[data-person="${one.sessionId}"] .person-block`);
    one.say('you cannot read this');
    two.say('but you can read this');
    const after = await waitFor(
      readHook,
      (hook) => hook.chat.some((line) => line.text === 'but you can read this'),
      {
        what: 'Bot Two’s line after the block',
      },
    );
    expect(after.chat.some((line) => line.from === one.sessionId)).toBe(false);
    expect(two.chats.some((line) => line.text === 'you cannot read this')).toBe(true);
    await page.click('button.people');
    expect(watched.problems).toEqual([]);
  });

  it('changes the pixel ratio, shadows and quality from the settings, and keeps them', async () => {
    const page = watched.page;
    const canvasWidth = () => page.evaluate(() => document.querySelector('canvas')!.width);
    const cssWidth = await page.evaluate(() => document.querySelector('canvas')!.clientWidth);
    await page.click('button.settings-button');
    // The browser tests store a pixel ratio of 0.5 (E2E_SETTINGS): change it to another.
    await page.locator('input[aria-label="Pixel ratio"]').fill('0.75');
    const changed = await waitFor(readHook, (hook) => hook.stats.pixelRatio === 0.75, {
      what: 'the renderer to draw at three quarters of the resolution',
    });
    expect(changed.settings).toMatchObject({ pixelRatio: 0.75, quality: 'custom' });
    expect(await canvasWidth()).toBe(Math.floor(cssWidth * 0.75));
    await page.locator('input[aria-label="Shadows"]').check();
    await waitFor(readHook, (hook) => hook.settings.shadows, { what: 'shadows on' });
    // Ambient occlusion and glow: their code comes when first turned on, and they draw without errors.
    expect((await readHook()).postEffects).toBe('off');
    await page.locator('input[aria-label="Ambient occlusion and glow"]').check();
    await waitFor(readHook, (hook) => hook.postEffects === 'on', { what: 'the post-processing to draw' });
    await page.waitForTimeout(300);
    await saveScreenshot(page, 'demo-world-settings-shadows');
    // Kept in this browser, checked when read back.
    const stored = await page.evaluate(
      () => JSON.parse(localStorage.getItem('mib.settings.v1') ?? 'null') as unknown,
    );
    expect(stored).toMatchObject({ pixelRatio: 0.75, shadows: true, effects: true });
    await page.selectOption('select[aria-label="Quality"]', 'medium');
    await waitFor(
      readHook,
      (hook) => hook.stats.pixelRatio === 1 && !hook.settings.shadows && hook.postEffects === 'off',
      { what: 'the medium preset (no shadows, no post-processing)' },
    );
    // Back to the tests' half resolution: software WebGL at full resolution slows the tests after this one.
    await page.locator('input[aria-label="Pixel ratio"]').fill('0.5');
    await waitFor(readHook, (hook) => hook.stats.pixelRatio === 0.5, { what: 'half resolution again' });
    await page.click('button.settings-button');
    expect(watched.problems).toEqual([]);
  });

  it('walks to where the ground is clicked, and the server agrees', async () => {
    const page = watched.page;
    const before = (await readHook()).self!;
    // Above the avatar on the screen is the ground ahead of it (the camera looks along +z).
    await page.mouse.click(512, 230);
    const target = (await waitFor(readHook, (hook) => hook.moveTarget !== null, { what: 'a move target' }))
      .moveTarget!;
    expect(target.z).toBeGreaterThan(before.z + 2);
    const arrived = await waitFor(readHook, (hook) => hook.moveTarget === null, {
      what: 'the avatar to reach the clicked point',
    });
    expect(Math.hypot(arrived.self!.x - target.x, arrived.self!.z - target.z)).toBeLessThan(0.1);
    await waitFor(
      () => bots[1]!.avatars().get(arrived.sessionId!),
      (seen) =>
        !!seen && Math.abs(seen.x - arrived.self!.x) < 0.01 && Math.abs(seen.z - arrived.self!.z) < 0.01,
      { what: 'a bot to see the avatar where it stopped' },
    );
    expect(watched.problems).toEqual([]);
  });

  it('moves with the touch joystick on a touch screen', async () => {
    const touch = await browser.newPage({ viewport: { width: 800, height: 600 }, hasTouch: true });
    await storeTestSettings(touch);
    const problems: string[] = [];
    touch.on('pageerror', (error) => problems.push(error.message));
    touch.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await touch.goto(`${server.url}/?name=Thumbs&color=%23aa44ff`);
    const read = () =>
      touch.evaluate(() => ({ self: window.__mib!.self, loading: window.__mib!.loading.progress }));
    // Loaded: the loading overlay no longer takes touches, and the joystick is shown.
    await waitFor(read, (hook) => hook.loading === 1 && hook.self !== null, {
      what: 'the touch page to join and finish loading',
      timeoutMs: 30_000,
    });
    await touch.waitForSelector('.joystick');
    const box = (await touch.locator('.joystick').boundingBox())!;
    const before = (await read()).self!;
    const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const cdp = await touch.context().newCDPSession(touch);
    const finger = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1 }],
      });
    await finger('touchStart', centre.x, centre.y);
    await finger('touchMove', centre.x, centre.y - 40); // up the screen: forward, walking
    await touch.waitForTimeout(800);
    await saveScreenshot(touch, 'demo-world-touch-drag');
    await finger('touchEnd', centre.x, centre.y - 40);
    const after = await waitFor(read, (hook) => hook.self!.z > before.z + 1, {
      what: 'the joystick to walk the avatar forward',
    });
    expect(Math.abs(after.self!.x - before.x)).toBeLessThan(0.5);
    await saveScreenshot(touch, 'demo-world-touch');
    await touch.close();
    expect(problems).toEqual([]);
  });

  it('brings a friend into the same instance with an invite link, and offers another when one is over', async () => {
    const page = watched.page;
    const roomId = await page.evaluate(() => window.__mib!.roomId);
    await page.click('button.people');
    const invite = await page.locator('input[aria-label="Invite link"]').inputValue();
    await page.click('button.people');
    expect(new URL(invite).searchParams.get('instance')).toBe(roomId);

    const friend = await openWatchedPage(browser);
    await friend.page.goto(invite);
    const joined = await waitFor(
      () =>
        friend.page.evaluate(() => ({
          connection: window.__mib!.connection,
          roomId: window.__mib!.roomId,
          problem: window.__mib!.problem,
        })),
      (hook) => hook.connection === 'joined',
      { what: 'the friend to join through the invite', timeoutMs: 30_000 },
    );
    expect(joined.roomId).toBe(roomId);
    await friend.page.close();
    expect(friend.problems).toEqual([]);

    // An instance that is over: the page says so and offers another instance of the world.
    const late = await openWatchedPage(browser, [/status of \d+/]);
    await late.page.goto(`${server.url}/?world=demo&instance=OverAndDone`);
    await late.page.locator('button.other-instance').waitFor({ timeout: 30_000 });
    await expect(late.page.locator('.loading-stage').textContent()).resolves.toMatch(
      /That instance has ended/,
    );
    await saveScreenshot(late.page, 'demo-world-instance-over');
    await late.page.click('button.other-instance');
    await waitFor(
      () => late.page.evaluate(() => window.__mib!.connection).catch(() => null),
      (connection) => connection === 'joined',
      { what: 'the page to join another instance', timeoutMs: 30_000 },
    );
    await late.page.close();
    expect(late.problems).toEqual([]);
  });

  // Last: it removes the bots.
  it('signs in as a moderator and mutes and kicks visitors from the people list', async () => {
    const page = watched.page;
    const [one, two] = bots as [Visitor, Visitor];
    expect((await readHook()).canModerate).toBe(false);
    await page.click('button.account-button');
    await page.fill('input[name="email"]', OPERATOR.OPERATOR_EMAIL);
    // A wrong password first: the browser logs the 401 of that login as a console error.
    expectedConsoleErrors.push(/status of 401 \(Unauthorized\)/);
    await page.fill('input[name="password"]', 'not the password');
    await page.click('.sign-in button[type="submit"]');
    await expect(page.locator('.sign-in-problem').textContent()).resolves.toMatch(/do not match an account/);
    await page.fill('input[name="password"]', OPERATOR.OPERATOR_PASSWORD);
    await page.click('.sign-in button[type="submit"]');
    // The page joins again as the operator's account, which owns every world (reads fail mid-reload).
    const settled = () => readHook().catch(() => null);
    await waitFor(settled, (hook) => hook?.connection === 'joined' && hook.canModerate, {
      what: 'the page to rejoin as a moderator',
      timeoutMs: 30_000,
    });
    await page.click('button.people');
    await page.fill('input[aria-label="Moderation reason"]', 'spamming the chat');
    await page.click(`[data-person="${one.sessionId}"] [data-action="mute"]`);
    await waitFor(
      readHook,
      (hook) => hook.chat.some((line) => line.text === 'Bot One is muted (chat and voice)'),
      {
        what: 'the page to confirm the mute',
      },
    );
    one.say('still here');
    await waitFor(
      () => one.chatRefusals,
      (reasons) => reasons.length > 0,
      { what: 'Bot One’s chat refused' },
    );
    expect(one.chatRefusals[0]).toMatch(/spamming the chat/);
    await saveScreenshot(page, 'demo-world-moderator');
    await page.click(`[data-person="${two.sessionId}"] [data-action="kick"]`);
    await waitFor(
      () => two.leftWith(),
      (code) => code === 4408,
      { what: 'Bot Two kicked' },
    );
    expect(two.removed.at(-1)).toEqual({ code: 4408, reason: 'spamming the chat' });
    expect(watched.problems).toEqual([]);
  });
});
