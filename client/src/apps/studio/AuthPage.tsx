/**
 * Sign in or sign up with a password: the studio is for accounts (a world belongs to an organization its
 * owner made). Errors are the server's words, shown beside the form.
 */
import { useState, type FormEvent } from 'react';
import { rememberSignedIn, signIn, signUp } from '../../shared/net/guest-session.js';
import { WalletChoices } from '../../shared/ui/WalletChoices.js';
import { CredentialFields } from '../../shared/ui/CredentialFields.js';
import { ORIGIN } from './studio-api.js';

export function AuthPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [mode, setMode] = useState<'sign-in' | 'sign-up'>('sign-in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const done =
      mode === 'sign-in'
        ? signIn(ORIGIN, email.trim(), password)
        : signUp(ORIGIN, email.trim(), password, displayName.trim());
    void done.then((failure) => {
      setBusy(false);
      if (failure) setProblem(failure);
      else onSignedIn();
    });
  };

  return (
    <main className="studio-auth">
      <h1>Studio</h1>
      <p className="studio-lede">Build, furnish and publish your worlds.</p>
      <div className="studio-tabs" role="tablist">
        {(['sign-in', 'sign-up'] as const).map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            aria-selected={mode === tab}
            className={mode === tab ? 'active' : ''}
            onClick={() => {
              setMode(tab);
              setProblem(null);
            }}
          >
            {tab === 'sign-in' ? 'Sign in' : 'Create an account'}
          </button>
        ))}
      </div>
      <form className="studio-form" aria-label={mode === 'sign-in' ? 'Sign in' : 'Sign up'} onSubmit={submit}>
        {mode === 'sign-up' && (
          <label>
            Display name
            <input
              name="displayName"
              autoComplete="nickname"
              required
              maxLength={40}
              value={displayName}
              onChange={(event) => setDisplayName(event.target.value)}
            />
          </label>
        )}
        <CredentialFields
          email={email}
          password={password}
          onEmail={setEmail}
          onPassword={setPassword}
          newPassword={mode === 'sign-up'}
        />
        {problem && (
          <div className="studio-problem" role="alert">
            {problem}
          </div>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'One moment…' : mode === 'sign-in' ? 'Sign in' : 'Create account'}
        </button>
      </form>
      {mode === 'sign-in' && (
        <section className="studio-wallet" aria-label="Sign in with a wallet">
          <p className="studio-or">or, with a browser wallet (a new wallet gets an account of its own)</p>
          <WalletChoices
            mode="sign-in"
            onDone={(session) => {
              if (session) rememberSignedIn(session);
              onSignedIn();
            }}
          />
        </section>
      )}
    </main>
  );
}
