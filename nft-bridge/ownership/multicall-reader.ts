/**
 * Contract reads batched into as few eth_calls as possible: Multicall3 where the chain has it, a
 * deployless multicall (the aggregator's bytecode sent with the call) where it does not. One failing
 * sub-call does not fail the rest; an unreadable chain throws ChainUnreadableError.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  type Abi,
  type ContractFunctionParameters,
  type PublicClient,
} from 'viem';
import { ChainUnreadableError, MULTICALL3_ADDRESS } from './token-standards.js';

/**
 * Inner calldata per eth_call, in bytes. Through Multicall3: a thousand ownerOf calls in one eth_call.
 * Deployless, the aggregator's code and the ABI-encoded calls (≈ 224 bytes per call) travel as init code,
 * which EIP-3860 caps at 49,152 bytes: about 140 calls per eth_call (a bigger single call goes alone).
 */
const MULTICALL3_BATCH_BYTES = 64 * 1024;
const DEPLOYLESS_BATCH_BYTES = 5_000;

export type CallResult = { status: 'success'; result: unknown } | { status: 'failure'; error: Error };

export class MulticallReader {
  private hasMulticall3: Promise<boolean> | undefined;

  constructor(readonly client: PublicClient) {}

  private get chainId(): number {
    return this.client.chain?.id ?? 0;
  }

  /** Whether Multicall3 is deployed here (asked once). */
  private multicall3(): Promise<boolean> {
    this.hasMulticall3 ??= this.client
      .getCode({ address: MULTICALL3_ADDRESS })
      .then((code) => code !== undefined && code !== '0x')
      .catch((error: unknown) => {
        this.hasMulticall3 = undefined; // ask again next time
        throw new ChainUnreadableError(this.chainId, error);
      });
    return this.hasMulticall3;
  }

  async read(calls: readonly ContractFunctionParameters<Abi>[]): Promise<CallResult[]> {
    if (calls.length === 0) return [];
    const deployed = await this.multicall3();
    try {
      const results = await this.client.multicall({
        contracts: calls,
        allowFailure: true,
        ...(deployed
          ? { multicallAddress: MULTICALL3_ADDRESS, batchSize: MULTICALL3_BATCH_BYTES }
          : { deployless: true, batchSize: DEPLOYLESS_BATCH_BYTES }),
      });
      // viem turns a whole eth_call that failed (RPC error, timeout, size limit) into a failure of each call in
      // it: that is an unreadable chain, not a thousand reverted calls (tokens would look burned).
      const broken = results.find((result) => result.status === 'failure' && !isRevert(result.error));
      if (broken) throw new ChainUnreadableError(this.chainId, broken.error);
      return results;
    } catch (error) {
      if (error instanceof ChainUnreadableError) throw error;
      throw new ChainUnreadableError(this.chainId, error);
    }
  }
}

/** The contract itself said no (a revert, or no data where a value was due): a real answer about the token. */
function isRevert(error: Error | undefined): boolean {
  return (
    error instanceof BaseError &&
    error.walk(
      (cause) =>
        cause instanceof ContractFunctionRevertedError || cause instanceof ContractFunctionZeroDataError,
    ) !== null
  );
}
