/**
 * SSRF through token metadata, the way an attacker would try it: a contract on a (non-dev) chain whose URI,
 * or whose metadata's `image` and `animation_url`, or whose IPFS gateway's redirect, names an address
 * inside the server's network in one of many spellings (private-spellings.ts). The server runs as its own
 * process and reads the chain for real; a wallet holding each token binds it (POST /nft/bindings), which
 * makes the server fetch. A listener on loopback, at the port every spelling names, records connections.
 *
 * Each case ends one of three ways: refused before connecting (the fetch policy named the address or
 * scheme), unresolved (a name with no DNS answer here: nothing was reached, but the policy was not
 * tested), or attempted (anything else: a connection was tried). Control, measured in the same run: the
 * same loopback spellings fetched with the private-address check off reach the listener — so a zero from
 * the server means refused, not unreachable.
 */
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createPublicClient,
  createWalletClient,
  getContractAddress,
  http as viemHttp,
  type Address,
  type Hex,
} from 'viem';
import { contracts, devAccount, safeFetch, startAnvil } from '../../nft-bridge/index.js';
import { connectionCounter } from '../shared/connection-counter.js';
import { startBenchServer, type BenchServer } from '../shared/server-process.js';
import { signedSiwe } from '../shared/siwe.js';
import { privateSpellings, type Spelling } from './private-spellings.js';

type Path = 'metadata' | 'image' | 'model' | 'gateway redirect';
export type Outcome = 'refused' | 'unresolved' | 'attempted';

export interface SsrfFigures {
  cases: number;
  refused: number;
  unresolved: number;
  attempted: number;
  /** "path: spelling → what the server said", for each attempted case. */
  attemptedCases: string[];
  /** Connections the loopback listener saw while the server fetched. */
  listenerConnections: number;
  /** Bindings that did not answer 201 (the harness could not run that case). */
  failedCases: string[];
  gatewayRequests: number;
  /** Loopback spellings fetched with the address check off: how many reached the listener, and which not. */
  control: { spellings: number; reachedListener: number; notReached: string[] };
  pass: boolean;
}

/** How a token display's problem text says the fetch ended. */
export function outcomeOf(problem: string | undefined): Outcome {
  if (problem && /\bnot fetched\b/.test(problem)) return 'refused';
  if (problem && /ENOTFOUND|EAI_AGAIN|does not resolve/.test(problem)) return 'unresolved';
  return 'attempted';
}

export function ssrfPasses(figures: Omit<SsrfFigures, 'pass'>): boolean {
  return (
    figures.cases > 0 &&
    figures.attempted === 0 &&
    figures.listenerConnections === 0 &&
    figures.failedCases.length === 0 &&
    figures.control.reachedListener > 0
  );
}

/** Where the listener listens: the loopback addresses the reachable spellings lead to. */
const LISTEN_ON = ['127.0.0.1', '127.8.9.10', '::1'];

interface GatewayCase {
  path: Exclude<Path, 'metadata'>;
  spelling: Spelling;
}

