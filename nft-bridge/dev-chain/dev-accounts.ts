/**
 * The dev chain's accounts: anvil's well-known test mnemonic, so the keys are public and documented (never
 * use them anywhere else). Account 0 deploys the demo collections; accounts 1 and 2 hold demo tokens.
 */
import { mnemonicToAccount } from 'viem/accounts';

export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';

export function devAccount(index: number) {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
}
