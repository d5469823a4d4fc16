/**
 * Headless Chromium from Debian (`apt-get install chromium`), driven by playwright-core with software
 * WebGL. No browser is downloaded. Pages fail the test on uncaught errors and unexpected console errors.
 */
import { DEFAULT_SETTINGS, STORAGE_KEY } from '../../client/src/shared/world/settings.js';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
// The small module itself, not the pipeline's index: browser tests need none of the pipeline.
import { CHROMIUM_ARGS } from '../../asset-pipeline/render/chromium-args.js';
import type { MibTestHook } from '../../client/src/shared/world/test-hook.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.resolve('test-artifacts');

/**
 * Chromium's own stand-ins for a camera (a test pattern) and a screen to share, accepted without a prompt:
 * nothing is downloaded, and the capture path is the browser's real one.
 */
export const FAKE_MEDIA_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--auto-accept-this-tab-capture',
  '--auto-select-desktop-capture-source=Entire screen',
];

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `browser tests need Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...E2E_ARGS, ...extraArgs],
  });
}

/**
 * What the browser tests store in the player's settings: at most 5 frames a second, drawn at half
 * resolution (the HUD stays sharp; only the 3D view is coarser). Software WebGL costs a core and more per
 * page at full rate; measured on the demo world at 1024×640, one idle page took 127 % of a core at 10
 * frames/s and full resolution, 35 % with these settings and 22 % with software compositing as well.
 */
const E2E_SETTINGS = {
  ...DEFAULT_SETTINGS,
  quality: 'custom',
  pixelRatio: 0.5,
  maxFps: 5,
  // A scene's HDR sky and its ground's patterns ("Detailed sky and ground") tripled the demo world's frame
  // here (17 → 50 ms at half resolution) and slowed the browser tests several times over: tests that look
  // at them turn them on themselves.
  sceneDetail: false,
} as const;

/** Chromium for the browser tests: the product's flags, plus compositing in software (no GPU here anyway). */
const E2E_ARGS = ['--disable-gpu-compositing'];

export interface WatchedPage {
  page: Page;
  /** Uncaught errors and console errors not matched by `expected`. */
  problems: string[];
}

/** Opens a page that records every uncaught error and every console error not listed as expected. */
export async function openWatchedPage(
  browser: Browser,
  expected: RegExp[] = [],
  viewport = { width: 1024, height: 640 },
): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport });
  await storeTestSettings(page);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected.some((pattern) => pattern.test(message.text()))) {
      problems.push(`console.error: ${message.text()}`);
    }
  });
  return { page, problems };
}

/**
 * Pages draw with E2E_SETTINGS (the player's own frame-rate cap and pixel ratio) unless a test stored
 * settings of its own: software WebGL takes a core and more per page at full rate, starving the other
 * test workers. Nothing in the tests times frames; the simulation runs at its own rate. For pages a test
 * opens itself (openWatchedPage does it).
 */
export async function storeTestSettings(page: Page): Promise<void> {
  await page.addInitScript(
    ([key, settings]) => {
      try {
        if (!window.localStorage.getItem(key)) window.localStorage.setItem(key, JSON.stringify(settings));
      } catch {
        // A page without storage (opaque origins) runs uncapped.
      }
    },
    [STORAGE_KEY, E2E_SETTINGS] as const,
  );
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(ARTIFACTS_DIR, 'screenshots');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Reads the named fields of the page's `window.__mib` (a copy, as the hook gives them). `page` is a
 * function so a reader made once follows whichever page the test has open.
 */
export function hookReader<K extends keyof MibTestHook>(
  page: () => Page,
  keys: readonly K[],
): () => Promise<Pick<MibTestHook, K>> {
  return () =>
    page().evaluate(
      (names) => {
        const mib = window.__mib! as unknown as Record<string, unknown>;
        return Object.fromEntries(names.map((name) => [name, mib[name]]));
      },
      keys as readonly string[],
    ) as Promise<Pick<MibTestHook, K>>;
}
