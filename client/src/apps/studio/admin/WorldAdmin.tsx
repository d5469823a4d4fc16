/**
 * The world's administration in the editor's side column: settings (with the thumbnail and token gate),
 * members (roles, invitations, bans), sharing (embed keys and snippets), and keys with the audit log. Owners get all of it; editors get the
 * bans (moderation) and are told the rest is the owners'.
 */
import { useState } from 'react';
import type { World } from '../../../shared/api/generated/types.gen.js';
import { KeysAndAuditPanel } from './KeysAndAuditPanel.js';
import { MembersPanel } from './MembersPanel.js';
import { SharePanel } from './SharePanel.js';
import { WorldSettingsPanel } from './WorldSettingsPanel.js';

type Section = 'settings' | 'members' | 'share' | 'keys';

export function WorldAdmin({
  world,
  onSaved,
  snapshot,
}: {
  world: World;
  onSaved: (world: World) => void;
  snapshot: () => Promise<Blob | null>;
}) {
  const owner = world.role === 'owner';
  const [section, setSection] = useState<Section>(owner ? 'settings' : 'members');
  const sections: [Section, string][] = owner
    ? [
        ['settings', 'Settings'],
        ['members', 'Members'],
        ['share', 'Share / Embed'],
        ['keys', 'Keys & audit'],
      ]
    : [['members', 'Bans']];
  return (
    <section aria-label="World admin">
      <div className="studio-side-tabs" role="tablist" aria-label="World admin sections">
        {sections.map(([name, title]) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={section === name}
            className={section === name ? 'active' : ''}
            onClick={() => setSection(name)}
          >
            {title}
          </button>
        ))}
      </div>
      {section === 'settings' && owner && (
        <WorldSettingsPanel world={world} onSaved={onSaved} snapshot={snapshot} />
      )}
      {section === 'members' && <MembersPanel world={world} />}
      {section === 'share' && owner && <SharePanel slug={world.slug} />}
      {section === 'keys' && owner && <KeysAndAuditPanel slug={world.slug} />}
    </section>
  );
}
