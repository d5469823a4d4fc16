/**
 * A dev chain of the test's own: anvil (as the server starts it) with the demo collections, plus helpers
 * to deploy more contracts and send transactions from the dev accounts.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createPublicClient,
  createWalletClient,
  getAddress,
  http,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem';
import {
  devAccount,
  ensureDemoCollection,
  startAnvil,
  type DemoCollection,
  type RunningAnvil,
} from '../../nft-bridge/index.js';

export interface TestChain {
  anvil: RunningAnvil;
  rpcUrl: string;
  demo: DemoCollection;
  reader: PublicClient;
  /** Deploys `artifact` from dev account 0 and waits for it; its checksummed address. */
  deploy(artifact: { abi: Abi; bytecode: Hex }, args?: readonly unknown[]): Promise<Address>;
  /** Sends a contract call from dev account `from` and waits for it to be mined. */
  send(
    from: number,
    call: { address: Address; abi: Abi; functionName: string; args?: readonly unknown[] },
  ): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestChain(blockTimeSeconds = 1): Promise<TestChain> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mib-chain-'));
  const anvil = await startAnvil({ stateFile: path.join(dir, 'state.json'), blockTimeSeconds });
  const demo = await ensureDemoCollection(
    anvil.rpcUrl,
    path.join(dir, 'demo.json'),
    'http://127.0.0.1:1/nft',
  );
  const reader = createPublicClient({ transport: http(anvil.rpcUrl), pollingInterval: 50 });
  const wallet = (from: number) =>
    createWalletClient({ account: devAccount(from), transport: http(anvil.rpcUrl) });
  return {
    anvil,
    rpcUrl: anvil.rpcUrl,
    demo,
    reader,
    async deploy(artifact, args = []) {
      const hash = await wallet(0).deployContract({
        chain: null,
        abi: artifact.abi,
        bytecode: artifact.bytecode,
        args,
      });
      return getAddress((await reader.waitForTransactionReceipt({ hash })).contractAddress!);
    },
    async send(from, call) {
      const hash = await wallet(from).writeContract({ chain: null, ...call, args: call.args ?? [] });
      const receipt = await reader.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`${call.functionName} reverted`);
    },
    stop: () => anvil.stop(),
  };
}
