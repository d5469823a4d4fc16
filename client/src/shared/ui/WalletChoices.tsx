/**
 * The browser wallets on this page as buttons — "Sign in with MetaMask" or "Link MetaMask" — running
 * Sign-In with Ethereum with the one chosen, saying each step ("Sign the message in MetaMask…") and, when
 * it fails, why and what to do. Shared by the player's account panel and the studio's sign-in page. The
 * sign-in code (viem's SIWE message) is fetched when the person chooses a wallet, not before.
 */
import { useEffect, useState } from 'react';
import type { Session } from '../api/generated/types.gen.js';
import { discoverWallets, type InjectedWallet } from '../wallet/injected-wallets.js';

export function WalletChoices({
  mode,
  accessToken,
  onDone,
}: {
  mode: 'sign-in' | 'link';
  /** link: the signed-in account's access token. */
  accessToken?: string;
  /** After success: sign-in gives the new session; link gives none. */
  onDone: (session: Session | undefined) => void;
}) {
  const [wallets, setWallets] = useState<InjectedWallet[] | null>(null);
  const [step, setStep] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [search, setSearch] = useState(0);
  useEffect(() => discoverWallets(setWallets), [search]);

  const choose = (wallet: InjectedWallet) => {
    setProblem(null);
    setStep(`Opening ${wallet.name}…`);
    void import('../wallet/wallet-sign-in.js')
      .then(({ walletSignIn }) =>
        walletSignIn(wallet, {
          endpoint: window.location.origin,
          mode,
          ...(accessToken ? { accessToken } : {}),
          onStep: setStep,
        }),
      )
      .catch(() => ({
        ok: false as const,
        problem: 'The wallet sign-in could not be loaded. Check your connection, then try again.',
      }))
      .then((result) => {
        setStep(null);
        if (result.ok) onDone(result.session);
        else setProblem(result.problem);
      });
  };

  if (wallets === null) return null; // still listening for wallets (a fraction of a second)
  return (
    <div className="wallet-choices">
      {wallets.length === 0 ? (
        <>
          <p className="wallet-none">
            No browser wallet found on this page. Install one (any that supports EIP-6963, such as MetaMask or
            Rabby) to {mode === 'link' ? 'link it' : 'sign in with it'}, or unlock yours.
          </p>
          <button type="button" className="wallet-choice" onClick={() => setSearch((next) => next + 1)}>
            Look for wallets again
          </button>
        </>
      ) : (
        wallets.map((wallet) => (
          <button
            type="button"
            key={wallet.id}
            className="wallet-choice"
            disabled={step !== null}
            onClick={() => choose(wallet)}
          >
            {wallet.icon && <img src={wallet.icon} alt="" width={20} height={20} />}
            {mode === 'link' ? `Link ${wallet.name}` : `Sign in with ${wallet.name}`}
          </button>
        ))
      )}
      {step && (
        <div className="wallet-step" role="status">
          {step}
        </div>
      )}
      {problem && (
        <div className="sign-in-problem" role="alert">
          {problem}
        </div>
      )}
    </div>
  );
}
