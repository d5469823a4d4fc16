/**
 * Which level of detail a model is drawn at, by how big it looks: its bounding sphere's radius on screen,
 * in pixels. Screen size, not distance, so a tower keeps its detail where a cup has long dropped to its
 * coarsest level. The asset pipeline's levels are simplified within an error bound relative to the model's
 * size (LOD1 2 %, LOD2 5 %: optimize-document.ts), so switching below these radii moves no edge by more
 * than about a pixel. Below PROXY_BELOW_PX a model is a few pixels wide: it is drawn as a dot, all such dots
 * in one draw call (ModelDots in drawn-models.ts) — what lets a creator frame a world of thousands of
 * models in one view. Where a triangle budget applies (software rendering), chooseLevels coarsens further.
 */

/** Level k + 1 takes over when the model's radius on screen is under LEVEL_BELOW_PX[k] pixels. */
export const LEVEL_BELOW_PX = [60, 24] as const;
/** Under this radius on screen (pixels) a model is drawn as a dot. */
export const PROXY_BELOW_PX = 2.5;

/** Drawn as a dot. */
export const PROXY = -1;
/** Nothing to draw yet (no level loaded). */
export const NOTHING = -2;

/**
 * Triangles a frame's models may draw where the renderer is software (SwiftShader, llvmpipe): they draw
 * about a million a second on two cores, so this keeps a frame near 30 ms. A GPU draws the levels the
 * models' size calls for, unbudgeted.
 */
export const SOFTWARE_TRIANGLE_BUDGET = 6_000;
/** What a dot drawn for a model costs (one point: about one triangle's work). */
export const PROXY_TRIANGLES = 1;
/**
 * Each level's error as a share of the model's size: full detail none, the pipeline's levels within 2 % and
 * 5 % (optimize-document.ts: error 0.01 / ratio for ratios 0.5 and 0.2), a third level (none today) 10 %;
 * a dot misses by the model's whole size.
 */
const LEVEL_ERROR = [0, 0.02, 0.05, 0.1] as const;
const PROXY_ERROR = 1;

/** Whether a WebGL renderer string names a software renderer. */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
}

/** A model as the budget sees it: its radius on screen, which levels are loaded, each level's triangles. */
export interface SizedModel {
  radiusPx: number;
  loaded: readonly boolean[];
  triangles: readonly number[];
}

const cost = (model: SizedModel, level: number) =>
  level >= 0 ? model.triangles[level]! : level === PROXY ? PROXY_TRIANGLES : 0;
const error = (model: SizedModel, level: number) =>
  model.radiusPx * (level >= 0 ? (LEVEL_ERROR[level] ?? PROXY_ERROR) : level === PROXY ? PROXY_ERROR : 0);
/** The next coarser level loaded after `level`, else PROXY; null when it is a dot (or nothing) already. */
function coarser(model: SizedModel, level: number): number | null {
  if (level < 0) return null;
  for (let next = level + 1; next < model.loaded.length; next += 1) if (model.loaded[next]) return next;
  return PROXY;
}

/**
 * The level to draw each model at (levelFor's choice), coarsened until the whole fits `budget` triangles:
 * each step coarsens the model that loses the fewest pixels of accuracy per triangle saved (so mostly the
 * small and far first), and everything still shows (as a dot at worst).
 */
export function chooseLevels(models: readonly SizedModel[], budget: number): number[] {
  const levels = models.map((model) => levelFor(model.radiusPx, model.loaded));
  let total = 0;
  models.forEach((model, i) => (total += cost(model, levels[i]!)));
  if (total <= budget) return levels;
  // A min-heap of each model's next step, by pixels of error added per triangle saved.
  const heap: { price: number; index: number }[] = [];
  const less = (a: number, b: number) => heap[a]!.price < heap[b]!.price;
  const swap = (a: number, b: number) => ([heap[a], heap[b]] = [heap[b]!, heap[a]!]);
  const push = (index: number) => {
    const model = models[index]!;
    const next = coarser(model, levels[index]!);
    if (next === null) return;
    const saved = cost(model, levels[index]!) - cost(model, next);
    if (saved <= 0) return;
    heap.push({ price: (error(model, next) - error(model, levels[index]!)) / saved, index });
    for (let at = heap.length - 1; at > 0 && less(at, (at - 1) >> 1); at = (at - 1) >> 1)
      swap(at, (at - 1) >> 1);
  };
  const pop = () => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let at = 0; ;) {
        const [l, r] = [at * 2 + 1, at * 2 + 2];
        let least = at;
        if (l < heap.length && less(l, least)) least = l;
        if (r < heap.length && less(r, least)) least = r;
        if (least === at) break;
        swap(at, least);
        at = least;
      }
    }
    return top;
  };
  models.forEach((_, index) => push(index));
  while (total > budget && heap.length > 0) {
    const { index } = pop();
    const model = models[index]!;
    const next = coarser(model, levels[index]!)!;
    total -= cost(model, levels[index]!) - cost(model, next);
    levels[index] = next;
    push(index);
  }
  return levels;
}

/** The radius (pixels) a sphere of `radius` metres shows at `distance` metres, with `focalPx` (focalPixels). */
export function radiusOnScreen(radius: number, distance: number, focalPx: number): number {
  return distance <= radius ? Number.POSITIVE_INFINITY : (radius * focalPx) / distance;
}

/** Pixels per metre at one metre away, in a perspective view `heightPx` tall with a `fovDegrees` vertical field. */
export function focalPixels(heightPx: number, fovDegrees: number, zoom = 1): number {
  return (heightPx / 2 / Math.tan((fovDegrees * Math.PI) / 360)) * zoom;
}

/**
 * The level to draw (0 = full detail) for a model `radiusPx` in radius on screen, given which of its
 * levels are loaded (finest first): the wanted level if loaded, else the nearest coarser one loaded, else
 * the nearest finer one; PROXY when it is too small to need any; NOTHING when none is loaded.
 */
export function levelFor(radiusPx: number, loaded: readonly boolean[]): number {
  if (!loaded.some(Boolean)) return NOTHING;
  if (radiusPx < PROXY_BELOW_PX) return PROXY;
  let wanted = 0;
  while (wanted < loaded.length - 1 && wanted < LEVEL_BELOW_PX.length && radiusPx < LEVEL_BELOW_PX[wanted]!)
    wanted += 1;
  for (let level = wanted; level < loaded.length; level += 1) if (loaded[level]) return level;
  for (let level = wanted - 1; level >= 0; level -= 1) if (loaded[level]) return level;
  return NOTHING;
}
