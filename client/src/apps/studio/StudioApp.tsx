/**
 * The studio at /studio: sign in (or up) with a password, pick or make a world, open it in the editor at
 * /studio/<slug>, or follow an invitation link (/studio?invite=<token>). The address always says where the creator is, so reloading or sharing a link returns
 * there (after signing in, if the session ended).
 */
import { useCallback, useEffect, useState } from 'react';
import { signOut, signedInAs } from '../../shared/net/guest-session.js';
import { AuthPage } from './AuthPage.js';
import { InviteAcceptance, inviteFromUrl } from './InviteAcceptance.js';
import { EditorFrame } from './EditorFrame.js';
import { WorldPicker } from './WorldPicker.js';
import { ORIGIN } from './studio-api.js';

/** The world slug in /studio/<slug>, if any. */
function slugFromPath(pathname: string): string | null {
  const match = /^\/studio\/([a-z0-9][a-z0-9-]{0,62})\/?$/.exec(pathname);
  return match ? match[1]! : null;
}

export function StudioApp() {
  const [who, setWho] = useState(signedInAs);
  const [slug, setSlug] = useState(() => slugFromPath(window.location.pathname));
  const [invite, setInvite] = useState(() => inviteFromUrl(window.location.search));
  useEffect(() => {
    const onPop = () => setSlug(slugFromPath(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const go = useCallback((next: string | null) => {
    window.history.pushState(null, '', next ? `/studio/${next}` : '/studio');
    setInvite(null);
    setSlug(next);
  }, []);
  const signedOut = () => setWho(null);

  if (!who) return <AuthPage onSignedIn={() => setWho(signedInAs())} />;
  return (
    <div className="studio">
      <div className="studio-account">
        Signed in as <strong>{who}</strong>
        <button type="button" onClick={() => void signOut(ORIGIN).then(signedOut)}>
          Sign out
        </button>
      </div>
      {invite ? (
        <InviteAcceptance token={invite} onOpen={go} />
      ) : slug ? (
        <EditorFrame slug={slug} onBack={() => go(null)} onSignedOut={signedOut} />
      ) : (
        <WorldPicker onOpen={go} onSignedOut={signedOut} />
      )}
    </div>
  );
}
