/**
 * What the wallet sign-in says back: an EIP-6963 announcement is page input (malformed ones are ignored,
 * icons that are not image data URIs are dropped), and a wallet's refusal becomes words that say what to do,
 * never a raw error object.
 */
import { describe, expect, it } from '@jest/globals';
import { announcedWallet } from '../../client/src/shared/wallet/injected-wallets.js';
import { walletProblem } from '../../client/src/shared/wallet/wallet-problems.js';

const provider = { request: () => Promise.resolve(null) };
const info = { uuid: 'a-uuid', name: 'Fox Wallet', rdns: 'com.fox', icon: 'data:image/png;base64,AAAA' };

describe('EIP-6963 announcements', () => {
  it('takes a wallet with a name, an id and a request function', () => {
    expect(announcedWallet({ info, provider })).toEqual({
      id: 'a-uuid',
      name: 'Fox Wallet',
      rdns: 'com.fox',
      icon: 'data:image/png;base64,AAAA',
      provider,
    });
  });

  it('ignores malformed announcements and icons that would load from elsewhere', () => {
    expect(announcedWallet(undefined)).toBeUndefined();
    expect(announcedWallet({ info, provider: {} })).toBeUndefined();
    expect(announcedWallet({ info: { ...info, name: '  ' }, provider })).toBeUndefined();
    expect(announcedWallet({ info: { ...info, uuid: 7 }, provider })).toBeUndefined();
    expect(
      announcedWallet({ info: { ...info, icon: 'https://tracker.example/pixel.png' }, provider }),
    ).not.toHaveProperty('icon');
    expect(announcedWallet({ info: { ...info, name: 'x'.repeat(500) }, provider })?.name).toHaveLength(60);
  });
});

describe('wallet refusals in words', () => {
  it('says what to do for each EIP-1193 code', () => {
    expect(walletProblem('Fox', 'sign the message', { code: 4001, message: 'User rejected' })).toBe(
      'You declined to sign the message in Fox. Nothing was changed; choose the wallet again to retry.',
    );
    expect(walletProblem('Fox', 'sign', { code: -32002 })).toMatch(/Fox is already waiting for you: open it/);
    expect(walletProblem('Fox', 'sign', { code: 4100 })).toMatch(/allow this site/);
    expect(walletProblem('Fox', 'sign', { code: 4901 })).toMatch(/not connected to a network/);
  });

  it('keeps only the first line of an unknown error, and never shows an object', () => {
    expect(walletProblem('Fox', 'sign', new Error('boom\n    at stack'))).toBe(
      'Fox could not sign (boom). Try again, or use another wallet.',
    );
    expect(walletProblem('Fox', 'sign', { weird: true })).toBe(
      'Fox could not sign. Try again, or use another wallet.',
    );
  });
});
