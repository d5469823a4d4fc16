/**
 * End to end: the furnished demo world of a new installation (its furniture made and put through the asset
 * pipeline on the first start) in the player — every piece loads; a crate a bot picks up is drawn as its
 * model riding in front of the bot; the portal by the trees takes a visitor behind the fountain.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { MessageType, type SceneDocument } from '../../protocol/index.js';
import type { MibTestHook } from '../../client/src/shared/world/test-hook.js';
import { launchBrowser, openWatchedPage, saveScreenshot, type WatchedPage } from '../helpers/browser.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { joinWorld, stepTowards, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

let server: ServerProcess;
let browser: Browser;
let watched: WatchedPage;
const bots: Visitor[] = [];

type Hook = Pick<MibTestHook, 'loading' | 'models' | 'items'>;
const readHook = (): Promise<Hook> =>
  watched.page.evaluate(() => {
    const mib = window.__mib!;
    return { loading: mib.loading, models: mib.models, items: mib.items };
  });

/** Steps `bot` (running) towards `target` until `done` holds, at most `limit` steps. */
async function walk(
  bot: Visitor,
  target: { x: number; z: number },
  done: (at: { x: number; z: number }) => boolean,
  limit = 200,
): Promise<void> {
  let seq = (bot.self()?.ackSeq ?? 0) + 1;
  for (let step = 0; step < limit && !done(bot.self()!); step++) await stepTowards(bot, target, () => seq++);
  expect(done(bot.self()!)).toBe(true);
}

beforeAll(async () => {
  server = await startServerProcess({ DATA_DIR: await tempDir() });
  browser = await launchBrowser();
});

afterAll(async () => {
  await Promise.all(bots.map((bot) => bot.leave().catch(() => undefined)));
  await browser?.close();
  await server?.stop();
});

describe('the furnished demo plaza', () => {
  it('loads every piece of furniture, and draws a carried crate as its model riding with its carrier', async () => {
    const scene = (await (await fetch(`${server.url}/worlds/demo/scene`)).json()) as SceneDocument;
    const withModels = Object.entries(scene.entities)
      .filter(([, entity]) => entity.components.model)
      .map(([id]) => id)
      .sort();
    // bench, lever, three crates, four lamp posts, six trees, the arch, the fountain and its two benches
    expect(withModels).toHaveLength(19);

    watched = await openWatchedPage(browser, []);
    await watched.page.goto(`${server.url}/?name=Watcher`);
    const loaded = await waitFor(
      readHook,
      (hook) => hook.loading.progress === 1 && withModels.every((id) => hook.models[id] !== 'loading'),
      { timeoutMs: 60_000, what: 'the plaza and its models to load' },
    );
    expect(Object.fromEntries(withModels.map((id) => [id, loaded.models[id]]))).toEqual(
      Object.fromEntries(withModels.map((id) => [id, 'loaded'])),
    );

    const bot = await joinWorld(server.url, { name: 'Porter', color: '#e6194b' });
    bots.push(bot);
    const crate = scene.entities['crate-1']!.transform.position;
    await walk(bot, { x: crate[0], z: crate[2] }, (at) => Math.hypot(at.x - crate[0], at.z - crate[2]) < 1);
    bot.room.send(MessageType.interact, { entity: 'crate-1' });
    await waitFor(
      readHook,
      (hook) => hook.items.some((item) => item.entity === 'crate-1' && item.heldBy === bot.sessionId),
      { what: 'the page to see the bot carry crate 1' },
    );
    // A few steps towards the page's avatar, carrying it: the model rides along (see the screenshot).
    await walk(bot, { x: 0, z: 3 }, (at) => at.z < crate[2] - 2, 40);
    await watched.page.waitForTimeout(500);
    await saveScreenshot(watched.page, 'demo-plaza-crate-carried');
    expect(watched.problems).toEqual([]);
  });

  it('takes a visitor through the portal by the trees to behind the fountain', async () => {
    const scene = (await (await fetch(`${server.url}/worlds/demo/scene`)).json()) as SceneDocument;
    const portal = scene.entities['portal']!.transform.position;
    const behind = scene.entities['fountain-spawn']!.transform.position;
    const walker = await joinWorld(server.url, { name: 'Walker', color: '#3cb44b' });
    bots.push(walker);
    // Walk into the portal; the room moves the visitor to the spawn point behind the fountain.
    await walk(
      walker,
      { x: portal[0], z: portal[2] },
      (at) => Math.hypot(at.x - behind[0], at.z - behind[2]) < 1.5,
    );
  });
});
