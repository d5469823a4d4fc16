/**
 * Sign in with an account (email and password, or a browser wallet) or out again; signed in, link another
 * wallet. The page then joins the world again as that account: its display name, its voice, its items and —
 * where the account moderates the world — the moderator buttons in the people list.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { createClient, createConfig } from '../../shared/api/generated/client/index.js';
import { walletsList } from '../../shared/api/generated/sdk.gen.js';
import {
  accountAccessToken,
  rememberSignedIn,
  signIn,
  signOut,
  signedInAs,
} from '../../shared/net/guest-session.js';
import { CredentialFields } from '../../shared/ui/CredentialFields.js';
import { WalletChoices } from '../../shared/ui/WalletChoices.js';
import { shortAddress } from '../../shared/wallet/injected-wallets.js';

/** The signed-in account's linked wallets, and buttons to link another. */
function LinkedWallets() {
  const origin = window.location.origin;
  const [token, setToken] = useState<string | null>(null);
  const [wallets, setWallets] = useState<string[] | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    void accountAccessToken(origin).then(async (accessToken) => {
      if (!current || !accessToken) return;
      setToken(accessToken);
      const listed = await walletsList({
        client: createClient(createConfig({ baseUrl: origin })),
        headers: { authorization: `Bearer ${accessToken}` },
      }).catch(() => undefined);
      if (current) setWallets(listed?.data?.map((wallet) => wallet.address) ?? []);
    });
    return () => {
      current = false;
    };
  }, [origin, version]);
  if (!token) return null;
  return (
    <>
      {wallets && wallets.length > 0 && (
        <div className="linked-wallets">
          Wallets:{' '}
          {wallets.map((address) => (
            <code key={address} title={address}>
              {shortAddress(address)}
            </code>
          ))}
        </div>
      )}
      <WalletChoices mode="link" accessToken={token} onDone={() => setVersion((next) => next + 1)} />
    </>
  );
}

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
        <LinkedWallets />
        <button type="button" onClick={() => void signOut(origin).then(onDone)}>
          Sign out
        </button>
      </div>
    );
  return (
    <div className="sign-in" role="dialog" aria-label="Sign in">
      <form onSubmit={submit}>
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
      <div className="sign-in-or">or</div>
      <WalletChoices
        mode="sign-in"
        onDone={(session) => {
          if (session) rememberSignedIn(session);
          onDone();
        }}
      />
    </div>
  );
}
