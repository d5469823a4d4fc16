/**
 * The models' levels as the view changes: chosen again when a model's size on screen changes, a level
 * loads or a model comes or goes — and only then (a still view keeps what it chose).
 */
import { describe, expect, it } from '@jest/globals';
import { BoxGeometry, Group, Mesh, PerspectiveCamera } from 'three';
import { DrawnModel, DrawnModels } from '../../client/src/shared/scene/drawn-models.js';
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
    expect(models.update(view(3_000), HEIGHT_PX, Infinity)).toEqual([model]); // a dot, far away
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
});