/** The operator's IPFS gateway (trusted): serves metadata naming each spelling, or redirects to it. */
async function gateway(cases: Map<bigint, GatewayCase>) {
  let requests = 0;
  const server = http.createServer((request, response) => {
    requests++;
    const id = BigInt(`0x${/\/ipfs\/([0-9a-f]{64})/.exec(request.url ?? '')?.[1] ?? '0'}`);
    const found = cases.get(id);
    if (!found) return void response.writeHead(404).end();
    if (found.path === 'gateway redirect')
      // Percent-encoded where a header needs it (fullwidth digits): URL parsers decode it again.
      return void response
        .writeHead(302, { location: found.spelling.url.replace(/[^\x20-\x7e]/g, encodeURIComponent) })
        .end();
    const field = found.path === 'image' ? 'image' : 'animation_url';
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ name: `probe ${id}`, [field]: found.spelling.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Fees well above the base fee, which climbs while these fill several blocks in a row. */
/** Transactions sent before waiting for them. */
const BATCH = 16;
const FEES = { maxFeePerGas: 200_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };

/**
 * One ERC-1155 contract per spelling whose URI is that spelling, and one whose URI is `ipfs://{id}`
 * (served by the gateway); token 1 of each, and every gateway id, held by dev wallet 1. All sent at once.
 */
async function deploy(rpcUrl: string, spellings: Spelling[], gatewayIds: bigint[]) {
  const transport = viemHttp(rpcUrl);
  const reader = createPublicClient({ transport, pollingInterval: 100 });
  const owner = devAccount(0);
  const holder = devAccount(1).address;
  const wallet = createWalletClient({ account: owner, transport });
  let nonce = await reader.getTransactionCount({ address: owner.address, blockTag: 'pending' });
  const sent: Hex[] = [];
  const deployItems = async (uri: string): Promise<Address> => {
    const address = getContractAddress({ from: owner.address, nonce: BigInt(nonce) });
    sent.push(
      await wallet.deployContract({
        chain: null,
        nonce: nonce++,
        gas: 2_500_000n,
        ...FEES,
        abi: contracts.DemoItems.abi,
        bytecode: contracts.DemoItems.bytecode,
        args: [uri],
      }),
    );
    return address;
  };
  const mint = async (address: Address, ids: bigint[]) =>
    sent.push(
      await wallet.writeContract({
        chain: null,
        nonce: nonce++,
        gas: 200_000n + 60_000n * BigInt(ids.length),
        ...FEES,
        address,
        abi: contracts.DemoItems.abi,
        functionName: 'mintBatch',
        args: [holder, ids, ids.map(() => 1n)],
      }),
    );
  // anvil drops some transactions when dozens from one sender are pending at once: a batch at a time.
  const settle = async () => {
    for (const hash of sent.splice(0)) {
      const receipt = await reader.waitForTransactionReceipt({ hash, timeout: 60_000 });
      if (receipt.status !== 'success')
        throw new Error(`bench:security: ssrf setup transaction ${hash} reverted`);
    }
  };
  const bySpelling: Address[] = [];
  for (const spelling of spellings) {
    bySpelling.push(await deployItems(spelling.url));
    if (sent.length >= BATCH) await settle();
  }
  const viaGateway = await deployItems('ipfs://{id}');
  for (const address of bySpelling) {
    await mint(address, [1n]);
    if (sent.length >= BATCH) await settle();
  }
  await mint(viaGateway, gatewayIds);
  await settle();
  return { bySpelling, viaGateway };
}

export async function runSsrf(): Promise<SsrfFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mib-bench-ssrf-'));
  const recorder = await connectionCounter(LISTEN_ON);
  const spellings = privateSpellings(recorder.port);
  const gatewayCases = new Map<bigint, GatewayCase>();
  let nextId = 1n;
  for (const casePath of ['image', 'model', 'gateway redirect'] as const)
    for (const spelling of spellings) gatewayCases.set(nextId++, { path: casePath, spelling });
  const ipfs = await gateway(gatewayCases);
  const anvil = await startAnvil({ stateFile: path.join(dir, 'chain.json'), blockTimeSeconds: 1 });
  let server: BenchServer | undefined;
  try {
    const deployed = await deploy(anvil.rpcUrl, spellings, [...gatewayCases.keys()]);
    server = await startBenchServer({
      NFT_CHAINS: JSON.stringify([
        { id: 31337, name: 'probe chain', rpcUrls: [anvil.rpcUrl], confirmations: 0, dev: false },
      ]),
      NFT_IPFS_GATEWAY: ipfs.origin,
      RATE_LIMIT_AUTH_PER_MINUTE: '100000',
      RATE_LIMIT_WRITES_PER_MINUTE: '100000',
    });
    const signIn = await fetch(`${server.url}/auth/siwe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(await signedSiwe(server.url, devAccount(1))),
    });
    if (!signIn.ok) throw new Error(`bench:security: SIWE sign-in answered ${signIn.status}`);
    const { accessToken } = (await signIn.json()) as { accessToken: string };
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };

    const outcomes: Outcome[] = [];
    const attemptedCases: string[] = [];
    const failedCases: string[] = [];
    const probe = async (casePath: Path, spelling: Spelling, contract: Address, tokenId: bigint) => {
      const label = `${casePath}: ${spelling.name} (${spelling.url})`;
      const response = await fetch(`${server!.url}/nft/bindings`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ chainId: 31337, contract, tokenId: String(tokenId), use: 'collectible' }),
      });
      if (response.status !== 201) {
        failedCases.push(`${label} → HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
        return;
      }
      const binding = (await response.json()) as {
        id: string;
        display: { problem?: string; modelProblem?: string } | null;
      };
      const problem = casePath === 'model' ? binding.display?.modelProblem : binding.display?.problem;
      const outcome = outcomeOf(problem);
      outcomes.push(outcome);
      if (outcome === 'attempted') attemptedCases.push(`${label} → ${problem ?? 'fetched'}`);
      await fetch(`${server!.url}/nft/bindings/${binding.id}`, { method: 'DELETE', headers });
    };
    for (const [index, spelling] of spellings.entries())
      await probe('metadata', spelling, deployed.bySpelling[index]!, 1n);
    for (const [id, { path: casePath, spelling }] of gatewayCases)
      await probe(casePath, spelling, deployed.viaGateway, id);
    const listenerConnections = recorder.connections();

    // Control: the same loopback spellings, fetched with the address check off, reach the listener.
    let reachedListener = 0;
    const notReached: string[] = [];
    const reachable = spellings.filter((spelling) => spelling.reachable);
    for (const spelling of reachable) {
      const before = recorder.connections();
      await safeFetch(spelling.url, {
        allowPrivate: true,
        allowHttp: true,
        timeoutMs: 2_000,
        maxBytes: 1_024,
        mediaTypes: ['application/json'],
        maxRedirects: 0,
      }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (recorder.connections() > before) reachedListener++;
      else notReached.push(spelling.name);
    }

    const count = (outcome: Outcome) => outcomes.filter((each) => each === outcome).length;
    const figures = {
      cases: spellings.length + gatewayCases.size,
      refused: count('refused'),
      unresolved: count('unresolved'),
      attempted: count('attempted'),
      attemptedCases,
      listenerConnections,
      failedCases,
      gatewayRequests: ipfs.requests(),
      control: { spellings: reachable.length, reachedListener, notReached },
    };
    return { ...figures, pass: ssrfPasses(figures) };
  } finally {
    await server?.stop();
    await anvil.stop();
    await ipfs.close();
    await recorder.close();
    await rm(dir, { recursive: true, force: true });
  }
}
