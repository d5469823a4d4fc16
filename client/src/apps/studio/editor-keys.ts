/**
 * The editor's keyboard shortcuts: one table read by the key handler and shown by the help overlay (?), so
 * the help never says something the keys do not do. Ctrl stands for ⌘ on a Mac.
 */

export type EditorAction =
  | 'undo'
  | 'redo'
  | 'copy'
  | 'paste'
  | 'duplicate'
  | 'delete'
  | 'translate'
  | 'rotate'
  | 'scale'
  | 'space'
  | 'snap'
  | 'surface'
  | 'focus'
  | 'frame-all'
  | 'deselect'
  | 'select-all'
  | 'help';

export const SHORTCUTS: readonly { keys: string; action: EditorAction | null; does: string }[] = [
  { keys: 'Ctrl+Z', action: 'undo', does: 'Undo' },
  { keys: 'Ctrl+Shift+Z or Ctrl+Y', action: 'redo', does: 'Redo' },
  { keys: 'Ctrl+C', action: 'copy', does: 'Copy the selection (with everything under it)' },
  { keys: 'Ctrl+V', action: 'paste', does: 'Paste where the camera looks (also into another world)' },
  { keys: 'Ctrl+D', action: 'duplicate', does: 'Duplicate the selection beside itself' },
  { keys: 'Delete or Backspace', action: 'delete', does: 'Delete the selection and everything under it' },
  { keys: 'Ctrl+A', action: 'select-all', does: 'Select every entity' },
  { keys: 'Escape', action: 'deselect', does: 'Select nothing' },
  { keys: 'W', action: 'translate', does: 'Move handles' },
  { keys: 'E', action: 'rotate', does: 'Rotate handles' },
  { keys: 'R', action: 'scale', does: 'Scale handles' },
  { keys: 'Q', action: 'space', does: 'Handles along the world’s axes or the entity’s own' },
  { keys: 'X', action: 'snap', does: 'Snap to 0.25 m, 15° and 0.1 steps, or not' },
  { keys: 'V', action: 'surface', does: 'Moving, stand the entity on the surface under the pointer, or not' },
  { keys: 'F', action: 'focus', does: 'Frame the selection' },
  { keys: 'Home', action: 'frame-all', does: 'Frame everything' },
  { keys: '?', action: 'help', does: 'Show or hide this help' },
  {
    keys: 'Click, Ctrl+click, Shift+click',
    action: null,
    does: 'Select, add or remove, select a range (tree)',
  },
  { keys: 'Shift+drag in the viewport', action: null, does: 'Select what lies in a rectangle' },
  { keys: 'Double-click or F2 in the tree', action: null, does: 'Rename' },
  { keys: 'Drag in the tree', action: null, does: 'Move inside another entity, before it, or to the top' },
  { keys: 'Drag a model from the assets', action: null, does: 'Place it on the surface under the pointer' },
];

/** The action a key press asks for, or null. Typing in a field only keeps undo and redo. */
export function actionOf(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
  typing: boolean,
): EditorAction | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (mod && key === 'z') return event.shiftKey ? 'redo' : 'undo';
  if (mod && key === 'y') return 'redo';
  if (typing || event.altKey) return null;
  if (mod)
    return (
      ({ c: 'copy', v: 'paste', d: 'duplicate', a: 'select-all' } as const)[key as 'c' | 'v' | 'd' | 'a'] ??
      null
    );
  if (event.key === '?') return 'help';
  if (event.key === 'Delete' || event.key === 'Backspace') return 'delete';
  if (event.key === 'Escape') return 'deselect';
  if (event.key === 'Home') return 'frame-all';
  const plain = {
    w: 'translate',
    e: 'rotate',
    r: 'scale',
    q: 'space',
    x: 'snap',
    v: 'surface',
    f: 'focus',
  } as const;
  return event.shiftKey ? null : (plain[key as keyof typeof plain] ?? null);
}
