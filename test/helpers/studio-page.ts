/**
 * Driving the creator studio in a browser page as a creator does, and reading what it shows tests
 * (`window.__mibStudio`): the draft, the selection, the save state, the camera, the frames drawn.
 */
import type { Page } from 'playwright-core';
import type { StudioTestHook } from '../../client/src/apps/studio/test-hook.js';
import { waitFor } from './wait.js';

/** `page` gives the page to drive (asked at each call, so a test file may open it in `beforeAll`). */
export function studioPage(page: () => Page) {
  const studio = () =>
    page().evaluate(() => {
      const hook = (window as unknown as { __mibStudio?: StudioTestHook }).__mibStudio;
      return hook
        ? {
            scene: hook.scene,
            selection: hook.selection,
            save: hook.save,
            view: hook.viewport?.view() ?? null,
          }
        : null;
    });
  const inspector = () => page().getByRole('complementary', { name: 'Inspector' });
  const tab = (name: string) => inspector().getByRole('tab', { name }).click();
  return {
    studio,
    saved: () =>
      waitFor(studio, (s) => s?.save === 'saved', {
        what: 'the studio to save its edits',
        timeoutMs: 15_000,
      }),
    /** Frames the viewport has drawn so far (it draws on change). */
    drawnFrames: () =>
      page().evaluate(
        () => (window as unknown as { __mibStudio: StudioTestHook }).__mibStudio.viewport!.drawn().frames,
      ),
    /** An entity's name in the tree. */
    row: (id: string) => page().locator(`[data-entity="${id}"] .studio-tree-name`),
    inspector,
    tab,
    /** Drags the move handles' centre on an entity ten steps of (dx, dy) pixels with the real pointer. */
    dragHandles: async (id: string, dx: number, dy: number) => {
      const at = await page().evaluate(
        (entity) =>
          (window as unknown as { __mibStudio: StudioTestHook }).__mibStudio.viewport!.project(entity),
        id,
      );
      await page().mouse.move(at!.x, at!.y);
      await page().mouse.down();
      for (let i = 1; i <= 10; i += 1) await page().mouse.move(at!.x + i * dx, at!.y + i * dy);
      await page().mouse.up();
    },
    addComponent: async (title: string) => {
      await tab('Inspector');
      await inspector().getByLabel('Add component').selectOption({ label: title });
    },
    /** Adds an entity with the toolbar; its id (it is selected). */
    addEntity: async () => {
      const before = (await studio())!.selection;
      await page().getByRole('button', { name: 'Add entity' }).click();
      const after = await waitFor(studio, (s) => s!.selection.length === 1 && s!.selection[0] !== before[0], {
        what: 'the new entity to be selected',
      });
      return after!.selection[0]!;
    },
  };
}
