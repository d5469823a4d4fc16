/**
 * Wallet sign-in and the Items panel in the player, with a test wallet injected into the page (EIP-6963,
 * signing with anvil's dev account 1 in the test process): sign in from the Items panel, see the demo
 * tokens the wallet holds, show one in the demo world's gallery frame (the room's state shows it to
 * everyone) and wear another (its picture on the name tag); axe finds nothing serious in the panel. A
 * declined signature, a declined chain switch and a chain switched mid-signature each get a clear message
 * and sign nobody in. The studio's sign-in page signs in with the same wallet.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { createPublicClient, createWalletClient, http, type Address } from 'viem';
import { contracts, devAccount } from '../../nft-bridge/index.js';
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
import { injectTestWallet, type TestWalletBehaviour } from '../helpers/test-wallet.js';
import { joinWorld } from '../helpers/visitors.js';
import { registerAccount } from '../helpers/api.js';
import { shortAddress } from '../../client/src/shared/wallet/injected-wallets.js';
import { waitFor } from '../helpers/wait.js';

let server: ServerProcess;
let browser: Browser;
let watched: WatchedPage;

const readHook = hookReader(() => watched.page, [
  'loading',
  'frames',
  'wearing',
  'models',
  'sessionId',
] as const satisfies ReadonlyArray<keyof MibTestHook>);

async function enter(page: WatchedPage['page'], name: string): Promise<void> {
  await page.goto(`${server.url}/?world=demo&name=${encodeURIComponent(name)}`);
  await page.waitForFunction(() => window.__mib?.loading.progress === 1, undefined, { timeout: 60_000 });
}

/** A fresh page with the test wallet in `behaviour`, in the demo world, its Items panel open. */
async function pageWithWallet(behaviour: TestWalletBehaviour): Promise<WatchedPage> {
  const opened = await openWatchedPage(browser);
  await injectTestWallet(opened.page, devAccount(1), behaviour);
  await enter(opened.page, 'Wally');
  await opened.page.getByRole('button', { name: 'Items' }).click();
  await opened.page.getByRole('button', { name: 'Sign in with Test Wallet' }).click();
  return opened;
}

