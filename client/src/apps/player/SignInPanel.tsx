/**
 * Sign in with an account (email and password) or out again. The page then joins the world again as that
 * account: its display name, its voice, and — where the account moderates the world — the moderator
 * buttons in the people list.
 */
import { useState, type FormEvent } from 'react';
import { signIn, signOut, signedInAs } from '../../shared/net/guest-session.js';
import { CredentialFields } from '../../shared/ui/CredentialFields.js';

export function SignInPanel({ onDone }: { onDone: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const who = signedInAs();
  const origin = window.location.origin;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    void signIn(origin, email.trim(), password).then((failure) => {
      setBusy(false);
      if (failure) setProblem(failure);
      else onDone();
    });
  };
  if (who)
    return (
      <div className="sign-in" role="dialog" aria-label="Account">
        <div>
          Signed in as <strong>{who}</strong>
        </div>
        <button type="button" onClick={() => void signOut(origin).then(onDone)}>
          Sign out
        </button>
      </div>
    );
  return (
    <form className="sign-in" role="dialog" aria-label="Sign in" onSubmit={submit}>
      <CredentialFields email={email} password={password} onEmail={setEmail} onPassword={setPassword} />
      {problem && (
        <div className="sign-in-problem" role="alert">
          {problem}
        </div>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
