/**
 * Opaque secrets handed to clients (refresh tokens, API keys, invitation tokens): 256 random bits with a
 * prefix that says what they are (so a leaked one is recognisable in logs and secret scanners). Only their
 * sha-256 is stored; a lookup hashes what the client presents.
 */
import { createHash, randomBytes } from 'node:crypto';

/** An embed key (`mibe_`) is public by design; it authorizes nothing by itself (see embed/embed-service.ts). */
export const TOKEN_PREFIX = {
  refresh: 'mibr_',
  apiKey: 'mibk_',
  embedKey: 'mibe_',
  invitation: 'mibi_',
} as const;
export type SecretKind = keyof typeof TOKEN_PREFIX;

export function newSecret(kind: SecretKind): string {
  return `${TOKEN_PREFIX[kind]}${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Which kind of secret a presented string claims to be, by prefix. */
export function secretKindOf(value: string): SecretKind | undefined {
  return (Object.keys(TOKEN_PREFIX) as SecretKind[]).find((kind) => value.startsWith(TOKEN_PREFIX[kind]));
}
