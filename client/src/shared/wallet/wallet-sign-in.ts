/**
 * Sign-In with Ethereum from a browser wallet: ask the wallet for its address, make sure it is on a chain
 * this server reads (asking it to switch if not), get a nonce, have the wallet sign the EIP-4361 message, and
 * send it — to sign in (a new wallet gets a new account) or to link the wallet to the signed-in account.
 * If the wallet switches chain or account while this runs, the flow stops and says so rather than send a
 * message for a chain or address the person no longer has selected.
 */
import { toHex } from 'viem';
import { createSiweMessage } from 'viem/siwe';
import { createClient, createConfig } from '../api/generated/client/index.js';
import { walletsLink, walletsNonce, walletsSignIn } from '../api/generated/sdk.gen.js';
import type { Session } from '../api/generated/types.gen.js';
import type { InjectedWallet } from './injected-wallets.js';
import { walletProblem } from './wallet-problems.js';

export type WalletSignInResult = { ok: true; session?: Session } | { ok: false; problem: string };

export interface WalletSignInOptions {
  /** The server's origin (the page's own). */
  endpoint: string;
  /** "sign-in" makes a session; "link" adds the wallet to the account whose `accessToken` is given. */
  mode: 'sign-in' | 'link';
  accessToken?: string;
  /** Progress, in words, for the person to follow ("Confirm in MetaMask…"). */
  onStep?: (step: string) => void;
}

class FlowStopped extends Error {}

const hexChain = (id: number) => `0x${id.toString(16)}`;

function chainNumber(value: unknown): number | undefined {
  if (typeof value === 'string' && /^0x[0-9a-f]+$/i.test(value)) return parseInt(value, 16);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return undefined;
}

/** Runs the whole flow with `wallet`; never throws. */
export async function walletSignIn(
  wallet: InjectedWallet,
  options: WalletSignInOptions,
): Promise<WalletSignInResult> {
  const { provider, name } = wallet;
  const step = options.onStep ?? (() => undefined);
  // A chain or account change while this runs stops it (checked before signing and before sending).
  let changed: string | undefined;
  const onChain = (id: unknown) => {
    changed = `${name} switched to chain ${chainNumber(id) ?? String(id)} while you were signing in. Sign in again; stay on one chain until it is done.`;
  };
  const onAccounts = () => {
    changed = `${name} switched accounts while you were signing in. Sign in again with the account you want.`;
  };
  const ask = async (what: string, method: string, params?: unknown[]) => {
    try {
      return await provider.request(params ? { method, params } : { method });
    } catch (error) {
      throw new FlowStopped(walletProblem(name, what, error));
    }
  };
  const client = createClient(createConfig({ baseUrl: options.endpoint }));
  try {
    step(`Allow this site in ${name}…`);
    const accounts = await ask('share your address', 'eth_requestAccounts');
    const address: unknown = Array.isArray(accounts) ? (accounts as unknown[])[0] : undefined;
    if (typeof address !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(address))
      throw new FlowStopped(`${name} gave no account. Unlock it, choose an account, then try again.`);

    const nonce = await walletsNonce({ client }).catch(() => undefined);
    if (!nonce?.data)
      throw new FlowStopped(
        nonce?.response?.status === 503
          ? ((nonce.error as { detail?: string } | undefined)?.detail ??
              'Wallet sign-in is off on this server.')
          : 'The server could not be reached; try again.',
      );
    const { domains, chainIds } = nonce.data;
    if (!domains.includes(window.location.host))
      throw new FlowStopped(
        `This server takes wallet sign-ins at ${domains.join(' or ')}, not at ${window.location.host}: open the world there to sign in with a wallet.`,
      );

    let chainId = chainNumber(await ask('tell which chain it is on', 'eth_chainId'));
    if (chainId === undefined || !chainIds.includes(chainId)) {
      const wanted = chainIds[0]!;
      step(`Switch ${name} to chain ${wanted}…`);
      try {
        await provider.request({
          method: 'wallet_switchEthereumChain',
          params: [{ chainId: hexChain(wanted) }],
        });
      } catch (error) {
        throw new FlowStopped(
          (error as { code?: number } | null)?.code === 4902
            ? `${name} does not know chain ${wanted}, the chain this server reads: add it in ${name}, then try again.`
            : `${name} is on chain ${chainId ?? 'unknown'}; this server reads chain ${chainIds.join(', ')}. ${walletProblem(name, 'switch chain', error)}`,
        );
      }
      chainId = chainNumber(await ask('tell which chain it is on', 'eth_chainId'));
      if (chainId === undefined || !chainIds.includes(chainId))
        throw new FlowStopped(
          `${name} did not switch to chain ${wanted}; switch it yourself, then try again.`,
        );
    }

    provider.on?.('chainChanged', onChain);
    provider.on?.('accountsChanged', onAccounts);
    const message = createSiweMessage({
      domain: window.location.host,
      uri: window.location.origin,
      address: address as `0x${string}`,
      version: '1',
      chainId,
      nonce: nonce.data.nonce,
      statement:
        options.mode === 'link'
          ? `Link this wallet to your account at ${window.location.host}.`
          : `Sign in at ${window.location.host} with this wallet.`,
      issuedAt: new Date(),
    });
    step(`Sign the message in ${name}…`);
    const signature = await ask('sign the message', 'personal_sign', [toHex(message), address]);
    if (changed) throw new FlowStopped(changed);
    if (typeof signature !== 'string' || !/^0x[0-9a-fA-F]+$/.test(signature))
      throw new FlowStopped(`${name} returned no signature. Try again, or use another wallet.`);

    step('Checking the signature…');
    const body = { message, signature };
    const sent =
      options.mode === 'link'
        ? await walletsLink({
            client,
            body,
            headers: { authorization: `Bearer ${options.accessToken ?? ''}` },
          }).catch(() => undefined)
        : await walletsSignIn({ client, body }).catch(() => undefined);
    if (!sent?.response) throw new FlowStopped('The server could not be reached; try again.');
    if (sent.error !== undefined) {
      const detail = (sent.error as { detail?: string } | undefined)?.detail;
      throw new FlowStopped(detail ?? `The server refused the signature (HTTP ${sent.response.status}).`);
    }
    return options.mode === 'link' ? { ok: true } : { ok: true, session: sent.data as Session };
  } catch (error) {
    if (error instanceof FlowStopped) return { ok: false, problem: error.message };
    return { ok: false, problem: `Signing in with ${name} failed unexpectedly; try again.` };
  } finally {
    provider.removeListener?.('chainChanged', onChain);
    provider.removeListener?.('accountsChanged', onAccounts);
  }
}
