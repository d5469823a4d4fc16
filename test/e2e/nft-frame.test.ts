/**
 * The README's "Your NFT in the demo world", run as written against a server process with its dev chain,
 * with the player in headless Chromium watching the gallery frame: filled, emptied by the transfer, filled
 * again when the token is back. Screenshots of each step are in test-artifacts.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import type { MibTestHook } from '../../client/src/shared/world/test-hook.js';
import { launchBrowser, openWatchedPage, saveScreenshot, type WatchedPage } from '../helpers/browser.js';
import { startServerProcess, tempDir, type ServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

let server: ServerProcess;
let browser: Browser;
let watched: WatchedPage;

beforeAll(async () => {
  server = await startServerProcess({ DATA_DIR: await tempDir(), DEV_CHAIN: 'on' }, 60_000);
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const frame = () =>
  watched.page.evaluate(() =>
    window.__mib!.frames.find(
      (candidate: MibTestHook['frames'][number]) => candidate.entity === 'gallery-frame',
    ),
  );

function run(command: string): string {
  const result = spawnSync('bash', ['-euo', 'pipefail', '-c', command], {
    encoding: 'utf8',
    env: { ...process.env, MIB_URL: server.url },
    timeout: 60_000,
  });
  expect({ command, status: result.status, stderr: result.stderr }).toEqual({
    command,
    status: 0,
    stderr: '',
  });
  return result.stdout;
}

describe('README: your NFT in the demo world', () => {
  it('frames the token, empties the frame after the transfer, and fills it when the token is back', async () => {
    const readme = await readFile('README.md', 'utf8');
    const block = /<!-- nft-walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- nft-walkthrough:end -->/.exec(
      readme,
    )?.[1];
    expect(block).toContain('export MIB_URL=http://localhost:2567\n');
    const commands = block!.split('\n').filter((line) => line.startsWith('node '));
    expect(commands).toHaveLength(3);
    const [frameIt, sendAway, sendBack] = commands as [string, string, string];

    expect(run(frameIt)).toContain('"framed": "Demo Collectible #1"');
    watched = await openWatchedPage(browser);
    await watched.page.goto(`${server.url}/?name=Viewer`);
    await waitFor(frame, (seen) => seen?.token?.name === 'Demo Collectible #1', {
      timeoutMs: 30_000,
      what: 'the gallery frame showing Demo Collectible #1',
    });
    // Its metadata's animation_url GLB went through the asset pipeline: the frame shows the model too.
    await waitFor(
      () => watched.page.evaluate(() => window.__mib!.models['gallery-frame:model']),
      (state) => state === 'loaded',
      { timeoutMs: 60_000, what: 'the token’s model drawn on the frame' },
    );
    // The picture is drawn once its texture has loaded.
    await watched.page.waitForTimeout(1_000);
    await saveScreenshot(watched.page, 'nft-frame-filled');

    expect(run(sendAway)).toContain('"transferred": "Demo Collectible #1"');
    await waitFor(frame, (seen) => seen !== undefined && seen.token === null, {
      timeoutMs: 20_000,
      what: 'the gallery frame emptied',
    });
    await saveScreenshot(watched.page, 'nft-frame-empty');

    run(sendBack);
    await waitFor(frame, (seen) => seen?.token?.name === 'Demo Collectible #1', {
      timeoutMs: 20_000,
      what: 'the gallery frame filled again',
    });
    expect(watched.problems).toEqual([]);
  }, 120_000);
});
