/**
 * TRUST_PROXY: which hops in front of this server may say who the client is (X-Forwarded-For and
 * X-Forwarded-Proto), in the forms Express' `trust proxy` setting takes. Behind a reverse proxy, without it
 * every visitor has the proxy's address — one rate-limit bucket for everyone — and every link the server
 * builds says http.
 */
import ipaddr from 'ipaddr.js';

/** Express' named ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/** Most proxy hops counted from the server (nginx in front of a cloud load balancer is 2). */
const MAX_HOPS = 10;

export type TrustProxy = number | string[];

const HELP =
  'a number of proxy hops (e.g. 1), or a comma-separated list of addresses, CIDR ranges and the names ' +
  'loopback, linklocal, uniquelocal (e.g. "loopback, 10.0.0.0/8")';

/** The setting, or a message naming what is wrong and the forms that work. */
export function parseTrustProxy(value: string): TrustProxy | string {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops < 1 || hops > MAX_HOPS) return `must be from 1 to ${MAX_HOPS} hops, or ${HELP}`;
    return hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (NAMED_RANGES.has(entry)) continue;
    const valid = entry.includes('/') ? isCidr(entry) : ipaddr.isValid(entry);
    if (!valid) return `"${entry}" is not an address, a CIDR range or a range name: use ${HELP}`;
  }
  return entries;
}

function isCidr(entry: string): boolean {
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}
