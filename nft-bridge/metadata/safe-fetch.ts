/**
 * Fetching what token metadata points at, without letting a token creator reach into the server's network
 * (SSRF). Every address a host resolves to must be public unicast — no loopback, private, link-local (the
 * cloud metadata service at 169.254.169.254), CGNAT, unique-local, IPv4-mapped, IPv4-compatible or
 * NAT64-embedded private addresses, and no IPv6 outside global unicast (2000::/3), whatever the spelling (the URL parser normalizes 127.1, 0x7f000001 and 2130706433; IPv6
 * forms are unwrapped). The connection goes to the address that was checked (no second DNS answer), each
 * redirect is checked the same way, and the body is capped in size and time and must have an accepted
 * content type.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface SafeFetchPolicy {
  /** Loopback and private addresses are allowed (the embedded dev chain's own metadata only). */
  allowPrivate: boolean;
  /** Plain http is allowed (besides https). */
  allowHttp: boolean;
  /**
   * Origins the operator chose (its IPFS and Arweave gateways, which may be a node on its own network):
   * fetched without the address check. Where they redirect is checked like any other URL.
   */
  trustedOrigins?: readonly string[];
  timeoutMs: number;
  maxBytes: number;
  /** Accepted media types (without parameters), e.g. ["application/json"]. */
  mediaTypes: readonly string[];
  maxRedirects: number;
  /** Certificates (PEM) trusted for https besides the system's: an operator's gateway with its own CA. */
  ca?: string | readonly string[];
  /** Resolves a hostname to its addresses (DNS by default; tests give their own). */
  resolve?: (hostname: string) => Promise<string[]>;
}

export class UnsafeFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeFetchError';
  }
}

const PUBLIC_RANGES = new Set(['unicast']);
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];

/** Why `address` may not be fetched from, or undefined when it is a public unicast address. */
export function refusedAddress(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
    else if (v6.range() === 'rfc6052' || v6.range() === '6to4' || v6.range() === 'teredo')
      return `${address} embeds an IPv4 address (${v6.range()})`;
    // Only global unicast (2000::/3) is public; ipaddr.js calls every address it has no name for
    // "unicast", e.g. the deprecated IPv4-compatible ::127.0.0.1 (found by bench:security's ssrf harness).
    else if (!v6.match(GLOBAL_UNICAST_V6)) return `${address} is not a global unicast IPv6 address`;
  }
  const range = parsed.range();
  return PUBLIC_RANGES.has(range) ? undefined : `${address} is a ${range} address`;
}

const defaultResolve = async (hostname: string) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export interface FetchedBody {
  bytes: Buffer;
  mediaType: string;
  /** Where the body finally came from (after redirects). */
  url: string;
}

/** GETs `url` under `policy`; throws UnsafeFetchError naming what was refused, or an Error on failure. */
export async function safeFetch(url: string, policy: SafeFetchPolicy): Promise<FetchedBody> {
  const deadline = Date.now() + policy.timeoutMs;
  let current = url;
  for (let hop = 0; hop <= policy.maxRedirects; hop++) {
    const response = await fetchOnce(current, policy, deadline);
    if ('redirect' in response) {
      current = new URL(response.redirect, current).toString();
      continue;
    }
    return { ...response, url: current };
  }
  throw new UnsafeFetchError(`${url} redirects more than ${policy.maxRedirects} times`);
}

async function checkedTarget(url: URL, policy: SafeFetchPolicy): Promise<string> {
  const trusted = policy.trustedOrigins?.includes(url.origin) ?? false;
  if (url.protocol !== 'https:' && !((policy.allowHttp || trusted) && url.protocol === 'http:'))
    throw new UnsafeFetchError(`${url.protocol} URLs are not fetched (only https)`);
  if (url.username || url.password) throw new UnsafeFetchError('URLs with credentials are not fetched');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host) ? [host] : await (policy.resolve ?? defaultResolve)(host);
  if (addresses.length === 0) throw new Error(`${host} does not resolve`);
  if (!policy.allowPrivate && !trusted)
    for (const address of addresses) {
      const refused = refusedAddress(address);
      if (refused) throw new UnsafeFetchError(`${url.host} is not fetched: ${refused}`);
    }
  return addresses[0]!;
}

async function fetchOnce(
  target: string,
  policy: SafeFetchPolicy,
  deadline: number,
): Promise<{ redirect: string } | { bytes: Buffer; mediaType: string }> {
  const url = new URL(target);
  const address = await checkedTarget(url, policy);
  // Connect to the checked address, whatever DNS would say now (no rebinding between check and use).
  const pinned: LookupFunction = (_hostname, options, callback) => {
    const family = address.includes(':') ? 6 : 4;
    if ((options as { all?: boolean }).all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(new Error(`${target} took longer than ${policy.timeoutMs} ms`));
    const request = client.get(
      url,
      {
        lookup: pinned,
        timeout: remaining,
        headers: { accept: policy.mediaTypes.join(', ') },
        // The system's CAs plus the operator's own, when given (https only).
        ...(policy.ca && url.protocol === 'https:'
          ? { ca: [...tls.rootCertificates, ...[policy.ca].flat()] }
          : {}),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location) {
          response.resume();
          return resolve({ redirect: response.headers.location });
        }
        if (status !== 200) {
          response.resume();
          return reject(new Error(`${target} answered HTTP ${status}`));
        }
        const mediaType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!policy.mediaTypes.includes(mediaType)) {
          response.destroy();
          return reject(
            new UnsafeFetchError(
              `${target} is ${mediaType || 'of no content type'}, not ${policy.mediaTypes.join(' or ')}`,
            ),
          );
        }
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > policy.maxBytes) {
          response.destroy();
          return reject(
            new UnsafeFetchError(`${target} is ${declared} bytes, over the ${policy.maxBytes}-byte cap`),
          );
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > policy.maxBytes) {
            response.destroy();
            reject(new UnsafeFetchError(`${target} is over the ${policy.maxBytes}-byte cap`));
          } else chunks.push(chunk);
        });
        response.on('end', () => resolve({ bytes: Buffer.concat(chunks), mediaType }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`${target} took longer than ${policy.timeoutMs} ms`)),
    );
    request.on('error', reject);
  });
}
