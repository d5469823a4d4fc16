/**
 * The transfer logs the indexer follows — ERC-721 Transfer, ERC-1155 TransferSingle and TransferBatch — and
 * their decoding into one shape: a token, an amount, a sender and a receiver. A log that does not decode
 * strictly (an ERC-20 Transfer shares the ERC-721 topic but indexes one topic fewer) is not a transfer here.
 */
import { getAddress, parseAbi, parseEventLogs, type Address, type Hex, type Log } from 'viem';

export const transferEventsAbi = parseAbi([
  'event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)',
  'event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value)',
  'event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values)',
]);

export interface TokenTransfer {
  contract: Address;
  tokenId: bigint;
  from: Address;
  to: Address;
  /** 1 for ERC-721. */
  amount: bigint;
  blockNumber: bigint;
  blockHash: Hex;
  /** Position in its block; a TransferBatch yields one transfer per id, all with the log's index. */
  logIndex: number;
  transactionHash: Hex;
}

/** Decodes raw logs (any order) into transfers in chain order; logs that are not transfers are dropped. */
export function decodeTransfers(logs: readonly Log[]): TokenTransfer[] {
  const transfers: TokenTransfer[] = [];
  for (const log of parseEventLogs({ abi: transferEventsAbi, logs: [...logs], strict: true })) {
    if (log.blockNumber === null || log.blockHash === null || log.logIndex === null) continue; // pending
    const common = {
      contract: getAddress(log.address),
      blockNumber: log.blockNumber,
      blockHash: log.blockHash,
      logIndex: log.logIndex,
      transactionHash: log.transactionHash,
    };
    switch (log.eventName) {
      case 'Transfer':
        transfers.push({ ...common, ...log.args, amount: 1n });
        break;
      case 'TransferSingle':
        transfers.push({
          ...common,
          from: log.args.from,
          to: log.args.to,
          tokenId: log.args.id,
          amount: log.args.value,
        });
        break;
      case 'TransferBatch':
        log.args.ids.forEach((id, index) =>
          transfers.push({
            ...common,
            from: log.args.from,
            to: log.args.to,
            tokenId: id,
            amount: log.args.values[index] ?? 0n,
          }),
        );
        break;
    }
  }
  return transfers.sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
}
