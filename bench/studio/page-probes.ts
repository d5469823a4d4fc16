/**
 * What bench:studio measures inside the studio page. One self-contained function (Playwright sends its
 * source to the page, so it may use nothing from this module), reading the studio's test hook
 * (`window.__mibStudio`) and the DOM, and driving the editor as a creator does: clicks on the viewport,
 * keys on the editor, typing in the inspector. Times are `performance.now()` differences in the page; a
 * step ends with the next animation frame, when what it changed has been drawn.
 */
export type StudioProbe =
  'open' | 'select' | 'frames' | 'still' | 'drag-start' | 'drag-stop' | 'save' | 'undo' | 'heap' | 'drawn';

export async function studioPageProbes({
  name,
  args,
}: {
  name: StudioProbe;
  args: unknown[];
}): Promise<number | (number | string)[] | number[][]> {
  interface Hook {
    scene: { entities: Record<string, { components: Record<string, unknown>; transform: unknown }> } | null;
    selection: string[];
    save: string;
    viewport: {
      project(id: string): { x: number; y: number } | null;
      drawn(): { calls: number; triangles: number; frames: number };
      redraw(): void;
    } | null;
  }
  const page = globalThis as unknown as {
    __mibStudio?: Hook;
    __benchFrames?: {
      intervals: number[];
      ends: number[];
      pressedAt: number;
      releasedAt: number;
      stop: boolean;
    };
    document: {
      querySelector(selector: string): {
        textContent: string | null;
        dispatchEvent(event: unknown): boolean;
        getBoundingClientRect(): { left: number; top: number; right: number; bottom: number };
      } | null;
      querySelectorAll(selector: string): { length: number };
    };
    requestAnimationFrame(callback: (now: number) => void): number;
    addEventListener(type: string, listener: () => void, capture: boolean): void;
    performance: {
      now(): number;
      mark(name: string): void;
      measure(name: string, start: string): void;
      memory?: { usedJSHeapSize: number };
      getEntriesByType(
        type: string,
      ): { name: string; startTime: number; serverTiming?: { name: string; duration: number }[] }[];
    };
    PointerEvent: new (type: string, init: Record<string, unknown>) => unknown;
    KeyboardEvent: new (type: string, init: Record<string, unknown>) => unknown;
    Event: new (type: string, init: Record<string, unknown>) => unknown;
    HTMLInputElement: { prototype: object };
  };
  const frame = () => new Promise<number>((resolve) => page.requestAnimationFrame(resolve));
  /**
   * The next animation frame's time, once every callback of that frame has run — the renderer's too, so
   * `drawn().frames` then says whether it drew in that frame.
   */
  const tick = async (): Promise<number> => {
    const at = await frame();
    await new Promise((resolve) => setTimeout(resolve, 0));
    return at;
  };
  /** Waits (`wait`: frame by frame) until `ready()`; fails after `timeoutMs` naming `what`. */
  const until = async (
    ready: () => boolean,
    what: string,
    timeoutMs = 60_000,
    wait: () => Promise<number> = frame,
  ): Promise<void> => {
    const end = page.performance.now() + timeoutMs;
    while (!ready()) {
      if (page.performance.now() > end) throw new Error(`bench:studio page: timed out waiting for ${what}`);
      await wait();
    }
  };
  const hook = () => page.__mibStudio!;
  /**
   * Until the view has drawn since it had drawn `frames` (read before the change: the studio draws on
   * change), then the next animation frame: what changed is on the screen.
   */
  const drawnSince = async (frames: number) => {
    const what = `${name} ${String(args[0])}: a frame drawn after the change`;
    await until(() => hook().viewport!.drawn().frames > frames, what, 10_000, tick);
    await frame();
  };
  const editor = () => page.document.querySelector('.studio-editor')!;
  const key = (init: Record<string, unknown>) =>
    editor().dispatchEvent(new page.KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }));
  const inspectorId = () =>
    page.document.querySelector('.studio-inspector .studio-field code')?.textContent ?? null;

  switch (name) {
    case 'open': {
      await until(
        () =>
          (page.__mibStudio?.scene ?? null) !== null &&
          page.document.querySelectorAll('[role=treeitem]').length > 0,
        'the draft to open',
        180_000,
      );
      await frame();
      return page.performance.now(); // since navigation started
    }
    case 'select': {
      // A model whose origin is in view, a different one each sample; nothing selected before the click.
      const viewport = page.document.querySelector('.studio-viewport')!;
      const box = viewport.getBoundingClientRect();
      const models = Object.keys(hook().scene!.entities).filter(
        (id) => hook().scene!.entities[id]!.components['model'],
      );
      const inView = models.flatMap((id) => {
        const at = hook().viewport?.project(id);
        return at &&
          at.x > box.left + 20 &&
          at.x < box.right - 20 &&
          at.y > box.top + 20 &&
          at.y < box.bottom - 20
          ? [{ id, at }]
          : [];
      });
      if (inView.length === 0) throw new Error('bench:studio page: no model in view to click');
      key({ key: 'Escape' });
      await until(() => hook().selection.length === 0, 'the selection to clear');
      await frame();
      const { at } = inView[((args[0] as number) * 7_919) % inView.length]!;
      const pointer = {
        clientX: at.x,
        clientY: at.y,
        button: 0,
        bubbles: true,
        pointerId: 1,
        isPrimary: true,
      };
      const mark = `select ${String(args[0])}`;
      page.performance.mark(mark);
      const drawnBefore = hook().viewport!.drawn().frames;
      const started = page.performance.now();
      viewport.dispatchEvent(new page.PointerEvent('pointerdown', pointer));
      viewport.dispatchEvent(new page.PointerEvent('pointerup', pointer));
      await until(
        () => hook().selection.length === 1 && inspectorId() === hook().selection[0],
        'the clicked entity to be selected and shown',
      );
      await drawnSince(drawnBefore); // the frame that draws its handles
      page.performance.measure(mark, mark); // a span in a --trace
      return page.performance.now() - started;
    }
    case 'frames': {
      // Frame intervals for args[0] ms; with args[1], the view is drawn every frame though nothing changes
      // (the studio draws only on change: this is what a drawn frame costs when nothing else happens).
      const intervals: number[] = [];
      const redraw = args[1] === true;
      page.performance.mark('frames');
      const end = page.performance.now() + (args[0] as number);
      // Intervals between frames that drew (the studio draws on change).
      let last = await tick();
      let drawn = hook().viewport!.drawn().frames;
      while (last < end) {
        if (redraw) hook().viewport!.redraw();
        const now = await tick();
        if (hook().viewport!.drawn().frames === drawn) continue;
        drawn = hook().viewport!.drawn().frames;
        intervals.push(now - last);
        last = now;
      }
      page.performance.measure('frames', 'frames'); // a span in a --trace
      return intervals;
    }
    case 'still': {
      // Frames the view drew in args[0] ms with nothing happening, per second (from half a second after
      // the last step, whose own frames are drawn by then).
      await new Promise((resolve) => setTimeout(resolve, 500));
      const before = hook().viewport!.drawn().frames;
      const started = page.performance.now();
      await new Promise((resolve) => setTimeout(resolve, args[0] as number));
      return ((hook().viewport!.drawn().frames - before) * 1000) / (page.performance.now() - started);
    }
    case 'drag-start': {
      // Frame intervals are recorded until 'drag-stop' (the pointer is moved from outside the page); those
      // that end after the handle is let go are the edit's (the drop), kept apart from the drag's.
      const sampler = {
        intervals: [] as number[],
        ends: [] as number[],
        pressedAt: Infinity,
        releasedAt: Infinity,
        stop: false,
      };
      page.__benchFrames = sampler;
      const pressed = () => (sampler.pressedAt = Math.min(sampler.pressedAt, page.performance.now()));
      const released = () => (sampler.releasedAt = Math.min(sampler.releasedAt, page.performance.now()));
      page.addEventListener('pointerdown', pressed, true);
      page.addEventListener('pointerup', released, true);
      page.performance.mark('drag');
      void (async () => {
        // Intervals between frames that drew; each frame is drawn as in 'frames' with args[1] (the studio
        // draws on change: a pointer moved less often than frames would leave some undrawn).
        let last = await tick();
        let drawn = hook().viewport!.drawn().frames;
        while (!sampler.stop) {
          hook().viewport!.redraw();
          const now = await tick();
          if (hook().viewport!.drawn().frames === drawn) continue;
          drawn = hook().viewport!.drawn().frames;
          sampler.intervals.push(now - last);
          sampler.ends.push(now);
          last = now;
        }
      })();
      const id = hook().selection[0]!;
      const at = hook().viewport!.project(id)!;
      return [at.x, at.y, JSON.stringify(hook().scene!.entities[id]!.transform)];
    }
    case 'drag-stop': {
      // The handles must have moved the entity: else the frames were of something else (an orbit).
      const id = hook().selection[0]!;
      const before = args[0] as string;
      await until(
        () => JSON.stringify(hook().scene!.entities[id]!.transform) !== before,
        'the dragged handles to move the selected entity',
        10_000,
      );
      const edited = page.performance.now();
      // The frame that draws the edit, as the sampler saw it.
      await until(() => page.__benchFrames!.ends.some((end) => end > edited), 'the edit to be drawn', 10_000);
      page.__benchFrames!.stop = true;
      page.performance.measure('drag', 'drag'); // a span in a --trace
      const { intervals, ends, pressedAt, releasedAt } = page.__benchFrames!;
      if (releasedAt === Infinity)
        throw new Error('bench:studio page: the handle was never let go (no pointerup)');
      // From the first frame that ends after the press (it handles the press) until the release.
      const held = intervals.filter((_, i) => ends[i]! > pressedAt && ends[i]! <= releasedAt);
      const drop = intervals.filter((_, i) => ends[i]! > releasedAt);
      return [held, drop];
    }
    case 'save': {
      const input = page.document.querySelector(
        '.studio-inspector input[aria-label="Position (m) y"]',
      ) as unknown as {
        value: string;
        dispatchEvent(event: unknown): boolean;
      };
      await until(() => hook().save === 'saved', 'earlier edits to be saved');
      // React keeps its own copy of an input's value: set it the way the browser would, then say so.
      const { set: setValue } = Object.getOwnPropertyDescriptor(page.HTMLInputElement.prototype, 'value') as {
        set: (this: unknown, value: string) => void;
      };
      const started = page.performance.now();
      setValue.call(input, String(((args[0] as number) % 5) + 0.5));
      input.dispatchEvent(new page.Event('input', { bubbles: true }));
      await until(() => hook().save !== 'saved', 'the edit to be made');
      await until(() => hook().save === 'saved', 'the edit to be saved');
      const took = page.performance.now() - started;
      // This edit's write: the requests since the edit (a request's entry is added once its response is
      // read, which may come after the page says "saved").
      const writesSince = () =>
        page.performance
          .getEntriesByType('resource')
          .filter((entry) => entry.startTime >= started)
          .flatMap((entry) => entry.serverTiming?.filter((timing) => timing.name === 'draft-write') ?? []);
      await until(() => writesSince().length > 0, "the save's timing");
      const writes = writesSince();
      // Apart from the next edit by more than the editor's merge window, so each is its own undo step.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      return [took, writes.at(-1)?.duration ?? Number.NaN];
    }
    case 'undo': {
      const before = hook().scene;
      const drawnBefore = hook().viewport!.drawn().frames;
      const started = page.performance.now();
      key({ key: 'z', ctrlKey: true });
      await until(() => hook().scene !== before, 'the undo to change the scene');
      await drawnSince(drawnBefore);
      return page.performance.now() - started;
    }
    case 'heap':
      return page.performance.memory?.usedJSHeapSize ?? Number.NaN;
    case 'drawn': {
      // What the last frame drew (draw calls, triangles), and the renderer's name.
      const drawn = hook().viewport!.drawn();
      const context = (
        page.document as unknown as { createElement(tag: string): { getContext(kind: string): unknown } }
      )
        .createElement('canvas')
        .getContext('webgl2') as {
        RENDERER: number;
        getExtension(name: string): { UNMASKED_RENDERER_WEBGL: number } | null;
        getParameter(name: number): unknown;
      };
      const named = context.getExtension('WEBGL_debug_renderer_info');
      const renderer = String(context.getParameter(named ? named.UNMASKED_RENDERER_WEBGL : context.RENDERER));
      return [drawn.calls, drawn.triangles, /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? 1 : 0];
    }
  }
}
