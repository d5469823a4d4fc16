/**
 * The one server an operator runs restarts (an upgrade: SIGTERM, then the same command again on the same
 * port and data directory). The page says it lost the world and keeps trying; when the server is back it
 * joins again by itself, with the world's saved state intact — no reload.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import {
  hookReader,
  launchBrowser,
  openWatchedPage,
  saveScreenshot,
  type WatchedPage,
} from '../helpers/browser.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { joinWorld } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

let dataDir: string;
let server: ServerProcess;
let browser: Browser;
let watched: WatchedPage;

const readHook = hookReader(() => watched.page, [
  'connection',
  'roomId',
  'presses',
  'loading',
  'problem',
] as const);

beforeAll(async () => {
  dataDir = await tempDir();
  server = await startServerProcess({ DATA_DIR: dataDir });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the server restarting under a visitor', () => {
  it('shows that the world was lost, and rejoins by itself once the server is back', async () => {
    const presser = await joinWorld(server.url, { name: 'Presser' });
    expect((await presser.press()).presses).toBe(1);
    await presser.leave();

    // While the server is down the page's attempts fail in the browser's own words; while it drains it
    // answers them 503 (server is restarting), which the browser also logs.
    watched = await openWatchedPage(browser, [
      /WebSocket connection to .* failed/,
      /ERR_CONNECTION_REFUSED/,
      /^Failed to load resource: the server responded with a status of 503 \(Service Unavailable\)$/,
    ]);
    await watched.page.goto(`${server.url}/?name=Stayer&color=%2300aa88`);
    const joined = await waitFor(
      readHook,
      (hook) => hook.connection === 'joined' && hook.loading.progress === 1,
      { timeoutMs: 30_000, what: 'the page to join' },
    );
    expect(joined.presses).toBe(1);

    await server.stop('SIGTERM');
    const down = await waitFor(readHook, (hook) => hook.connection === 'reconnecting', {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: 'the page to notice the server is gone',
    });
    expect(down.roomId).toBe(joined.roomId);
    // The world stays in view (no loading card again), under a banner that says what is going on — that the
    // server cannot be reached, or (when the page's first attempt landed while it was still draining) that
    // it is restarting.
    expect(down.loading.progress).toBe(1);
    await expect(watched.page.locator('.banner.reconnecting').textContent()).resolves.toMatch(
      /cannot be reached.*Trying again|server is restarting.*Trying again|reconnecting/,
    );
    await watched.page.waitForTimeout(1000); // the loading card's fade from joining is over
    await saveScreenshot(watched.page, 'server-restart-down');

    // Down longer than the first few attempts take: the page keeps trying, however long the restart.
    await watched.page.waitForTimeout(9_000);
    expect((await readHook()).connection).toBe('reconnecting');
    server = await startServerProcess({ DATA_DIR: dataDir, PORT: String(server.port) });
    const back = await waitFor(
      readHook,
      (hook) => hook.connection === 'joined' && hook.loading.progress === 1 && hook.roomId !== joined.roomId,
      { timeoutMs: 45_000, intervalMs: 250, what: 'the page to rejoin the restarted server' },
    );
    expect(back.presses).toBe(1); // the world's saved state survived the restart
    expect(back.problem).toBeNull();
    await expect(watched.page.locator('.banner').count()).resolves.toBe(0);
    await watched.page.waitForTimeout(700); // the avatar walks back in view
    await saveScreenshot(watched.page, 'server-restart-back');
    expect(watched.problems).toEqual([]);
  });
});
