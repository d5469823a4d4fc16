/**
 * Who the world is for: its members and their roles (owners change them or remove a member), invitation
 * links (a role, valid for some hours: whoever opens the link and signs in gets the role), and bans —
 * ban a member with a reason (and an end, if any), see who is banned and lift a ban. Editors may ban and
 * unban (moderation); roles and invitations are the owners'.
 */
import { useEffect, useState } from 'react';
import {
  authMe,
  worldsBan,
  worldsBans,
  worldsInvite,
  worldsRemoveRole,
  worldsRoles,
  worldsSetRole,
  worldsUnban,
} from '../../../shared/api/generated/sdk.gen.js';
import type { Sanction, World, WorldRoleAssignment } from '../../../shared/api/generated/types.gen.js';
import { ORIGIN } from '../studio-api.js';
import { Problem, useCall } from './use-call.js';

const ROLES = ['owner', 'editor', 'moderator', 'visitor'] as const;

function BanForm({
  slug,
  member,
  onDone,
}: {
  slug: string;
  member: WorldRoleAssignment;
  onDone: () => void;
}) {
  const { call, problem, busy } = useCall();
  const [reason, setReason] = useState('');
  const [days, setDays] = useState('');
  const ban = async () => {
    const expiresAt = days.trim() ? new Date(Date.now() + Number(days) * 86_400_000).toISOString() : null;
    const done = await call(`ban ${member.displayName}`, (client) =>
      worldsBan({
        client,
        path: { slug, accountId: member.accountId },
        body: { reason: reason.trim(), expiresAt },
      }),
    );
    if (done !== undefined) onDone();
  };
  return (
    <div className="studio-ban-form" aria-label={`Ban ${member.displayName}`}>
      <input
        aria-label="Reason for the ban"
        placeholder="Why (they are told)"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <input
        aria-label="Days (empty: until lifted)"
        placeholder="Days (empty: until lifted)"
        inputMode="numeric"
        value={days}
        onChange={(e) => setDays(e.target.value)}
      />
      <button type="button" className="danger" disabled={busy || !reason.trim()} onClick={() => void ban()}>
        Ban {member.displayName}
      </button>
      <Problem text={problem} />
    </div>
  );
}

export function MembersPanel({ world }: { world: World }) {
  const slug = world.slug;
  const owner = world.role === 'owner';
  const { call, problem, busy } = useCall();
  const [members, setMembers] = useState<WorldRoleAssignment[] | null>(null);
  const [bans, setBans] = useState<Sanction[] | null>(null);
  const [banning, setBanning] = useState<string | null>(null);
  // Whose studio this is: nobody is offered to ban themselves.
  const [me, setMe] = useState<string | null>(null);
  const [invite, setInvite] = useState<{ role: 'editor' | 'moderator' | 'visitor'; hours: string }>({
    role: 'visitor',
    hours: '72',
  });
  const [link, setLink] = useState<string | null>(null);

  const load = async () => {
    const [roles, banned, self] = await Promise.all([
      owner
        ? call('list the members', (client) => worldsRoles({ client, path: { slug } }))
        : Promise.resolve(undefined),
      call('list the bans', (client) => worldsBans({ client, path: { slug } })),
      owner ? call('read your account', (client) => authMe({ client })) : Promise.resolve(undefined),
    ]);
    if (self) setMe(self.account.id);
    if (roles) setMembers(roles);
    if (banned) setBans(banned);
  };
  useEffect(() => void load(), [slug]);

  const setRole = async (member: WorldRoleAssignment, role: (typeof ROLES)[number]) => {
    if (
      (await call(`make ${member.displayName} ${role}`, (client) =>
        worldsSetRole({ client, path: { slug, accountId: member.accountId }, body: { role } }),
      )) !== undefined
    )
      await load();
  };
  const remove = async (member: WorldRoleAssignment) => {
    if (
      (await call(`remove ${member.displayName}`, (client) =>
        worldsRemoveRole({ client, path: { slug, accountId: member.accountId } }),
      )) !== undefined
    )
      await load();
  };
  const unban = async (ban: Sanction) => {
    if (
      (await call(`lift the ban of ${ban.displayName}`, (client) =>
        worldsUnban({ client, path: { slug, accountId: ban.accountId } }),
      )) !== undefined
    )
      await load();
  };
  const makeInvite = async () => {
    const made = await call('make an invitation', (client) =>
      worldsInvite({
        client,
        path: { slug },
        body: { role: invite.role, expiresInHours: Number(invite.hours) || 72 },
      }),
    );
    if (made) setLink(`${ORIGIN}/studio?invite=${encodeURIComponent(made.token)}`);
  };

  return (
    <div className="studio-admin">
      <Problem text={problem} />
      {owner ? (
        <section aria-label="Members">
          <h3>Members</h3>
          <ul className="studio-members">
            {(members ?? []).map((member) => (
              <li key={member.accountId} aria-label={member.displayName}>
                <strong>{member.displayName}</strong>
                <select
                  aria-label={`Role of ${member.displayName}`}
                  value={member.role}
                  disabled={busy}
                  onChange={(e) => void setRole(member, e.target.value as (typeof ROLES)[number])}
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                </select>
                <button type="button" disabled={busy} onClick={() => void remove(member)}>
                  Remove
                </button>
                {member.accountId !== me && (
                  <button
                    type="button"
                    onClick={() => setBanning(banning === member.accountId ? null : member.accountId)}
                  >
                    Ban…
                  </button>
                )}
                {banning === member.accountId && (
                  <BanForm
                    slug={slug}
                    member={member}
                    onDone={() => {
                      setBanning(null);
                      void load();
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <p className="studio-empty">
          Members, roles and invitations are the owners’ to change; you may ban and lift bans.
        </p>
      )}
      {owner && (
        <section aria-label="Invitations">
          <h3>Invite</h3>
          <div className="studio-row">
            <select
              aria-label="Role to invite as"
              value={invite.role}
              onChange={(e) => setInvite({ ...invite, role: e.target.value as typeof invite.role })}
            >
              <option value="visitor">visitor</option>
              <option value="moderator">moderator</option>
              <option value="editor">editor</option>
            </select>
            <input
              aria-label="Valid for hours"
              inputMode="numeric"
              value={invite.hours}
              onChange={(e) => setInvite({ ...invite, hours: e.target.value })}
            />
            <button type="button" disabled={busy} onClick={() => void makeInvite()}>
              Make a link
            </button>
          </div>
          {link && (
            <p>
              Send this link:{' '}
              <input readOnly aria-label="Invitation link" value={link} onFocus={(e) => e.target.select()} />
            </p>
          )}
        </section>
      )}
      <section aria-label="Bans">
        <h3>Banned</h3>
        {bans?.length === 0 && <p className="studio-empty">Nobody is banned.</p>}
        <ul className="studio-members">
          {(bans ?? []).map((ban) => (
            <li key={ban.accountId} aria-label={`Ban of ${ban.displayName}`}>
              <strong>{ban.displayName}</strong>
              <span>
                {ban.reason} ·{' '}
                {ban.expiresAt ? `until ${new Date(ban.expiresAt).toLocaleDateString()}` : 'until lifted'}
              </span>
              <button type="button" disabled={busy} onClick={() => void unban(ban)}>
                Lift
              </button>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
