/**
 * What a wallet's refusal means, in words that say what to do. EIP-1193 errors carry a numeric code
 * (4001: the user declined; -32002: the wallet is already asking something; 4902: it does not know the
 * chain); anything else is shown with the wallet's own first line, never as a raw object.
 */

export interface ProviderError {
  code?: number;
  message?: string;
}

const codeOf = (error: unknown): number | undefined => {
  const code = (error as ProviderError | null)?.code;
  return typeof code === 'number' ? code : undefined;
};

/** Words for a failed wallet request; `step` says what was asked ("share your address", "sign"). */
export function walletProblem(walletName: string, step: string, error: unknown): string {
  const code = codeOf(error);
  if (code === 4001)
    return `You declined to ${step} in ${walletName}. Nothing was changed; choose the wallet again to retry.`;
  if (code === -32002)
    return `${walletName} is already waiting for you: open it, answer or dismiss its request, then try again.`;
  if (code === 4100)
    return `${walletName} has not allowed this site yet: unlock it and allow this site, then try again.`;
  if (code === 4900 || code === 4901)
    return `${walletName} is not connected to a network: connect it, then try again.`;
  const message = (error as ProviderError | null)?.message;
  const first = typeof message === 'string' ? message.split('\n')[0]!.slice(0, 200) : '';
  return `${walletName} could not ${step}${first ? ` (${first})` : ''}. Try again, or use another wallet.`;
}
