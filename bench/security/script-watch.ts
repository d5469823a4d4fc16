/**
 * Counts scripts that ran where only text belongs: every XSS payload of the corpus calls `__xss(<tag>)`
 * (or `alert(<tag>)`), which a browser context records with the page it ran in. Shared by the web-surfaces
 * harness and its checker's test (a planted XSS must be counted).
 */
import type { BrowserContext } from 'playwright-core';

/** Each payload calls __xss with its own tag; each is at most 40 characters (display names take 60). */
export const XSS_PAYLOADS: Record<string, string> = {
  img: `<img src=x onerror=__xss('img')>`,
  svg: `<svg onload=__xss('svg')>`,
  script: `"><script>__xss('script')</script>`,
  title: `</title><script>__xss('title')</script>`,
  href: `javascript:__xss('href')`,
  anchor: `<a href=javascript:__xss('a')>a</a>`,
  details: `<details open ontoggle=__xss('details')>`,
  alert: `<img src=x onerror=alert('alert')>`,
};

export interface ScriptWatch {
  /** Scripts that ran: the payload's tag and the page's address. */
  executions: Array<{ tag: string; page: string }>;
}

export async function watchForScripts(context: BrowserContext): Promise<ScriptWatch> {
  const watch: ScriptWatch = { executions: [] };
  await context.exposeBinding('__xss', ({ frame }, tag: unknown) => {
    watch.executions.push({ tag: String(tag), page: frame.url() });
  });
  context.on('page', (page) =>
    page.on('dialog', (dialog) => {
      watch.executions.push({ tag: `dialog:${dialog.message()}`, page: page.url() });
      void dialog.dismiss();
    }),
  );
  return watch;
}
