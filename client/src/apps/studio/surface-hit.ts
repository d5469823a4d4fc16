/**
 * What a ray from the camera meets in the editor's view: which entity an object draws (`model-<id>`,
 * `text-<id>`, `frame-<id>`, `light-<id>`, as the scene renderer and its overlays name them), and the first
 * surface something may stand on — a model, a sign or a frame (never a light's marker, a dot or an outline),
 * else the ground — skipping objects that are being moved themselves.
 */
import type { Intersection, Object3D, Raycaster, Scene } from 'three';

/** The entity an object of the scene renderer draws, if any. */
export function entityOf(object: Object3D | null): string | null {
  for (let at = object; at; at = at.parent) {
    const match = /^(?:model|text|frame|light)-(.+)$/.exec(at.name);
    if (match) return match[1]!;
  }
  return null;
}

/** Whether something may stand on this object: drawn, and a model, a sign, a frame or the ground. */
function standsOn(object: Object3D, except: ReadonlySet<Object3D>): boolean {
  if (object.name === 'ground') return true;
  if (entityOf(object) === null) return false;
  for (let at: Object3D | null = object; at; at = at.parent)
    if (!at.visible || except.has(at) || at.name.startsWith('light-')) return false;
  return true;
}

/** What the ray may hit: the scene and its overlays, never the handles (three's helpers). */
export function drawnRoots(scene: Scene): Object3D[] {
  return scene.children.filter((child) => !child.type.includes('Helper'));
}

/** The nearest hit the ray meets on a surface, not on (or under) anything in `except`. */
export function surfaceHit(
  raycaster: Raycaster,
  scene: Scene,
  except: ReadonlySet<Object3D> = new Set(),
): Intersection | undefined {
  return raycaster.intersectObjects(drawnRoots(scene), true).find((hit) => standsOn(hit.object, except));
}
