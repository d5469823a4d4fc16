/**
 * The browser wallets on this page: those that announce themselves by EIP-6963 (any number, each with its
 * name and icon), and — when none does — the one injected as `window.ethereum` by older wallets (EIP-1193).
 * An announcement is page input like any other: one without a name or a `request` function is ignored, and
 * an icon is shown only when it is an image data URI (EIP-6963 requires one), so a page cannot make the
 * player load an image from elsewhere.
 */

/** An EIP-1193 provider: the one method the sign-in needs, and its events. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
  on?(event: string, listener: (...args: unknown[]) => void): void;
  removeListener?(event: string, listener: (...args: unknown[]) => void): void;
}

export interface InjectedWallet {
  /** EIP-6963's uuid for this page load, or "injected" for window.ethereum. */
  id: string;
  name: string;
  /** An image data URI, when the wallet gave a valid one. */
  icon?: string;
  /** Reverse-DNS id of the wallet (e.g. io.metamask), when announced. */
  rdns?: string;
  provider: Eip1193Provider;
}

const isProvider = (value: unknown): value is Eip1193Provider =>
  typeof value === 'object' && value !== null && typeof (value as Eip1193Provider).request === 'function';

const text = (value: unknown, most: number): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim().slice(0, most) : undefined;

/** The wallet an `eip6963:announceProvider` event announces, or undefined when it is malformed. */
export function announcedWallet(detail: unknown): InjectedWallet | undefined {
  if (typeof detail !== 'object' || detail === null) return undefined;
  const { info, provider } = detail as { info?: Record<string, unknown>; provider?: unknown };
  const name = text(info?.name, 60);
  const id = text(info?.uuid, 100);
  if (!info || !name || !id || !isProvider(provider)) return undefined;
  const icon = text(info.icon, 100_000);
  const rdns = text(info.rdns, 100);
  return {
    id,
    name,
    provider,
    ...(icon && /^data:image\/(png|svg\+xml|webp|jpeg|gif);/.test(icon) ? { icon } : {}),
    ...(rdns ? { rdns } : {}),
  };
}

/** How long to wait for announcements before offering window.ethereum instead, in ms. */
const LEGACY_WAIT_MS = 300;

/**
 * Calls `onChange` with the wallets found so far, each time one more is announced; returns a function that
 * stops listening.
 */
export function discoverWallets(onChange: (wallets: InjectedWallet[]) => void): () => void {
  const found = new Map<string, InjectedWallet>();
  const announce = (event: Event) => {
    const wallet = announcedWallet((event as CustomEvent).detail);
    if (!wallet || found.has(wallet.id)) return;
    found.delete('injected'); // a wallet that announces itself replaces the legacy guess
    found.set(wallet.id, wallet);
    onChange([...found.values()]);
  };
  window.addEventListener('eip6963:announceProvider', announce);
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  const legacy = window.setTimeout(() => {
    const injected = (window as { ethereum?: unknown }).ethereum;
    if (found.size === 0 && isProvider(injected)) {
      found.set('injected', { id: 'injected', name: 'Browser wallet', provider: injected });
      onChange([...found.values()]);
    } else if (found.size === 0) onChange([]);
  }, LEGACY_WAIT_MS);
  return () => {
    window.clearTimeout(legacy);
    window.removeEventListener('eip6963:announceProvider', announce);
  };
}

/** An address as people read it: 0x7099…79c8 (the full address goes in a title). */
export const shortAddress = (address: string): string => `${address.slice(0, 6)}…${address.slice(-4)}`;
