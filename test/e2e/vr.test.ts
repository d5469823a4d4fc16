/**
 * End to end: VR in the player with an emulated headset — Meta's IWER runtime (the `iwer` npm package, a
 * Quest 3 with Touch controllers) installed into the page before the player loads, as a browser extension
 * would. "Enter VR" appears only where VR is offered; entering puts the headset's view at the avatar;
 * the right trigger aims a teleport (the ring says whether it may land) and releasing it moves the avatar
 * there through the room; the thumbstick snap turns; the grip held is push-to-talk (a real LiveKit server);
 * the chat shows on the left hand's panel; hands replace controllers; leaving VR ends it all.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import {
  FAKE_MEDIA_ARGS,
  hookReader,
  launchBrowser,
  openWatchedPage,
  saveScreenshot,
  type WatchedPage,
} from '../helpers/browser.js';
import { startTestLiveKit, type TestLiveKit } from '../helpers/livekit-server.js';
import { freePort, startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

const require = createRequire(import.meta.url);
const IWER_SCRIPT = require.resolve('iwer/build/iwer.min.js');

/** What the page gets from IWER's UMD build and the test's setup, typed for page.evaluate. */
interface EmulatedXr {
  __xrDevice: {
    position: { set(x: number, y: number, z: number): void };
    quaternion: { set(x: number, y: number, z: number, w: number): void };
    controllers: Record<
      'left' | 'right',
      {
        position: { set(x: number, y: number, z: number): void };
        quaternion: { set(x: number, y: number, z: number, w: number): void };
        updateButtonValue(id: string, value: number): void;
        updateAxes(id: string, x: number, y: number): void;
      }
    >;
    activeSession?: { end(): Promise<void> };
  };
}

let livekit: TestLiveKit;
let server: ServerProcess;
let browser: Browser;
let watched: WatchedPage;
let bot: Visitor | undefined;

const readHook = hookReader(() => watched.page, [
  'connection',
  'loading',
  'self',
  'vr',
  'notice',
  'voice',
] as const);

beforeAll(async () => {
  const port = await freePort();
  livekit = await startTestLiveKit(port);
  server = await startServerProcess({ PORT: String(port), DATA_DIR: await tempDir(), ...livekit.env });
  browser = await launchBrowser(FAKE_MEDIA_ARGS);
}, 90_000);

afterAll(async () => {
  await bot?.leave().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  await livekit?.stop();
});

