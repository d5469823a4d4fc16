/**
 * The demo collections on the dev chain: an ERC-721 and an ERC-1155 deployed by dev account 0, with tokens
 * minted to dev accounts 1 and 2 (see DEMO_HOLDINGS). Deployed once; the record of where they are is kept
 * beside the chain state, with the chain's genesis hash — a reset chain gets a fresh deployment.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createPublicClient,
  createWalletClient,
  getContractAddress,
  http,
  keccak256,
  type Address,
  type Hex,
} from 'viem';
import { DemoCollectibles, DemoItems } from '../contracts/artifacts.generated.js';
import { DEV_CHAIN_ID } from './anvil-process.js';
import { devAccount } from './dev-accounts.js';

export interface DemoCollection {
  chainId: number;
  /** Hash of block 0 when the collections were deployed: another hash means the chain was reset. */
  genesisHash: Hex;
  collectibles: Address;
  items: Address;
  /** Of the two contracts' bytecode: another one means the contracts changed, and are deployed again. */
  codeHash: Hex;
}

const CODE_HASH = keccak256(`${DemoCollectibles.bytecode}${DemoItems.bytecode.slice(2)}`);

/** What is minted at deployment: ERC-721 ids per dev account, and ERC-1155 [id, amount] pairs. */
export const DEMO_HOLDINGS = {
  1: {
    collectibles: [1n, 2n],
    items: [
      [1n, 5n],
      [2n, 1n],
    ],
  },
  2: { collectibles: [3n], items: [[1n, 2n]] },
} as const;

/** Enough gas for each deployment and mint (estimating would fail before the deployment is mined). */
const DEMO_GAS = 3_000_000n;

async function readRecord(file: string): Promise<DemoCollection | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DemoCollection;
  } catch {
    return undefined;
  }
}

/**
 * Deploys and mints the demo collections unless `recordFile` names live ones on this chain. `metadataBase`
 * is where their metadata is served (token URIs are `<metadataBase>/collectibles/<id>` and
 * `<metadataBase>/items/{id}`).
 */
export async function ensureDemoCollection(
  rpcUrl: string,
  recordFile: string,
  metadataBase: string,
): Promise<DemoCollection & { deployedNow: boolean }> {
  const transport = http(rpcUrl);
  const reader = createPublicClient({ transport, pollingInterval: 100 });
  const genesisHash = (await reader.getBlock({ blockNumber: 0n })).hash;
  const recorded = await readRecord(recordFile);
  if (
    recorded?.genesisHash === genesisHash &&
    recorded.codeHash === CODE_HASH &&
    (await reader.getCode({ address: recorded.collectibles })) &&
    (await reader.getCode({ address: recorded.items }))
  )
    return { ...recorded, deployedNow: false };

  // Every transaction is sent at once with explicit nonces and gas (the contracts' addresses follow from
  // the deployer's nonce), so the whole setup lands in one or two blocks.
  const account = devAccount(0);
  const deployer = createWalletClient({ account, transport });
  let nonce = await reader.getTransactionCount({ address: account.address, blockTag: 'pending' });
  const next = () => ({ chain: null, nonce: nonce++, gas: DEMO_GAS });
  const collectibles = getContractAddress({ from: account.address, nonce: BigInt(nonce) });
  const sent: Hex[] = [
    await deployer.deployContract({
      ...next(),
      abi: DemoCollectibles.abi,
      bytecode: DemoCollectibles.bytecode,
      args: [`${metadataBase}/collectibles/`],
    }),
  ];
  const items = getContractAddress({ from: account.address, nonce: BigInt(nonce) });
  sent.push(
    await deployer.deployContract({
      ...next(),
      abi: DemoItems.abi,
      bytecode: DemoItems.bytecode,
      args: [`${metadataBase}/items/{id}`],
    }),
  );
  for (const [index, holdings] of Object.entries(DEMO_HOLDINGS)) {
    const holder = devAccount(Number(index)).address;
    for (const id of holdings.collectibles)
      sent.push(
        await deployer.writeContract({
          ...next(),
          address: collectibles,
          abi: DemoCollectibles.abi,
          functionName: 'mint',
          args: [holder, id],
        }),
      );
    sent.push(
      await deployer.writeContract({
        ...next(),
        address: items,
        abi: DemoItems.abi,
        functionName: 'mintBatch',
        args: [holder, holdings.items.map(([id]) => id), holdings.items.map(([, amount]) => amount)],
      }),
    );
  }
  for (const hash of sent) {
    const receipt = await reader.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`demo collection setup: transaction ${hash} reverted`);
  }
  const record: DemoCollection = {
    chainId: DEV_CHAIN_ID,
    genesisHash,
    collectibles,
    items,
    codeHash: CODE_HASH,
  };
  await mkdir(path.dirname(recordFile), { recursive: true });
  await writeFile(`${recordFile}.tmp`, JSON.stringify(record, null, 2));
  await rename(`${recordFile}.tmp`, recordFile);
  return { ...record, deployedNow: true };
}

/**
 * Points the demo collections' token URIs at `metadataBase` (the server's address, known once it listens)
 * unless they point there already; waits until that is mined.
 */
export async function pointDemoMetadataAt(
  rpcUrl: string,
  demo: DemoCollection,
  metadataBase: string,
): Promise<void> {
  const transport = http(rpcUrl);
  const reader = createPublicClient({ transport, pollingInterval: 100 });
  const current = await reader.readContract({
    address: demo.items,
    abi: DemoItems.abi,
    functionName: 'uri',
    args: [1n],
  });
  if (current === `${metadataBase}/items/{id}`) return;
  const owner = createWalletClient({ account: devAccount(0), transport });
  const sent = [
    await owner.writeContract({
      chain: null,
      address: demo.collectibles,
      abi: DemoCollectibles.abi,
      functionName: 'setBaseURI',
      args: [`${metadataBase}/collectibles/`],
      gas: DEMO_GAS,
    }),
    await owner.writeContract({
      chain: null,
      address: demo.items,
      abi: DemoItems.abi,
      functionName: 'setURI',
      args: [`${metadataBase}/items/{id}`],
      gas: DEMO_GAS,
    }),
  ];
  for (const hash of sent) await reader.waitForTransactionReceipt({ hash });
}
