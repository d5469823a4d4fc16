/**
 * The embedded dev chain: anvil keeps its state across restarts (the demo collections are not deployed
 * twice), a reset chain gets a fresh deployment, and an anvil left behind by a crashed server is stopped.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createPublicClient, http } from 'viem';
import {
  DEMO_HOLDINGS,
  contracts,
  devAccount,
  ensureDemoCollection,
  isRunning,
  startAnvil,
} from '../../nft-bridge/index.js';

const METADATA = 'http://127.0.0.1:1/nft/metadata';

async function chainDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'mib-dev-chain-'));
}

describe('the dev chain', () => {
  it('mints the documented demo holdings, and keeps them across a restart without redeploying', async () => {
    const dir = await chainDir();
    const stateFile = path.join(dir, 'state.json');
    const record = path.join(dir, 'demo.json');
    let anvil = await startAnvil({ stateFile, blockTimeSeconds: 1 });
    const first = await ensureDemoCollection(anvil.rpcUrl, record, METADATA);
    expect(first.deployedNow).toBe(true);
    const reader = createPublicClient({ transport: http(anvil.rpcUrl) });
    for (const [index, holdings] of Object.entries(DEMO_HOLDINGS)) {
      const holder = devAccount(Number(index)).address;
      for (const id of holdings.collectibles)
        expect(
          await reader.readContract({
            address: first.collectibles,
            abi: contracts.DemoCollectibles.abi,
            functionName: 'ownerOf',
            args: [id],
          }),
        ).toBe(holder);
      for (const [id, amount] of holdings.items)
        expect(
          await reader.readContract({
            address: first.items,
            abi: contracts.DemoItems.abi,
            functionName: 'balanceOf',
            args: [holder, id],
          }),
        ).toBe(amount);
    }
    expect(
      await reader.readContract({
        address: first.collectibles,
        abi: contracts.DemoCollectibles.abi,
        functionName: 'tokenURI',
        args: [1n],
      }),
    ).toBe(`${METADATA}/collectibles/1`);
    await anvil.stop();

    anvil = await startAnvil({ stateFile, blockTimeSeconds: 1 });
    const again = await ensureDemoCollection(anvil.rpcUrl, record, METADATA);
    expect(again).toEqual({ ...first, deployedNow: false });
    await anvil.stop();

    // A reset chain (its state gone) has another genesis: the collections are deployed again.
    await rm(stateFile);
    anvil = await startAnvil({ stateFile, blockTimeSeconds: 1 });
    const reset = await ensureDemoCollection(anvil.rpcUrl, record, METADATA);
    expect(reset.deployedNow).toBe(true);
    expect(reset.genesisHash).not.toBe(first.genesisHash);
    await anvil.stop();
  });

  it('stops an anvil a crashed server left running on the same state', async () => {
    const stateFile = path.join(await chainDir(), 'state.json');
    const orphan = await startAnvil({ stateFile, blockTimeSeconds: 1 });
    const orphanPid = Number(await readFile(`${stateFile}.anvil.pid`, 'utf8'));
    expect(isRunning(orphanPid)).toBe(true);
    const next = await startAnvil({ stateFile, blockTimeSeconds: 1 });
    try {
      // Stopped: gone, or a zombie until this process reaps it (it is this process's child).
      expect(isRunning(orphanPid)).toBe(false);
      const reader = createPublicClient({ transport: http(next.rpcUrl) });
      expect(await reader.getChainId()).toBe(31337);
    } finally {
      await next.stop();
      await orphan.stop();
    }
  }, 30_000);
});
