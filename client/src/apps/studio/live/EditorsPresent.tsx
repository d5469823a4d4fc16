/**
 * Who else is editing this draft: a chip per editor in their colour (greyed when they may only watch),
 * each with "Follow" — the camera then goes where theirs goes until pressed again or the view is moved.
 */
import type { OtherEditor } from './live-draft-session.js';

export function EditorsPresent({
  others,
  following,
  onFollow,
}: {
  others: OtherEditor[];
  following: string | null;
  onFollow: (sessionId: string | null) => void;
}) {
  if (others.length === 0) return null;
  return (
    <ul className="studio-editors" aria-label="Editing now">
      {others.map((other) => (
        <li key={other.sessionId} className={other.canEdit ? '' : 'watching'}>
          <span className="studio-editor-dot" style={{ background: other.colour }} aria-hidden="true" />
          <span className="studio-editor-name">
            {other.name}
            {other.canEdit ? '' : ' (read-only)'}
          </span>
          <button
            type="button"
            aria-pressed={following === other.sessionId}
            disabled={!other.camera}
            title={other.camera ? `See what ${other.name} sees` : `${other.name}'s view is not known yet`}
            onClick={() => onFollow(following === other.sessionId ? null : other.sessionId)}
          >
            {following === other.sessionId ? 'Following' : 'Follow'}
          </button>
        </li>
      ))}
    </ul>
  );
}
