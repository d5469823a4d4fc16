/**
 * The credentials the token probe forges (forged-tokens.ts): bad signatures and algorithms, and — with
 * the signing key the harness sets as AUTH_SECRET, as if it had been stolen — tokens whose claims are
 * wrong, all claiming to be the victim.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';

/** The server's signing key in the probe (its AUTH_SECRET). */
export const AUTH_SECRET = randomBytes(32).toString('base64url');
const ISSUER = 'metaverse-in-a-box';

export type Group = 'forged' | 'right key' | 'misused' | 'other tenant';
export interface Credential {
  name: string;
  group: Group;
  headers: Record<string, string>;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { sub: string; sid: string };

/** Forged and right-key credentials claiming to be the holder of `victimAccessToken`. */
export async function forgedCredentials(victimAccessToken: string, jkuUrl: string): Promise<Credential[]> {
  const { sub, sid } = claimsOf(victimAccessToken);
  const claims = { sub, sid, iss: ISSUER, iat: Math.floor(Date.now() / 1000) };
  const later = claims.iat + 900;
  const unsigned = (alg: string) => `${b64({ alg, typ: 'JWT' })}.${b64({ ...claims, exp: later })}.`;
  const signWith = (key: Parameters<SignJWT['sign']>[0], alg: string, header: Record<string, unknown> = {}) =>
    new SignJWT({ sid })
      .setProtectedHeader({ alg, ...header })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(key);
  const rightKey = new TextEncoder().encode(AUTH_SECRET);
  const rsa = await generateKeyPair('RS256');
  const ec = await generateKeyPair('ES256');
  const [header, payload, signature] = victimAccessToken.split('.') as [string, string, string];
  const edited = `${header}.${b64({ ...claimsOf(victimAccessToken), sub: 'someone-else' })}.${signature}`;
  const flipped = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
  const forged: Array<[string, Group, string]> = [
    ['alg none', 'forged', unsigned('none')],
    ['alg None', 'forged', unsigned('None')],
    ['alg NONE', 'forged', unsigned('NONE')],
    ['wrong HS256 key', 'forged', await signWith(randomBytes(32), 'HS256')],
    ['HS512 with the right key', 'forged', await signWith(rightKey, 'HS512')],
    ['RS256', 'forged', await signWith(rsa.privateKey, 'RS256')],
    ['RS256 with a jku header', 'forged', await signWith(rsa.privateKey, 'RS256', { jku: jkuUrl })],
    ['ES256', 'forged', await signWith(ec.privateKey, 'ES256')],
    ['payload edited under its signature', 'forged', edited],
    ['signature flipped', 'forged', flipped],
    ['8 kB token', 'forged', `${header}.${'A'.repeat(8_000)}.${signature}`],
    ['100 kB token', 'forged', `${header}.${'A'.repeat(100_000)}.${signature}`],
    ['garbage', 'forged', 'not-a-token'],
    [
      'expired',
      'right key',
      await new SignJWT({ sid })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setIssuer(ISSUER)
        .setIssuedAt(claims.iat - 3_600)
        .setExpirationTime(claims.iat - 1_800)
        .sign(rightKey),
    ],
    [
      'not yet valid',
      'right key',
      await new SignJWT({ sid })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setIssuer(ISSUER)
        .setNotBefore(later)
        .setExpirationTime(later + 900)
        .sign(rightKey),
    ],
    [
      'another issuer',
      'right key',
      await new SignJWT({ sid })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setIssuer('someone-else')
        .setExpirationTime('15m')
        .sign(rightKey),
    ],
    [
      'no session id',
      'right key',
      await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setIssuer(ISSUER)
        .setExpirationTime('15m')
        .sign(rightKey),
    ],
  ];
  return forged.map(([name, group, token]) => ({ name, group, headers: bearer(token) }));
}

/** Every operation of /docs-json with the victim's ids in its path. */