beforeAll(async () => {
  server = await startServerProcess({ DATA_DIR: await tempDir(), DEV_CHAIN: 'on' }, 60_000);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('wallet sign-in and items in the player', () => {
  it('signs in with the injected wallet from the Items panel and lists what it holds', async () => {
    watched = await openWatchedPage(browser);
    const page = watched.page;
    await injectTestWallet(page, devAccount(1));
    await enter(page, 'Wally');
    await page.getByRole('button', { name: 'Items' }).click();
    const panel = page.getByRole('dialog', { name: 'Items' });
    await panel.getByRole('button', { name: 'Sign in with Test Wallet' }).click();
    // Signed in, the page joins again as the wallet's account (its name is the short address).
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor({ state: 'detached' });
    await page.waitForFunction(() => window.__mib?.loading.progress === 1, undefined, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Items' }).click();
    for (const name of ['Demo Collectible #1', 'Demo Collectible #2', 'Demo Item #1', 'Demo Item #2'])
      await panel.getByText(name, { exact: true }).waitFor();
    await panel.locator('.item-origin', { hasText: '×5' }).waitFor();
    // Every token's picture, served by this server, has loaded.
    await page.waitForFunction(() => {
      const pictures = [...document.querySelectorAll<HTMLImageElement>('.items-panel img')];
      return (
        pictures.length === 4 && pictures.every((picture) => picture.complete && picture.naturalWidth > 0)
      );
    });
    const violations = await seriousAxeViolations(page);
    expect(violations).toEqual([]);
    await saveScreenshot(page, 'items-panel');
    expect(watched.problems).toEqual([]);
  });

  it('shows a token in the gallery frame and wears another', async () => {
    const page = watched.page;
    const panel = page.getByRole('dialog', { name: 'Items' });
    const second = panel.locator('li.item', { hasText: 'Demo Collectible #2' });
    expect(await second.getByRole('combobox').inputValue()).toBe('gallery-frame');
    await second.getByRole('button', { name: 'Show in frame' }).click();
    await panel.getByText('Demo Collectible #2 shown in Gallery frame').waitFor();
    await second.getByText('In Gallery frame').waitFor();
    // The one frame of the demo world shows it now: it is not offered again for this token.
    expect(await second.getByRole('combobox').count()).toBe(0);
    const framed = await waitFor(
      readHook,
      (hook) =>
        hook.frames.find((frame) => frame.entity === 'gallery-frame')?.token?.name === 'Demo Collectible #2',
      { what: 'the gallery frame showing Demo Collectible #2', timeoutMs: 20_000 },
    );
    expect(framed.frames.find((frame) => frame.entity === 'gallery-frame')?.token?.image).toMatch(
      /^[0-9a-f]{64}$/,
    );

    const item = panel.locator('li.item', { hasText: 'Demo Item #1' });
    await item.getByRole('button', { name: 'Wear' }).click();
    await item.getByText('Worn').waitFor();
    await page.locator('.name-tag[data-wearing] img.worn-token').first().waitFor({ timeout: 20_000 });
    await saveScreenshot(page, 'items-framed-and-worn');

    await item.getByRole('button', { name: 'Take off' }).click();
    await panel.getByText('Demo Item #1 taken off').waitFor();
    await page.waitForFunction(() => !document.querySelector('.name-tag .worn-token'), undefined, {
      timeout: 20_000,
    });
    expect(watched.problems).toEqual([]);
  });

  it('wears a token’s model on the avatar for everyone, and takes it off when the token leaves the wallet', async () => {
    const page = watched.page;
    const panel = page.getByRole('dialog', { name: 'Items' });
    const gem = panel.locator('li.item', { hasText: 'Demo Collectible #1' });
    await gem.getByRole('button', { name: 'Wear' }).click();
    await gem.getByText('Worn').waitFor();
    // Its animation_url GLB goes through the asset pipeline first; the room then names the model.
    const worn = await waitFor(readHook, (hook) => (hook.wearing?.model ?? '') !== '', {
      what: 'the worn token’s model named by the room',
      timeoutMs: 90_000,
    });
    expect(worn.wearing).toMatchObject({ slot: 'head', picture: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const model = worn.wearing!.model;
    await waitFor(readHook, (hook) => hook.models[`worn:${model}`] === 'loaded', {
      what: 'the worn model loaded on the avatar',
      timeoutMs: 30_000,
    });
    await page.getByRole('button', { name: 'Items' }).click(); // close the panel for the picture
    await saveScreenshot(page, 'items-worn-model');
    // Closer, from the front: the camera orbits with a drag (the gem sits on the head).
    await page.mouse.move(512, 420);
    await page.mouse.down();
    await page.mouse.move(812, 400, { steps: 10 });
    await page.mouse.up();
    await page.mouse.wheel(0, -600);
    await page.waitForTimeout(500);
    await saveScreenshot(page, 'items-worn-model-near');

    // Another visitor sees the same model on the avatar.
    const other = await joinWorld(server.url, { name: 'Onlooker' });
    try {
      await other.waitToSee({ sessionId: worn.sessionId! }, 'the wearer');
      await waitFor(
        () => Promise.resolve(other.avatars().get(worn.sessionId!)),
        (avatar) => avatar?.wearingModel === model && avatar.wearingSlot === 'head',
        { what: 'the onlooker seeing the worn model' },
      );

      // The token leaves the wallet: once the transfer is confirmed, the binding is revoked and it comes off.
      const { rpcUrl, collectibles } = (await (await fetch(`${server.url}/nft/dev-chain`)).json()) as {
        rpcUrl: string;
        collectibles: Address;
      };
      const holder = devAccount(1);
      const hash = await createWalletClient({ account: holder, transport: http(rpcUrl) }).writeContract({
        chain: null,
        address: collectibles,
        abi: contracts.DemoCollectibles.abi,
        functionName: 'transferFrom',
        args: [holder.address, devAccount(2).address, 1n],
      });
      await createPublicClient({ transport: http(rpcUrl) }).waitForTransactionReceipt({ hash });
      await waitFor(readHook, (hook) => hook.wearing?.model === '' && hook.wearing.picture === '', {
        what: 'the model taken off after the token left the wallet',
        timeoutMs: 30_000,
      });
      await waitFor(
        () => Promise.resolve(other.avatars().get(worn.sessionId!)),
        (avatar) => avatar?.wearingModel === '',
        { what: 'the onlooker seeing it taken off' },
      );
    } finally {
      await other.leave();
    }
    expect(watched.problems).toEqual([]);
  });

  it('says what went wrong when the signature is declined, the chain not switched, or switched mid-way', async () => {
    const cases: Array<[TestWalletBehaviour, RegExp]> = [
      [{ declineSignature: true }, /You declined to sign the message in Test Wallet\. Nothing was changed/],
      [{ chainId: 1, declineSwitch: true }, /Test Wallet is on chain 1; this server reads chain 31337\./],
      [
        { switchDuringSignature: 1 },
        /Test Wallet switched to chain 1 while you were signing in\. Sign in again/,
      ],
    ];
    for (const [behaviour, message] of cases) {
      const opened = await pageWithWallet(behaviour);
      const alert = opened.page.getByRole('dialog', { name: 'Items' }).getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(message);
      // Nobody was signed in: the panel still offers the wallet.
      await opened.page.getByRole('button', { name: 'Sign in with Test Wallet' }).waitFor();
      expect(opened.problems).toEqual([]);
      await opened.page.close();
    }
    // A wallet on another chain that does switch signs in.
    const switched = await pageWithWallet({ chainId: 1 });
    await switched.page
      .getByRole('button', { name: 'Sign in', exact: true })
      .waitFor({ state: 'detached', timeout: 30_000 });
    await switched.page.waitForFunction(() => window.__mib?.loading.progress === 1, undefined, {
      timeout: 60_000,
    });
    await switched.page.getByRole('button', { name: 'Items' }).click();
    await switched.page.getByText('Demo Collectible #2', { exact: true }).waitFor();
    await switched.page.close();
  });

  it('links a wallet to an account signed in with a password, and refuses one another account holds', async () => {
    const { email, password } = await registerAccount(server.url, 'Linker');
    const opened = await openWatchedPage(browser);
    await injectTestWallet(opened.page, devAccount(3));
    await enter(opened.page, 'Linker');
    await opened.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await opened.page.fill('input[name="email"]', email);
    await opened.page.fill('input[name="password"]', password);
    await opened.page.click('.sign-in button[type="submit"]');
    await opened.page.getByRole('button', { name: 'Linker' }).waitFor({ timeout: 30_000 });
    await opened.page.waitForFunction(() => window.__mib?.loading.progress === 1, undefined, {
      timeout: 60_000,
    });
    await opened.page.getByRole('button', { name: 'Linker' }).click();
    const account = opened.page.getByRole('dialog', { name: 'Account' });
    await account.getByRole('button', { name: 'Link Test Wallet' }).click();
    await account.getByText(shortAddress(devAccount(3).address)).waitFor();
    // Its wallet holds no demo tokens: the Items panel says so.
    await opened.page.getByRole('button', { name: 'Items' }).click();
    await opened.page.getByText(/hold none of the collections this server lists/).waitFor();
    await opened.page.close();

    // The first test's wallet belongs to the account it signed in as: linking it elsewhere is refused.
    const other = await openWatchedPage(browser, [/status of 409/]);
    await injectTestWallet(other.page, devAccount(1));
    await enter(other.page, 'Linker');
    await other.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await other.page.fill('input[name="email"]', email);
    await other.page.fill('input[name="password"]', password);
    await other.page.click('.sign-in button[type="submit"]');
    await other.page.getByRole('button', { name: 'Linker' }).waitFor({ timeout: 30_000 });
    await other.page.getByRole('button', { name: 'Linker' }).click();
    await other.page.getByRole('button', { name: 'Link Test Wallet' }).click();
    const refusal = other.page.getByRole('dialog', { name: 'Account' }).getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/another account/i);
    expect(other.problems).toEqual([]);
    await other.page.close();
  });

  it('signs in to the studio with the wallet', async () => {
    const opened = await openWatchedPage(browser);
    await injectTestWallet(opened.page, devAccount(1));
    await opened.page.goto(`${server.url}/studio`);
    await opened.page.getByRole('button', { name: 'Sign in with Test Wallet' }).click();
    await opened.page
      .getByRole('heading', { name: /worlds/i })
      .first()
      .waitFor({ timeout: 30_000 });
    await saveScreenshot(opened.page, 'studio-signed-in-with-wallet');
    expect(opened.problems).toEqual([]);
    await opened.page.close();
  });
});
