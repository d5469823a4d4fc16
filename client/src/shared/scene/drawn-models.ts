/**
 * The models the renderer has placed, and which level of detail each shows (model-detail.ts): once a frame
 * every model's bounding sphere is measured on screen and its holder given the one level to draw — the
 * others are not in the scene graph at all, so neither the renderer nor a pick's ray visits them. Models too
 * small to need any level are drawn by ModelDots: a dot each, one draw for all.
 */
import {
  Box3,
  BufferAttribute,
  BufferGeometry,
  Color,
  DynamicDrawUsage,
  Points,
  PointsMaterial,
  Sphere,
  Vector3,
  type Group,
  type Material,
  type Mesh,
  type Object3D,
  type PerspectiveCamera,
} from 'three';
import { chooseLevels, focalPixels, NOTHING, PROXY, radiusOnScreen } from './model-detail.js';

/** An asset's extent in its own frame, and the colour its dot is drawn in when it is tiny. */
export interface ModelBounds {
  sphere: Sphere;
  colour: Color;
}

/** Dots of textured materials: their tint on a mid grey (the texture's average is not known here). */
const TEXTURED_GREY = 0.65;

/** The bounds of a loaded level (not yet placed: its own frame) and its first material's colour. */
export function boundsOf(level: Object3D): ModelBounds {
  const box = new Box3().setFromObject(level);
  if (box.isEmpty()) box.set(new Vector3(-0.5, 0, -0.5), new Vector3(0.5, 1, 0.5));
  const colour = new Color(0.6, 0.6, 0.6);
  let found = false;
  level.traverse((object) => {
    const mesh = object as Mesh;
    if (found || !mesh.isMesh) return;
    const material: (Material & { color?: Color; map?: unknown }) | undefined = Array.isArray(mesh.material)
      ? mesh.material[0]
      : mesh.material;
    if (!material?.color) return;
    colour.copy(material.color);
    if (material.map) colour.multiplyScalar(TEXTURED_GREY);
    found = true;
  });
  return { sphere: box.getBoundingSphere(new Sphere()), colour };
}

function trianglesOf(level: Object3D): number {
  let triangles = 0;
  level.traverse((object) => {
    const mesh = object as Mesh;
    if (!mesh.isMesh) return;
    const count = mesh.geometry.index?.count ?? mesh.geometry.getAttribute('position')?.count ?? 0;
    triangles += Math.floor(count / 3) * ((mesh as { count?: number }).count ?? 1); // × instances
  });
  return triangles;
}

/** One placed model: its holder (at the entity's transform) and its levels, finest first, as they load. */
export class DrawnModel {
  readonly levels: (Object3D | undefined)[] = [];
  /** Which levels are loaded, and each one's triangles (as loaded). */
  readonly loaded: boolean[] = [];
  readonly triangles: number[] = [];
  /** Its radius on screen this frame (pixels). */
  radiusPx = 0;
  /** A level has loaded since the levels were last chosen. */
  levelAdded = false;
  /** The level in the holder now, or PROXY (a dot) / NOTHING. */
  shown = NOTHING;
  bounds: ModelBounds | null = null;
  /** `asset`: the asset it shows (copies of one asset may be drawn together: model-instancing.ts). */
  constructor(
    readonly holder: Group,
    readonly asset = '',
  ) {}

  /** Level `index` (0 = finest) has loaded. */
  addLevel(index: number, level: Object3D): void {
    this.levels[index] = level;
    this.loaded[index] = true;
    this.triangles[index] = trianglesOf(level);
    this.bounds ??= boundsOf(level);
    this.levelAdded = true;
  }

  /** Shows `level` (an index into levels, or PROXY / NOTHING) in the holder in place of what it showed. */
  show(level: number): void {
    if (level === this.shown) return;
    const before = this.shown >= 0 ? this.levels[this.shown] : undefined;
    if (before) this.holder.remove(before);
    const after = level >= 0 ? this.levels[level] : undefined;
    if (after) this.holder.add(after);
    this.shown = level;
  }
}

const eye = new Vector3();
const centre = new Vector3();
/**
 * How much a model's size on screen may change (a share of what it was) before the levels are chosen
 * again: a model dragged or a camera orbiting changes every size a little each frame, and choosing for
 * thousands of models each frame costs the frame a few milliseconds for no visible difference.
 */
export const RESIZE_SHARE = 0.1;

export class DrawnModels {
  private readonly models = new Set<DrawnModel>();
  private readonly small: DrawnModel[] = [];
  private readonly sized: DrawnModel[] = [];
  /** Each sized model's radius on screen when the levels were last chosen, and the budget then. */
  private readonly chosenAt: number[] = [];
  private chosenBudget = Number.NaN;
  private setChanged = true;

  add(model: DrawnModel): void {
    this.models.add(model);
    this.setChanged = true;
  }

  delete(model: DrawnModel): void {
    model.show(NOTHING);
    this.models.delete(model);
    this.setChanged = true;
  }

  /** Every placed model. */
  get all(): Iterable<DrawnModel> {
    return this.models;
  }

  /** The models drawn as dots (too small on screen for any level, or over the budget). */
  get dots(): readonly DrawnModel[] {
    return this.small;
  }

