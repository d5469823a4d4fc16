/**
 * bench:security's web-surfaces checker catches what it is there to catch: a planted XSS (a payload put
 * in the page as HTML) is counted in a real Chromium, the same payload put in as text is not, an alert is
 * counted; and the verdict fails a run with a script, a javascript: link, a page that showed no marker or a
 * frame let in.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { XSS_PAYLOADS, watchForScripts } from '../../bench/security/script-watch.js';
import { webSurfacesPass } from '../../bench/security/web-surfaces.js';
import { launchBrowser } from '../helpers/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

/** A page that puts every payload in, as HTML or as text; the scripts the watch counted. */
async function planted(as: 'innerHTML' | 'textContent'): Promise<string[]> {
  const context = await browser.newContext();
  const watch = await watchForScripts(context);
  const page = await context.newPage();
  await page.setContent(
    `<!doctype html><title>t</title><body><script>
      for (const payload of ${JSON.stringify(Object.values(XSS_PAYLOADS)).replaceAll('<', '\\u003c')}) {
        const holder = document.createElement('div');
        holder.${as} = payload;
        document.body.append(holder);
      }
    </script></body>`,
  );
  await page.waitForTimeout(500);
  await context.close();
  return watch.executions.map((execution) => execution.tag).sort();
}

describe('the web surfaces checker', () => {
  it('counts payloads that ran from HTML, alerts included, and none shown as text', async () => {
    expect(await planted('innerHTML')).toEqual(
      expect.arrayContaining(['details', 'dialog:alert', 'img', 'svg']),
    );
    expect(await planted('textContent')).toEqual([]);
  });

  const clean = {
    payloads: 8,
    scriptsRun: [],
    javascriptLinks: 0,
    markersShown: { player: ['C0', 'W'], studio: ['E0', 'W'], embed: ['D', 'W'] },
    frames: { blocked: ['player', 'studio'], allowed: ['embed'] },
  };

  it('passes a clean run and fails each kind of miss', () => {
    expect(webSurfacesPass(clean)).toBe(true);
    expect(webSurfacesPass({ ...clean, scriptsRun: [{ tag: 'img', page: '/studio/x' }] })).toBe(false);
    expect(webSurfacesPass({ ...clean, javascriptLinks: 1 })).toBe(false);
    expect(webSurfacesPass({ ...clean, markersShown: { ...clean.markersShown, embed: [] } })).toBe(false);
    expect(webSurfacesPass({ ...clean, frames: { blocked: ['player'], allowed: ['embed', 'studio'] } })).toBe(
      false,
    );
    expect(
      webSurfacesPass({ ...clean, frames: { blocked: ['player', 'studio', 'embed'], allowed: [] } }),
    ).toBe(false);
  });
});
