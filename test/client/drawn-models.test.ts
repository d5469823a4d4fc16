/**
 * The models' levels as the view changes: chosen again when a model's size on screen changes, a level
 * loads or a model comes or goes — and only then (a still view keeps what it chose); the dots sent to the
 * GPU only when one moved.
 */
import { describe, expect, it } from '@jest/globals';
import { BoxGeometry, Group, Mesh, PerspectiveCamera, type BufferAttribute } from 'three';
import {
  DrawnModel,
  DrawnModels,
  ModelDots,
  RESIZE_SHARE,
} from '../../client/src/shared/scene/drawn-models.js';
import { PROXY } from '../../client/src/shared/scene/model-detail.js';

const HEIGHT_PX = 800;
/** A unit box; `detail` divides each face (more triangles, the same size). */
const box = (detail = 1) => new Mesh(new BoxGeometry(1, 1, 1, detail, detail, detail));

function view(distance: number): PerspectiveCamera {
  const camera = new PerspectiveCamera(50, 1, 0.1, 10_000);
  camera.position.set(0, 0.5, distance);
  camera.updateMatrixWorld();
  return camera;
}

function placed(): { model: DrawnModel; models: DrawnModels } {
  const holder = new Group();
  holder.updateMatrixWorld();
  const model = new DrawnModel(holder);
  const models = new DrawnModels();
  models.add(model);
  return { model, models };
}

describe('drawn models', () => {
  it('shows a finer level as soon as it loads, though the view has not moved', () => {
    const { model, models } = placed();
    model.addLevel(1, box());
    const near = view(3); // about 160 px in radius: full detail wanted
    models.update(near, HEIGHT_PX, Infinity);
    expect(model.shown).toBe(1); // the only level loaded
    models.update(near, HEIGHT_PX, Infinity);
    expect(model.shown).toBe(1);
    model.addLevel(0, box());
    models.update(near, HEIGHT_PX, Infinity);
    expect(model.shown).toBe(0);
  });

  it('chooses again when the camera moves or the budget changes, and not otherwise', () => {
    const { model, models } = placed();
    model.addLevel(0, box(4));
    model.addLevel(1, box());
    models.update(view(3), HEIGHT_PX, Infinity);
    expect(model.shown).toBe(0);
    expect(models.update(view(3), HEIGHT_PX, Infinity)).toBe(false); // still: nothing chosen, nothing to draw
    expect(models.update(view(3_000), HEIGHT_PX, Infinity)).toBe(true);
    expect(models.dots).toEqual([model]); // a dot, far away
    expect(model.shown).toBe(PROXY);
    models.update(view(3), HEIGHT_PX, Infinity);
    expect(model.shown).toBe(0);
    models.update(view(3), HEIGHT_PX, 0); // no triangles allowed: a dot
    expect(model.shown).toBe(PROXY);
  });

  it('chooses for a model put in place of another in a still view', () => {
    const { model, models } = placed();
    model.addLevel(0, box());
    const near = view(3);
    models.update(near, HEIGHT_PX, Infinity);
    const other = new DrawnModel(new Group());
    other.holder.updateMatrixWorld();
    other.addLevel(0, box());
    other.levelAdded = false; // as if loaded before it was added: only its coming must count
    models.delete(model); // as many models as before
    models.add(other);
    models.update(near, HEIGHT_PX, Infinity);
    expect(other.shown).toBe(0);
  });

  it('keeps the levels while no size on screen changed by more than RESIZE_SHARE', () => {
    const fresh = (distance: number) => {
      const { model, models } = placed();
      model.addLevel(0, box(4));
      model.addLevel(1, box());
      models.update(view(distance), HEIGHT_PX, Infinity);
      return model.shown;
    };
    // The distance (m) where a fresh choice turns from the finest level to the next.
    let edge = 3;
    while (fresh(edge) === 0) edge *= 1.01;
    expect(fresh(edge)).toBe(1);
    const { model, models } = placed();
    model.addLevel(0, box(4));
    model.addLevel(1, box());
    models.update(view(edge / 1.02), HEIGHT_PX, Infinity);
    expect(model.shown).toBe(0);
    models.update(view(edge * 1.02), HEIGHT_PX, Infinity); // about 4 % smaller on screen: kept
    expect(model.shown).toBe(0);
    models.update(view(edge * (1 + 3 * RESIZE_SHARE)), HEIGHT_PX, Infinity); // far smaller: chosen again
    expect(model.shown).toBe(1);
  });

  it('sends the dots to the GPU only when one moved, came or went', () => {
    const { model, models } = placed();
    model.addLevel(0, box());
    const far = view(3_000);
    const dots = new ModelDots();
    const version = () => (dots.points.geometry.getAttribute('position') as BufferAttribute).version;
    models.update(far, HEIGHT_PX, Infinity);
    expect(dots.draw(models.dots)).toBe(true);
    const first = version();
    expect(first).toBeGreaterThan(0);
    models.update(far, HEIGHT_PX, Infinity);
    expect(dots.draw(models.dots)).toBe(false);
    expect(version()).toBe(first); // a still view: nothing sent
    model.holder.position.x = 5;
    model.holder.updateMatrixWorld();
    models.update(far, HEIGHT_PX, Infinity);
    expect(dots.draw(models.dots)).toBe(true);
    expect(version()).toBe(first + 1); // the dot moved
    expect(dots.points.geometry.getAttribute('position').getX(0)).toBeCloseTo(5);
    expect(dots.draw([])).toBe(true);
    expect(version()).toBe(first + 2); // it went
    expect(dots.points.geometry.drawRange.count).toBe(0);
    dots.dispose();
  });
});
