/**
 * The process hosting a visitor's instance dies (SIGKILL). The player cannot resume its session there, so
 * it joins the world again through the entry point — on the surviving process, in a new instance — and
 * the world's saved state is still there. Two server processes share PostgreSQL and Redis behind one
 * entry point, as the README tells operators to run them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import type { MibTestHook } from '../../client/src/shared/world/test-hook.js';
import { launchBrowser, openWatchedPage, saveScreenshot, type WatchedPage } from '../helpers/browser.js';
import { startEntryPoint, type EntryPoint } from '../helpers/entry-point.js';
import { startSharedServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { createPostgresSchema, createRedisDatabase, type PostgresSchema } from '../helpers/services.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

let schema: PostgresSchema;
let processes: ServerProcess[];
let entry: EntryPoint;
let browser: Browser;
let watched: WatchedPage;
let bot: Visitor | undefined;

const startProcess = (redisUrl: string): Promise<ServerProcess> =>
  startSharedServerProcess(schema.url, redisUrl);

type Hook = Pick<MibTestHook, 'connection' | 'roomId' | 'presses' | 'loading'>;
const readHook = (): Promise<Hook> =>
  watched.page.evaluate(() => {
    const mib = window.__mib!;
    return { connection: mib.connection, roomId: mib.roomId, presses: mib.presses, loading: mib.loading };
  });

beforeAll(async () => {
  schema = await createPostgresSchema();
  const redisUrl = await createRedisDatabase();
  processes = [await startProcess(redisUrl), await startProcess(redisUrl)];
  entry = await startEntryPoint(processes.map((p) => p.url));
  browser = await launchBrowser();
});

afterAll(async () => {
  await bot?.leave().catch(() => undefined);
  await browser?.close();
  await entry?.close();
  await Promise.all((processes ?? []).map((p) => p.stop()));
  await schema?.drop();
});

describe('losing the process that hosts the instance', () => {
  it('rejoins the world through another process, with the saved state intact', async () => {
    // (SDK resume attempts ≈ 11 s, then a rejoin through the entry point.)
    // One saved press in the demo world.
    bot = await joinWorld(entry.url, { name: 'Host bot' });
    expect((await bot.press()).presses).toBe(1);

    watched = await openWatchedPage(browser, [/WebSocket connection to .* failed/, /ERR_CONNECTION_REFUSED/]);
    const sockets: string[] = [];
    watched.page.on('websocket', (ws) => sockets.push(ws.url()));
    await watched.page.goto(`${entry.url}/?name=Stayer&color=%23aa44ff`);
    const joined = await waitFor(
      readHook,
      (hook) => hook.connection === 'joined' && hook.loading.progress === 1,
      {
        timeoutMs: 30_000,
        what: 'the page to join',
      },
    );
    expect(joined.roomId).toBe(bot.room.roomId);
    expect(joined.presses).toBe(1);

    // The bot's part is over: without this its SDK would keep trying to resume on the dead process (15
    // attempts, about a minute) and hold the file's teardown.
    bot.room.reconnection.enabled = false;
    // Kill whichever process hosts the instance (the page's WebSocket goes straight to it).
    const hostPort = new URL(sockets[0]!).port;
    const host = processes.find((p) => String(p.port) === hostPort);
    expect(host).toBeDefined();
    await host!.stop('SIGKILL');
    const rejoined = await waitFor(
      readHook,
      (hook) => hook.connection === 'joined' && hook.roomId !== null && hook.roomId !== joined.roomId,
      { timeoutMs: 45_000, intervalMs: 250, what: 'the page to rejoin the world in a new instance' },
    );
    expect(rejoined.presses).toBe(1); // the world's saved state survived the process
    expect(new URL(sockets.at(-1)!).port).not.toBe(hostPort);
    await saveScreenshot(watched.page, 'process-loss-rejoined');
  });
});
