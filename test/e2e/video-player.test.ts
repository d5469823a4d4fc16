/**
 * Camera and screen share in the player, with Chromium's own stand-in camera and screen (no prompt, no
 * download): the demo world allows both, so the HUD offers them; the visitor's camera shows as a billboard
 * by their avatar and their screen share on the demo's share screen, with video frames flowing into the
 * textures; turning them off takes them away. The player also tries to connect to the LiveKit room to send
 * them (no LiveKit server runs here, so what other visitors receive is covered by test/e2e/livekit-real).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import type { MibTestHook } from '../../client/src/shared/world/test-hook.js';
import { FAKE_MEDIA_ARGS, launchBrowser, openWatchedPage, saveScreenshot } from '../helpers/browser.js';
import {
  LIVEKIT_TEST_KEY,
  LIVEKIT_TEST_SECRET,
  startFakeLiveKit,
  type FakeLiveKit,
} from '../helpers/fake-livekit.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

let livekit: FakeLiveKit;
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  livekit = await startFakeLiveKit();
  server = await startServerProcess({
    DATA_DIR: await tempDir(),
    LIVEKIT_URL: livekit.url,
    LIVEKIT_API_KEY: LIVEKIT_TEST_KEY,
    LIVEKIT_API_SECRET: LIVEKIT_TEST_SECRET,
  });
  browser = await launchBrowser(FAKE_MEDIA_ARGS);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await livekit?.close();
});

describe('camera and screen share in the player', () => {
  it('shows the visitor’s camera by their avatar and their screen on the share screen, then stops them', async () => {
    // livekit-client reports its failed signal connections (no LiveKit server here) as console errors.
    const rtc = new RegExp(`^Access to fetch at '${livekit.url}/rtc/.*blocked by CORS policy`);
    const watched = await openWatchedPage(browser, [
      rtc,
      /livekit|signal|websocket|Failed to load resource|could not/i,
    ]);
    const page = watched.page;
    await page.goto(`${server.url}/?name=Presenter`);
    const readVoice = () => page.evaluate<MibTestHook['voice']>(() => window.__mib!.voice);
    const readVideos = () => page.evaluate<MibTestHook['videos']>(() => window.__mib!.videos);
    const voice = await waitFor(readVoice, (v) => v.room !== null, {
      timeoutMs: 30_000,
      what: 'a voice room',
    });
    expect(voice.sources).toEqual(['microphone', 'camera', 'screen_share']);

    await page.getByRole('button', { name: 'Camera off' }).click();
    const camera = await waitFor(
      readVideos,
      (videos) => videos.some((v) => v.kind === 'camera' && v.local && v.drawn && v.frames > 3),
      { timeoutMs: 30_000, what: 'the visitor’s camera drawn by their avatar, frames flowing' },
    );
    const sessionId = await page.evaluate(() => window.__mib!.sessionId);
    expect(camera.find((v) => v.kind === 'camera')).toMatchObject({ sessionId });
    expect((await readVoice()).camera).toBe(true);
    await expect(page.getByRole('button', { name: 'Camera on' }).isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Share screen' }).click();
    await waitFor(
      () => page.evaluate(() => window.__mib!.screens),
      (screens) => screens['share-screen'] === 'sharing',
      { timeoutMs: 30_000, what: 'the demo’s share screen showing the share' },
    );
    await waitFor(
      readVideos,
      (videos) => videos.some((v) => v.kind === 'screen' && v.local && v.drawn && v.frames > 3),
      { timeoutMs: 30_000, what: 'screen-share frames flowing into the screen' },
    );
    await saveScreenshot(page, 'video-player-camera-and-share');

    // Off again: the billboard and the share go, the share screen is dark.
    await page.getByRole('button', { name: 'Camera on' }).click();
    await page.getByRole('button', { name: 'Stop sharing' }).click();
    await waitFor(readVideos, (videos) => videos.length === 0, { what: 'no video feeds left' });
    await waitFor(
      () => page.evaluate(() => window.__mib!.screens),
      (screens) => screens['share-screen'] === undefined,
      { what: 'the share screen dark again' },
    );
    expect(await readVoice()).toMatchObject({ camera: false, screenShare: false });
    await saveScreenshot(page, 'video-player-stopped');
    expect(watched.problems).toEqual([]);
    await page.close();
  });
});
