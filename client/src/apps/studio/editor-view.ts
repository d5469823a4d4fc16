/**
 * What the editor remembers of a world between visits in this browser — the selection and the camera — so
 * "Back to studio" after a play-test (or a reload) returns to the same place. Saved when Play is pressed
 * and when the page is left; read when the world opens.
 */
import type { CameraView } from './EditorCamera.js';

export interface EditorView {
  selection: string[];
  camera: CameraView | null;
}

const keyOf = (slug: string) => `mib.studio.view.${slug}`;
const isVector = (value: unknown): value is [number, number, number] =>
  Array.isArray(value) &&
  value.length === 3 &&
  value.every((v) => typeof v === 'number' && Number.isFinite(v));

export function readEditorView(slug: string): EditorView | null {
  try {
    const value = JSON.parse(localStorage.getItem(keyOf(slug)) ?? 'null') as Partial<EditorView> | null;
    if (!value) return null;
    const camera = value.camera;
    return {
      selection: Array.isArray(value.selection) ? value.selection.filter((id) => typeof id === 'string') : [],
      camera: camera && isVector(camera.position) && isVector(camera.target) ? camera : null,
    };
  } catch {
    return null; // unreadable (or storage off): start framed as on a first visit
  }
}

export function saveEditorView(slug: string, view: EditorView): void {
  try {
    localStorage.setItem(keyOf(slug), JSON.stringify(view));
  } catch {
    // Storage off or full: the next visit starts framed on the whole draft.
  }
}
