/**
 * Canonical JSON (RFC 8785, JCS): one byte sequence per JSON value, so a stored scene reads back
 * byte-identical and equal documents have equal ETags.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('canonical-json: value has no JSON representation');
  return text;
}

/** A strong ETag (RFC 9110) for a canonical body: a quoted sha-256 prefix. */
export function etagOf(canonicalBody: string): string {
  return `"${createHash('sha256').update(canonicalBody).digest('base64url').slice(0, 27)}"`;
}