  /**
   * Gives every model the level its size on screen calls for, seen by `camera` in a view `heightPx`
   * tall (holders' world matrices as of the last frame), within `budget` triangles (model-detail.ts);
   * true when the levels were chosen again (what is drawn may have changed).
   */
  update(camera: PerspectiveCamera, heightPx: number, budget: number): boolean {
    const focal = focalPixels(heightPx, camera.fov, camera.zoom);
    eye.setFromMatrixPosition(camera.matrixWorld);
    this.sized.length = 0;
    for (const model of this.models) {
      const bounds = model.bounds;
      if (!bounds) continue;
      const world = model.holder.matrixWorld;
      centre.copy(bounds.sphere.center).applyMatrix4(world);
      const radius = bounds.sphere.radius * world.getMaxScaleOnAxis();
      model.radiusPx = radiusOnScreen(radius, centre.distanceTo(eye), focal);
      this.sized.push(model);
    }
    // Nothing on screen changed size by more than RESIZE_SHARE, nothing loaded, no model came or went:
    // the levels stand (and a still view makes no garbage each frame).
    let same = !this.setChanged && budget === this.chosenBudget && this.sized.length === this.chosenAt.length;
    for (let i = 0; same && i < this.sized.length; i += 1) {
      const model = this.sized[i]!;
      const chosen = this.chosenAt[i]!;
      same = !model.levelAdded && Math.abs(model.radiusPx - chosen) <= chosen * RESIZE_SHARE;
    }
    if (same) return false;
    this.setChanged = false;
    this.chosenBudget = budget;
    this.chosenAt.length = 0;
    for (const model of this.sized) {
      this.chosenAt.push(model.radiusPx);
      model.levelAdded = false;
    }
    const levels = chooseLevels(this.sized, budget);
    this.small.length = 0;
    this.sized.forEach((model, index) => {
      const level = levels[index]!;
      model.show(level);
      if (level === PROXY) this.small.push(model);
    });
    return true;
  }
}

const INITIAL_DOTS = 256;
/** A dot's width, CSS pixels: about what a model under PROXY_BELOW_PX covers. */
const DOT_PX = 4;
const dotAt = new Vector3();

/**
 * The models too small on screen (or over the budget) for any level, each as a dot of its colour at its
 * centre: one draw, one point each. Not boxes: a software renderer's time goes by the primitive (a box
 * is 12) and by the pixel (a budget can make a model tens of metres wide a proxy).
 */
export class ModelDots {
  readonly points: Points;
  private capacity = 0;
  /** How many dots the last upload held. */
  private uploaded = -1;

  constructor() {
    this.points = new Points(
      new BufferGeometry(),
      new PointsMaterial({ vertexColors: true, size: DOT_PX, sizeAttenuation: false }),
    );
    this.points.name = 'model-dots';
    this.points.frustumCulled = false; // rewritten every frame; the renderer would cull on stale bounds
    this.points.raycast = () => undefined; // a dot is not something to pick or stand on
    this.grow(INITIAL_DOTS);
  }

  private grow(dots: number): void {
    this.capacity = dots;
    const geometry = new BufferGeometry();
    for (const name of ['position', 'color']) {
      const attribute = new BufferAttribute(new Float32Array(dots * 3), 3);
      attribute.setUsage(DynamicDrawUsage);
      geometry.setAttribute(name, attribute);
    }
    this.points.geometry.dispose();
    this.points.geometry = geometry;
    this.uploaded = -1;
  }

  /**
   * Draws a dot for each of `models`; sends them to the GPU only when one moved, came or went (then
   * true).
   */
  draw(models: readonly DrawnModel[]): boolean {
    if (models.length > this.capacity) this.grow(Math.max(models.length, this.capacity * 2));
    const geometry = this.points.geometry;
    const position = geometry.getAttribute('position') as BufferAttribute;
    const colour = geometry.getAttribute('color') as BufferAttribute;
    const [xyz, rgb] = [position.array, colour.array];
    let changed = models.length !== this.uploaded;
    models.forEach((model, dot) => {
      const { sphere, colour: tint } = model.bounds!;
      dotAt.copy(sphere.center).applyMatrix4(model.holder.matrixWorld);
      const at = dot * 3;
      changed ||=
        xyz[at] !== Math.fround(dotAt.x) ||
        xyz[at + 1] !== Math.fround(dotAt.y) ||
        xyz[at + 2] !== Math.fround(dotAt.z) ||
        rgb[at] !== Math.fround(tint.r) ||
        rgb[at + 1] !== Math.fround(tint.g) ||
        rgb[at + 2] !== Math.fround(tint.b);
      position.setXYZ(dot, dotAt.x, dotAt.y, dotAt.z);
      colour.setXYZ(dot, tint.r, tint.g, tint.b);
    });
    if (!changed) return false;
    this.uploaded = models.length;
    geometry.setDrawRange(0, models.length);
    for (const attribute of [position, colour]) {
      attribute.clearUpdateRanges();
      attribute.addUpdateRange(0, models.length * 3);
      attribute.needsUpdate = true;
    }
    return true;
  }

  dispose(): void {
    this.points.geometry.dispose();
    (this.points.material as PointsMaterial).dispose();
  }
}
