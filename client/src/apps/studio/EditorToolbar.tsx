/**
 * The editor bar's tools: undo and redo, the handles (move, rotate, scale; world or local axes; snapping),
 * frame all, add an entity, Play (save, then walk the draft) and the shortcut help. Each button does what
 * its key does (editor-keys.ts), through the same `perform`.
 */
import type { EditorSession, SaveState } from './draft-session.js';
import type { EditorAction } from './editor-keys.js';
import type { GizmoMode } from './TransformGizmo.js';

/** The save indicator's words. */
export function saveText(state: SaveState): string {
  switch (state.kind) {
    case 'saved':
      return 'Saved';
    case 'saving':
      return 'Saving…';
    case 'pending':
      return 'Unsaved changes';
    case 'applied':
      return 'Applied — saving…';
    case 'offline':
      return `Offline — will retry in ${Math.round(state.retryInMs / 1000)} s`;
    case 'refused':
      return 'Not saved';
    case 'read-only':
      return 'Read-only';
  }
}

/** A button that stays pressed while its setting is on. */
function Toggle({
  on,
  onClick,
  title,
  children,
}: {
  on: boolean;
  onClick: () => void;
  title: string;
  children: string;
}) {
  return (
    <button type="button" aria-pressed={on} className={on ? 'selected' : ''} onClick={onClick} title={title}>
      {children}
    </button>
  );
}

export function EditorToolbar({
  session,
  canEdit,
  mode,
  space,
  snap,
  surface,
  onMode,
  perform,
  onAdd,
  onPlay,
}: {
  session: EditorSession;
  canEdit: boolean;
  mode: GizmoMode;
  space: 'world' | 'local';
  snap: boolean;
  surface: boolean;
  onMode: (mode: GizmoMode) => void;
  perform: (action: EditorAction) => void;
  onAdd: () => void;
  onPlay: () => void;
}) {
  return (
    <span className="studio-tools" role="toolbar" aria-label="Edit">
      <button
        type="button"
        onClick={() => perform('undo')}
        disabled={!canEdit || !session.canUndo}
        title="Undo (Ctrl+Z)"
      >
        Undo
      </button>
      <button
        type="button"
        onClick={() => perform('redo')}
        disabled={!canEdit || !session.canRedo}
        title="Redo (Ctrl+Shift+Z)"
      >
        Redo
      </button>
      {(['translate', 'rotate', 'scale'] as const).map((tool, i) => (
        <button
          key={tool}
          type="button"
          aria-pressed={mode === tool}
          className={mode === tool ? 'selected' : ''}
          onClick={() => onMode(tool)}
          title={`${tool} (${'WER'[i]})`}
        >
          {tool === 'translate' ? 'Move' : tool === 'rotate' ? 'Rotate' : 'Scale'}
        </button>
      ))}
      <button
        type="button"
        aria-pressed={space === 'local'}
        onClick={() => perform('space')}
        title="Handles along the world's axes or the entity's own (Q)"
      >
        {space === 'world' ? 'World axes' : 'Local axes'}
      </button>
      <Toggle on={snap} onClick={() => perform('snap')} title="Snap to 0.25 m, 15°, 0.1 (X)">
        Snap
      </Toggle>
      <Toggle
        on={surface}
        onClick={() => perform('surface')}
        title="Moving, stand the entity on the surface under the pointer (V)"
      >
        On surfaces
      </Toggle>
      <button type="button" onClick={() => perform('frame-all')} title="Frame everything (Home)">
        Frame all
      </button>
      <button type="button" disabled={!canEdit} onClick={onAdd}>
        Add entity
      </button>
      <button
        type="button"
        className="primary"
        disabled={!canEdit}
        title="Save, then walk the draft in the player (a preview only editors can join)"
        onClick={onPlay}
      >
        Play
      </button>
      <button
        type="button"
        onClick={() => perform('help')}
        title="Keyboard shortcuts (?)"
        aria-label="Keyboard shortcuts"
      >
        ?
      </button>
    </span>
  );
}
