/**
 * A browser wallet for the e2e tests: injected into the page before its scripts run, announced by EIP-6963
 * (and as window.ethereum), answering EIP-1193 requests like an unlocked wallet on one account. Signing is
 * done in the test process with a viem account (an anvil dev account), exposed to the page as a binding —
 * the page never holds the key. `behaviour` makes it decline, start on another chain, refuse to switch, or
 * switch chain while the person is signing.
 */
import type { Page } from 'playwright-core';
import type { LocalAccount } from 'viem/accounts';

export interface TestWalletBehaviour {
  /** Chain the wallet starts on (default 31337, the dev chain). */
  chainId?: number;
  /** Decline the signature (EIP-1193 code 4001). */
  declineSignature?: boolean;
  /** Decline wallet_switchEthereumChain. */
  declineSwitch?: boolean;
  /** Switch to this chain (emitting chainChanged) while the signature is being asked for. */
  switchDuringSignature?: number;
}

export async function injectTestWallet(
  page: Page,
  account: LocalAccount,
  behaviour: TestWalletBehaviour = {},
): Promise<void> {
  await page.exposeFunction('__testWalletSign', (hex: string) =>
    account.signMessage({ message: { raw: hex as `0x${string}` } }),
  );
  await page.addInitScript(
    ({ address, behaviour }) => {
      const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
      const emit = (event: string, value: unknown) =>
        listeners.get(event)?.forEach((listener) => listener(value));
      let chainId = behaviour.chainId ?? 31337;
      const refuse = (code: number, message: string) => Object.assign(new Error(message), { code });
      const sign = (window as unknown as { __testWalletSign: (hex: string) => Promise<string> })
        .__testWalletSign;
      const provider = {
        isTestWallet: true,
        async request({ method, params }: { method: string; params?: unknown[] }): Promise<unknown> {
          switch (method) {
            case 'eth_requestAccounts':
            case 'eth_accounts':
              return [address];
            case 'eth_chainId':
              return `0x${chainId.toString(16)}`;
            case 'wallet_switchEthereumChain': {
              if (behaviour.declineSwitch) throw refuse(4001, 'User rejected the request.');
              const wanted = parseInt((params?.[0] as { chainId: string }).chainId, 16);
              chainId = wanted;
              emit('chainChanged', `0x${wanted.toString(16)}`);
              return null;
            }
            case 'personal_sign': {
              if (behaviour.declineSignature) throw refuse(4001, 'User rejected the request.');
              if (behaviour.switchDuringSignature !== undefined) {
                chainId = behaviour.switchDuringSignature;
                emit('chainChanged', `0x${chainId.toString(16)}`);
              }
              return sign(params?.[0] as string);
            }
            default:
              throw refuse(4200, `The test wallet does not support ${method}`);
          }
        },
        on(event: string, listener: (...args: unknown[]) => void) {
          if (!listeners.has(event)) listeners.set(event, new Set());
          listeners.get(event)!.add(listener);
        },
        removeListener(event: string, listener: (...args: unknown[]) => void) {
          listeners.get(event)?.delete(listener);
        },
      };
      const info = {
        uuid: '5f0c2a4e-0000-4000-8000-00000000test',
        name: 'Test Wallet',
        icon: 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAxMCAxMCI+PGNpcmNsZSBjeD0iNSIgY3k9IjUiIHI9IjUiIGZpbGw9IiNmNjg1MWIiLz48L3N2Zz4=',
        rdns: 'test.wallet',
      };
      const announce = () =>
        window.dispatchEvent(
          new CustomEvent('eip6963:announceProvider', { detail: Object.freeze({ info, provider }) }),
        );
      window.addEventListener('eip6963:requestProvider', announce);
      (window as unknown as { ethereum: unknown }).ethereum = provider;
    },
    { address: account.address, behaviour },
  );
}
