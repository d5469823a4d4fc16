/**
 * Who is here (in this visitor's area of interest): names, who is in voice and speaking, a mute that
 * silences someone for this visitor only, and a block that also hides their chat. Reads the store on the HUD's refresh, not per frame.
 */
import { useState } from 'react';
import type { ModerationAction } from '../../../../protocol/index.js';
import type { WorldConnection } from '../../shared/net/world-connection.js';
import type { WorldStore } from '../../shared/world/world-store.js';
import type { PersonView } from '../../shared/world/people.js';

const MODERATION: Array<[ModerationAction, string]> = [
  ['mute', 'Mute for all'],
  ['unmute', 'Unmute for all'],
  ['kick', 'Kick'],
  ['ban', 'Ban'],
];

export function PeopleList({
  store,
  people,
  connection,
  invite,
}: {
  store: WorldStore;
  people: PersonView[];
  /** Set when this visitor moderates the world: its actions go through the room. */
  connection: WorldConnection | null;
  /** A link that brings a friend into this very instance. */
  invite: string | null;
}) {
  const [reason, setReason] = useState('');
  const toggle = (id: string) => {
    if (store.mutedLocally.has(id)) store.mutedLocally.delete(id);
    else store.mutedLocally.add(id);
  };
  // Blocking hides their chat and silences them, for this visitor only; unblocking undoes both.
  const toggleBlock = (id: string) => {
    if (store.blocked.delete(id)) store.mutedLocally.delete(id);
    else {
      store.blocked.add(id);
      store.mutedLocally.add(id);
    }
  };
  return (
    <div className="people-list" role="dialog" aria-label="People here">
      <div className="people-title">People near you ({people.length})</div>
      {connection && (
        <label className="moderation-reason">
          Reason (they see it; kept in the audit log)
          <input
            aria-label="Moderation reason"
            maxLength={200}
            value={reason}
            placeholder="Breaking the world's rules"
            onChange={(event) => setReason(event.target.value)}
          />
        </label>
      )}
      {invite && (
        <label className="invite">
          Invite a friend to this instance
          <span className="invite-row">
            <input
              aria-label="Invite link"
              readOnly
              value={invite}
              onFocus={(event) => event.target.select()}
            />
            <button
              type="button"
              onClick={() => void navigator.clipboard?.writeText(invite).catch(() => undefined)}
            >
              Copy
            </button>
          </span>
        </label>
      )}
      {people.length === 0 && <div className="person empty">Nobody else is near.</div>}
      {people.map((person) => (
        <div className="person" key={person.id} data-person={person.id}>
          <span className={`person-name ${person.speaking ? 'speaking' : ''}`}>{person.name}</span>
          <span className="person-voice">
            {person.inVoice ? (person.speaking ? 'speaking' : 'in voice') : ''}
          </span>
          <button type="button" className="person-mute" onClick={() => toggle(person.id)}>
            {person.mutedLocally ? 'Unmute' : 'Mute'}
          </button>
          <button type="button" className="person-block" onClick={() => toggleBlock(person.id)}>
            {person.blocked ? 'Unblock' : 'Block'}
          </button>
          {connection &&
            MODERATION.map(([action, label]) => (
              <button
                type="button"
                key={action}
                className={`person-moderate ${action}`}
                data-action={action}
                onClick={() =>
                  connection.moderate(person.id, action, reason.trim() || "Breaking the world's rules")
                }
              >
                {label}
              </button>
            ))}
        </div>
      ))}
    </div>
  );
}
