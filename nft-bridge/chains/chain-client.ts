/**
 * A viem public client per configured chain: JSON-RPC batching over http (many calls, one request), each
 * RPC URL tried in turn when one fails or times out (`fallback`), multicall batching for contract reads.
 */
import {
  createPublicClient,
  defineChain,
  fallback,
  http,
  webSocket,
  type PublicClient,
  type Transport,
} from 'viem';
import type { ChainConfig } from './chain-config.js';

export interface ChainClientOptions {
  /** Called with every http request body sent (for request accounting in benchmarks and tests). */
  onRequestBody?: (body: unknown) => void;
}

function transportFor(url: string, chain: ChainConfig, options: ChainClientOptions): Transport {
  if (url.startsWith('ws')) return webSocket(url, { timeout: chain.timeoutMs, retryCount: 1 });
  return http(url, {
    batch: { batchSize: 100, wait: 0 },
    timeout: chain.timeoutMs,
    retryCount: 1,
    onFetchRequest: async (request) => {
      if (options.onRequestBody) options.onRequestBody(await request.clone().json());
    },
  });
}

export function createChainClient(chain: ChainConfig, options: ChainClientOptions = {}): PublicClient {
  const transports = chain.rpcUrls.map((url) => transportFor(url, chain, options));
  return createPublicClient({
    chain: defineChain({
      id: chain.id,
      name: chain.name,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: chain.rpcUrls } },
    }),
    transport: transports.length === 1 ? transports[0]! : fallback(transports, { rank: false }),
    pollingInterval: 500,
  });
}

/** How many JSON-RPC calls an http request body holds (a batch counts each element). */
export function rpcCallCount(body: unknown): number {
  return Array.isArray(body) ? body.length : 1;
}
