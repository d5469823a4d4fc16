/**
 * axe-core (from npm, run inside the page) over what a browser test shows: the serious and critical
 * violations, each with the elements it found them on, as lines a failing assertion prints.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** What the page answers (the tests compile without the DOM library). */
interface AxePage {
  axe?: {
    run(
      context: unknown,
      options: unknown,
    ): Promise<{
      violations: Array<{
        id: string;
        impact: string | null;
        help: string;
        nodes: Array<{ target: unknown[]; failureSummary?: string }>;
      }>;
    }>;
  };
}

/**
 * The serious and critical WCAG 2.x A/AA and best-practice violations in `scope` (a CSS selector; the whole
 * page by default) as "rule (impact): help — at selector: why" lines; [] when clean.
 */
export async function seriousAxeViolations(page: Page, scope = 'html'): Promise<string[]> {
  const present = await page.evaluate(() => (globalThis as unknown as AxePage).axe !== undefined);
  if (!present) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async (selector) => {
    const { axe } = globalThis as unknown as AxePage;
    const result = await axe!.run(selector, { resultTypes: ['violations'] });
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map((node) => ({ target: node.target.join(' '), why: node.failureSummary ?? '' })),
    }));
  }, scope);
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) =>
          `${violation.id} (${violation.impact}): ${violation.help} — at ${node.target}: ${node.why.replace(/\s+/g, ' ')}`,
      ),
    );
}
