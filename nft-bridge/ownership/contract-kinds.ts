/**
 * Which standard a contract implements, by ERC-165 — asked once per contract, three questions in one
 * batch: ERC-721? ERC-1155? and 0xffffffff, which an honest ERC-165 contract denies (a contract that
 * claims every interface is not believed). The operator's override list wins over anything it says.
 */
import { getAddress, type Address } from 'viem';
import type { MulticallReader } from './multicall-reader.js';
import { INTERFACE_IDS, erc165Abi, type TokenKind } from './token-standards.js';

export type ContractKind = { kind: TokenKind } | { kind: 'unknown'; reason: string };

export class ContractKinds {
  private readonly known = new Map<Address, ContractKind>();

  constructor(
    private readonly reader: MulticallReader,
    /** Contracts whose kind the operator states (for tokens without ERC-165), by address. */
    overrides: ReadonlyMap<string, TokenKind> = new Map(),
  ) {
    for (const [address, kind] of overrides) this.known.set(getAddress(address), { kind });
  }

  async of(contracts: readonly Address[]): Promise<Map<Address, ContractKind>> {
    const wanted = [...new Set(contracts.map((contract) => getAddress(contract)))];
    const unknown = wanted.filter((contract) => !this.known.has(contract));
    const questions = unknown.flatMap((address) =>
      [INTERFACE_IDS.erc721, INTERFACE_IDS.erc1155, INTERFACE_IDS.invalid].map((id) => ({
        address,
        abi: erc165Abi,
        functionName: 'supportsInterface' as const,
        args: [id] as const,
      })),
    );
    const answers = await this.reader.read(questions);
    unknown.forEach((address, index) => {
      const [is721, is1155, claimsAll] = answers.slice(index * 3, index * 3 + 3);
      this.known.set(address, decide(is721, is1155, claimsAll));
    });
    return new Map(wanted.map((contract) => [contract, this.known.get(contract)!]));
  }
}

type Answer = { status: 'success'; result: unknown } | { status: 'failure'; error: Error } | undefined;

function decide(is721: Answer, is1155: Answer, claimsAll: Answer): ContractKind {
  if (is721?.status !== 'success' || is1155?.status !== 'success')
    return {
      kind: 'unknown',
      reason: 'it does not answer supportsInterface (ERC-165); list its kind in the overrides',
    };
  if (claimsAll?.status === 'success' && claimsAll.result === true)
    return {
      kind: 'unknown',
      reason:
        'it claims every interface (even 0xffffffff), so its ERC-165 answers mean nothing; list its kind in the overrides',
    };
  if (is721.result === true && is1155.result !== true) return { kind: 'erc721' };
  if (is1155.result === true && is721.result !== true) return { kind: 'erc1155' };
  return {
    kind: 'unknown',
    reason:
      is721.result === true
        ? 'it claims both ERC-721 and ERC-1155'
        : 'it is neither ERC-721 nor ERC-1155 by ERC-165',
  };
}
