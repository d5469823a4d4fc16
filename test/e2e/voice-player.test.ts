/**
 * The player follows the server's voice decisions: it asks for a token for exactly the room it was
 * assigned and tries to connect there; when its avatar walks away from its island it asks for the new
 * room and connects to it. Observed through the token requests and WebSocket attempts against a LiveKit
 * that answers RoomService only (test/helpers/fake-livekit.ts), so every connection attempt fails and the
 * player must say it is retrying: the unreachable-LiveKit path, with every RoomService call recorded.
 * Real media between players is tested in voice-two-players.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import type { MibTestHook } from '../../client/src/shared/world/test-hook.js';
import { guestAccount } from '../helpers/api.js';
import { launchBrowser, openWatchedPage, saveScreenshot } from '../helpers/browser.js';
import {
  LIVEKIT_TEST_KEY,
  LIVEKIT_TEST_SECRET,
  signWebhook,
  startFakeLiveKit,
  webhookEvent,
  type FakeLiveKit,
} from '../helpers/fake-livekit.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

let livekit: FakeLiveKit;
let server: ServerProcess;
let browser: Browser;
let bot: Visitor | undefined;
let friend: Visitor | undefined;

beforeAll(async () => {
  livekit = await startFakeLiveKit();
  server = await startServerProcess({
    DATA_DIR: await tempDir(),
    LIVEKIT_URL: livekit.url,
    LIVEKIT_API_KEY: LIVEKIT_TEST_KEY,
    LIVEKIT_API_SECRET: LIVEKIT_TEST_SECRET,
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await bot?.leave().catch(() => undefined);
  await friend?.leave().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  await livekit?.close();
});

describe('voice in the player', () => {
  it('requests a token for the assigned room, connects there, and switches rooms when its island changes', async () => {
    const guest = await guestAccount(server.url, 'Near Bot');
    bot = await joinWorld(server.url, { name: 'Near Bot' }, guest.token);
    // Two bots stay together: the larger group keeps the island's room, so the one who walks away (the
    // page) is the one that must switch.
    friend = await joinWorld(
      server.url,
      { name: 'Friend Bot' },
      (await guestAccount(server.url, 'Friend Bot')).token,
    );
    // livekit-client reports the failed signal connections (no LiveKit server here) as console errors, and
    // its validate request to the fake (which sends no CORS headers) is blocked.
    const rtc = new RegExp(`^Access to fetch at '${livekit.url}/rtc/.*blocked by CORS policy`);
    const watched = await openWatchedPage(browser, [
      rtc,
      /livekit|signal|websocket|Failed to load resource|could not/i,
    ]);
    const page = watched.page;
    const tokenRooms: string[] = [];
    const sockets: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/voice/token'))
        tokenRooms.push((request.postDataJSON() as { room: string }).room);
    });
    page.on('websocket', (socket) => {
      if (socket.url().startsWith(livekit.url.replace('http:', 'ws:'))) sockets.push(socket.url());
    });
    await page.goto(`${server.url}/?name=Talker`);
    const readVoice = () => page.evaluate<MibTestHook['voice']>(() => window.__mib!.voice);

    const first = await waitFor(readVoice, (v) => v.room !== null, {
      timeoutMs: 30_000,
      what: 'a voice room',
    });
    const island = first.room!;
    expect(island).toMatch(/\.1\.island-\d+$/);
    const botRoom = await waitFor(
      () => bot!.voice.at(-1),
      (e) => e?.enabled === true,
      { what: 'the bot’s voice room' },
    );
    expect(botRoom).toMatchObject({ room: { room: island } }); // same island: they are near each other
    await waitFor(() => tokenRooms.includes(island), Boolean, { what: 'a token request for the island' });
    await waitFor(() => sockets.some((url) => url.includes('/rtc')), Boolean, {
      what: 'a connection attempt to the LiveKit URL',
    });
    // No signalling server answers here: the player says so and keeps retrying.
    await waitFor(readVoice, (v) => /cannot connect right now/.test(v.status ?? ''), {
      timeoutMs: 30_000,
      what: 'the player to say voice cannot connect',
    });
    await saveScreenshot(page, 'voice-player-assigned');

    // LiveKit reports the bot joined its island (a signed webhook): the people list shows it in voice, and
    // the visitor can mute it for itself.
    const botIdentity = `${guest.accountId}:${bot.sessionId}`;
    livekit.participants.set(island, [botIdentity]);
    const joinedBody = webhookEvent('EV_player_1', 'participant_joined', island, botIdentity);
    const hook = await fetch(`${server.url}/livekit/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/webhook+json', authorization: await signWebhook(joinedBody) },
      body: joinedBody,
    });
    expect(hook.status).toBe(200);
    const readPeople = () => page.evaluate<MibTestHook['people']>(() => window.__mib!.people);
    await waitFor(readPeople, (people) => people.some((p) => p.name === 'Near Bot' && p.inVoice), {
      what: 'Near Bot shown in voice',
    });
    await page.getByRole('button', { name: /here$/ }).click();
    const row = page.locator(`[data-person="${bot.sessionId}"]`);
    await expect(row.textContent()).resolves.toMatch(/Near Bot.*in voice/);
    await row.getByRole('button', { name: 'Mute' }).click();
    await waitFor(readPeople, (people) => people.some((p) => p.name === 'Near Bot' && p.mutedLocally), {
      what: 'Near Bot muted for this visitor',
    });
    await saveScreenshot(page, 'voice-player-people');
    await page.getByRole('button', { name: /here$/ }).click();

    // Run away (Shift+S: back, where the demo plaza is open; ahead stand its arch and fountain) until the
    // SERVER has the avatar 25 m from the bot (beyond the 20 m leave radius; the page's own prediction runs
    // ahead of the room on a loaded machine): a new island.
    const socketsBefore = sockets.length;
    const botAt = bot.self()!;
    const pageSession = await page.evaluate(() => window.__mib!.sessionId);
    await page.keyboard.down('Shift');
    await page.keyboard.down('KeyS');
    await waitFor(
      () => bot!.avatars().get(pageSession!),
      (seen) => !!seen && Math.hypot(seen.x - botAt.x, seen.z - botAt.z) > 25,
      { timeoutMs: 30_000, what: 'the page’s avatar 25 m away from the bot in the room' },
    );
    await page.keyboard.up('KeyS');
    await page.keyboard.up('Shift');
    const moved = await waitFor(readVoice, (v) => v.room !== null && v.room !== island, {
      timeoutMs: 15_000,
      what: 'a new voice room after walking away',
    });
    await waitFor(() => tokenRooms.includes(moved.room!), Boolean, {
      what: 'a token request for the new island',
    });
    await waitFor(() => sockets.length > socketsBefore, Boolean, {
      what: 'a connection attempt for the new room',
    });
    // The server took the visitor out of the old room on the LiveKit server.
    await waitFor(
      () => livekit.calls.some((c) => c.method === 'RemoveParticipant' && c.body.room === island),
      Boolean,
      { what: 'removal from the old island' },
    );
    await saveScreenshot(page, 'voice-player-moved');
    expect(watched.problems).toEqual([]);
    await page.close();
  });
});