describe('VR with an emulated headset', () => {
  it('shows no Enter VR where no headset is offered', async () => {
    const plain = await openWatchedPage(browser, []);
    await plain.page.goto(`${server.url}/?name=Flat`);
    await waitFor(
      () => plain.page.evaluate(() => window.__mib?.connection),
      (connection) => connection === 'joined',
      { timeoutMs: 60_000, what: 'the page to join' },
    );
    await expect(plain.page.getByRole('button', { name: 'Enter VR' }).count()).resolves.toBe(0);
    expect(plain.problems).toEqual([]);
    await plain.page.close();
  });

  it('enters VR, teleports with the trigger, snap turns with the stick, and leaves', async () => {
    watched = await openWatchedPage(browser, []);
    await watched.page.addInitScript({ path: IWER_SCRIPT });
    await watched.page.addInitScript(() => {
      const iwer = (window as unknown as { IWER: Record<string, unknown> }).IWER;
      const XRDevice = iwer.XRDevice as new (config: unknown) => {
        installRuntime(options: { forceInstall: boolean }): void;
      };
      const xr = new XRDevice(iwer.metaQuest3);
      // Chromium offers WebXR itself (with no headset): replace it, as the IWER browser extension does.
      xr.installRuntime({ forceInstall: true });
      (window as unknown as { __xrDevice: unknown }).__xrDevice = xr;
    });
    await watched.page.goto(`${server.url}/?name=Viv`);
    const joined = await waitFor(
      readHook,
      (hook) => hook.connection === 'joined' && hook.loading.progress === 1,
      {
        timeoutMs: 60_000,
        what: 'the page to join',
      },
    );
    const start = joined.self!;

    await watched.page.getByRole('button', { name: 'Enter VR' }).click();
    const entered = await waitFor(readHook, (hook) => (hook.vr?.inputs.length ?? 0) === 2, {
      timeoutMs: 30_000,
      what: 'the VR session with both controllers',
    });
    expect([...entered.vr!.inputs].sort()).toEqual(['left controller', 'right controller']);
    // Facing the way the avatar faces: the local-floor space looks along −z, the avatar along +z at yaw 0.
    expect(entered.vr!.yaw).toBeCloseTo(start.yaw + Math.PI, 5);

    // Standing at the avatar's feet, the right controller at the hip pointing 25° down: about 3 m ahead.
    const pitch = -0.436;
    await watched.page.evaluate((half) => {
      const xr = (window as unknown as EmulatedXr).__xrDevice;
      xr.position.set(0, 1.6, 0);
      xr.quaternion.set(0, 0, 0, 1);
      xr.controllers.right.position.set(0.2, 1.4, -0.3);
      xr.controllers.right.quaternion.set(Math.sin(half), 0, 0, Math.cos(half));
      xr.controllers.right.updateButtonValue('trigger', 1);
    }, pitch / 2);
    const aiming = await waitFor(readHook, (hook) => hook.vr?.aim !== 'none', {
      timeoutMs: 15_000,
      what: 'the teleport aim to show',
    });
    expect(aiming.vr!.aim).toBe('open');
    await saveScreenshot(watched.page, 'vr-aiming');
    await watched.page.evaluate(() =>
      (window as unknown as EmulatedXr).__xrDevice.controllers.right.updateButtonValue('trigger', 0),
    );
    const moved = await waitFor(
      readHook,
      (hook) => !!hook.self && Math.hypot(hook.self.x - start.x, hook.self.z - start.z) > 2.5,
      { timeoutMs: 15_000, what: 'the avatar teleported' },
    );
    // Where the ray met the floor: 1.4 m down at 25°, from 0.3 m ahead — about 3.3 m ahead of the feet.
    expect(Math.hypot(moved.self!.x - start.x, moved.self!.z - start.z)).toBeCloseTo(
      0.3 + 1.4 / Math.tan(-pitch),
      0,
    );
    expect(moved.vr!.teleports).toBe(1);

    // A push of the stick to the right turns 30° to the right, once until it comes back.
    await watched.page.evaluate(() =>
      (window as unknown as EmulatedXr).__xrDevice.controllers.right.updateAxes('thumbstick', 1, 0),
    );
    const turned = await waitFor(readHook, (hook) => hook.vr!.yaw !== moved.vr!.yaw, {
      timeoutMs: 10_000,
      what: 'the snap turn',
    });
    await watched.page.waitForTimeout(300);
    expect((await readHook()).vr!.yaw).toBeCloseTo(moved.vr!.yaw - Math.PI / 6, 5);
    expect(turned.vr!.yaw).toBeCloseTo(moved.vr!.yaw - Math.PI / 6, 5);
    await watched.page.evaluate(() =>
      (window as unknown as EmulatedXr).__xrDevice.controllers.right.updateAxes('thumbstick', 0, 0),
    );
    await saveScreenshot(watched.page, 'vr-turned');

    // The grip held is push-to-talk.
    await watched.page.evaluate(() =>
      (window as unknown as EmulatedXr).__xrDevice.controllers.left.updateButtonValue('squeeze', 1),
    );
    await waitFor(readHook, (hook) => hook.voice.microphone, { timeoutMs: 15_000, what: 'the mic on' });
    await watched.page.evaluate(() =>
      (window as unknown as EmulatedXr).__xrDevice.controllers.left.updateButtonValue('squeeze', 0),
    );
    await waitFor(readHook, (hook) => !hook.voice.microphone, { timeoutMs: 15_000, what: 'the mic off' });

    // What someone says shows on the panel in the left hand.
    bot = await joinWorld(server.url, { name: 'Greeter' });
    bot.say('Welcome to the plaza!', 'instance');
    await waitFor(readHook, (hook) => hook.vr?.chat.includes('Greeter: Welcome to the plaza!') === true, {
      timeoutMs: 15_000,
      what: 'the chat line on the VR panel',
    });

    // Controllers put down: the hands are tracked instead, and drawn as their joints.
    await watched.page.evaluate(() => {
      (window as unknown as { __xrDevice: { primaryInputMode: string } }).__xrDevice.primaryInputMode =
        'hand';
    });
    const withHands = await waitFor(
      readHook,
      (hook) => hook.vr?.inputs.length === 2 && hook.vr.inputs.every((input) => input.endsWith('hand')),
      {
        timeoutMs: 10_000,
        what: 'the hands tracked',
      },
    );
    expect([...withHands.vr!.inputs].sort()).toEqual(['left hand', 'right hand']);
    await watched.page.waitForTimeout(300);
    await saveScreenshot(watched.page, 'vr-hands');

    await watched.page.evaluate(() => (window as unknown as EmulatedXr).__xrDevice.activeSession?.end());
    await waitFor(readHook, (hook) => hook.vr === null, { timeoutMs: 10_000, what: 'VR to end' });
    await expect(watched.page.getByRole('button', { name: 'Enter VR' }).isEnabled()).resolves.toBe(true);
    expect(watched.problems).toEqual([]);
  });
});
