/** The token standards the bridge reads, and the few ABI fragments it needs (viem infers types from them). */
import { parseAbi } from 'viem';

export type TokenKind = 'erc721' | 'erc1155';

/** ERC-165 interface ids. 0xffffffff must be unsupported by every honest ERC-165 contract. */
export const INTERFACE_IDS = {
  erc721: '0x80ac58cd',
  erc1155: '0xd9b67a26',
  invalid: '0xffffffff',
} as const;

export const erc165Abi = parseAbi(['function supportsInterface(bytes4 interfaceId) view returns (bool)']);
export const erc721Abi = parseAbi([
  'function ownerOf(uint256 tokenId) view returns (address)',
  'function balanceOf(address owner) view returns (uint256)',
  'function tokenURI(uint256 tokenId) view returns (string)',
]);
export const erc1155Abi = parseAbi([
  'function balanceOf(address account, uint256 id) view returns (uint256)',
  'function balanceOfBatch(address[] accounts, uint256[] ids) view returns (uint256[])',
  'function uri(uint256 id) view returns (string)',
]);

/** The well-known Multicall3 address (same on most chains); where absent, calls go deployless. */
export const MULTICALL3_ADDRESS = '0xcA11bde05977b3631167028862bE2a173976CA11';

/** A chain could not be read (every RPC failed or timed out): callers fail closed and say so. */
export class ChainUnreadableError extends Error {
  constructor(chainId: number, cause: unknown) {
    super(
      `chain ${chainId} could not be read (${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)})`,
      { cause },
    );
    this.name = 'ChainUnreadableError';
  }
}
