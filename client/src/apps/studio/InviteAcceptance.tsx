/**
 * /studio?invite=<token>: the link an owner sends (World → Members → Invite). Once signed in, the invitation
 * is accepted for this account; an editor (or owner) lands in the world's editor, anyone else is sent to the
 * world itself. A used, expired or unknown link says so, with what to ask for.
 */
import { useEffect, useState } from 'react';
import { worldsAccept } from '../../shared/api/generated/sdk.gen.js';
import { problemText, studioClient } from './studio-api.js';

export function inviteFromUrl(search: string): string | null {
  const token = new URLSearchParams(search).get('invite');
  return token && token.length <= 200 ? token : null;
}

export function InviteAcceptance({ token, onOpen }: { token: string; onOpen: (slug: string) => void }) {
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void (async () => {
      const client = await studioClient();
      if (!client) return setProblem('Sign in first, then open the link again.');
      const { data, error, response } = await worldsAccept({ client, body: { token } });
      if (!data)
        return setProblem(
          `${problemText(error, response, 'accept the invitation')} Ask the world’s owner for a new link.`,
        );
      if (data.role === 'owner' || data.role === 'editor') onOpen(data.world);
      else window.location.assign(`/w/${data.world}`);
    })();
  }, [token, onOpen]);
  return (
    <main className="studio-picker">
      {problem ? <p role="alert">{problem}</p> : <p aria-busy="true">Accepting the invitation…</p>}
    </main>
  );
}
