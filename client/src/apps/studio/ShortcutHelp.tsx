/** The keyboard help overlay (?): every shortcut the editor has, from the table its key handler reads. */
import { SHORTCUTS } from './editor-keys.js';

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <div className="studio-help" role="dialog" aria-label="Keyboard shortcuts" onClick={onClose}>
      <div onClick={(event) => event.stopPropagation()}>
        <header>
          <h2>Keyboard shortcuts</h2>
          <button type="button" onClick={onClose} aria-label="Close the shortcuts">
            Close
          </button>
        </header>
        <dl>
          {SHORTCUTS.map((shortcut) => (
            <div key={shortcut.keys}>
              <dt>
                <kbd>{shortcut.keys}</kbd>
              </dt>
              <dd>{shortcut.does}</dd>
            </div>
          ))}
        </dl>
        <p>Ctrl means ⌘ on a Mac.</p>
      </div>
    </div>
  );
}
