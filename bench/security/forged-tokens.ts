/**
 * Forged, replayed and misused credentials against every operation of the API (from /docs-json), the way
 * an attacker would try them. A victim registers, makes an organization, a private world (its description
 * a secret marker), an API key and an embed key. Then every credential below is sent to every operation,
 * with the victim's ids in the path:
 *
 *   forged       alg none (three spellings), a wrong HS256 key, HS512/RS256/ES256 instead of HS256, a
 *                payload edited under its signature, a flipped signature, a `jku` header pointing at a
 *                listener (it must never be fetched), 8 kB and 100 kB tokens, garbage
 *   right key    (the harness sets AUTH_SECRET, as an attacker who stole it would have it) expired, not
 *                yet valid, another issuer, no session id, the session of a logout — the claims checks
 *   misused      an embed token or a LiveKit-style token as an access token, an access token as an embed
 *                token, a refresh token as a bearer, a spent (replayed) refresh token's session, a revoked
 *                API key
 *   other tenant an attacker's own valid access token, and the victim's embed key used from its own
 *                origin for anything but embedding
 *
 * The same credentials then try to join the victim's world, its preview and its editor room (the victim
 * itself joins each, so a refusal is the credential's).
 *
 * Pass: every forged, right-key and misused credential answered 401 on every operation that reads
 * Authorization (or 431 when Node refuses the header's size); other tenants never get a 2xx on an operation naming the victim's objects; no body ever
 * holds the victim's marker or email; no 5xx; the jku listener never connected to; a replayed refresh
 * token is refused and ends its session; a replayed or other-domain SIWE message is refused; no room seat
 * for anyone but the victim.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@colyseus/sdk';
import { SignJWT } from 'jose';
import {
  AUTH_SECRET,
  bearer,
  claimsOf,
  forgedCredentials,
  type Credential,
  type Group,
} from './forged-credentials.js';
import { privateKeyToAccount, generatePrivateKey } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import { RoomName } from '../../protocol/index.js';
import { connectionCounter } from '../shared/connection-counter.js';
import { startBenchServer, type BenchServer } from '../shared/server-process.js';

/** Operations that do not read our Authorization header (their own signature, or none). */
export const IGNORES_AUTHORIZATION = new Set(['POST /livekit/webhook']);
/** What an embed key is for: showing the world on its sites (the poster, a session, oEmbed). */
const EMBEDDING = /^(GET|POST) \/embeds\/|^GET \/oembed$/;

export interface ProbeAnswer {
  credential: string;
  group: Group;
  operation: string;
  status: number;
  leaked: boolean;
  /** The path names one of the victim's objects. */
  victimPath: boolean;
}

export interface TokenProbeFigures {
  operations: number;
  credentials: number;
  requests: number;
  /** "credential → operation: status" for each answer that broke the rules. */
  violations: string[];
  leaks: number;
  serverErrors: number;
  jkuFetches: number;
  /** Joins of the victim's world, its preview and its editor room with every credential but the victim's. */
  roomJoins: { tried: number; accepted: string[]; victimJoined: number; rooms: number };
  refreshReplay: { refused: boolean; sessionEnded: boolean };
  /** A SIWE message sent twice, and one made for another site: refused (4xx, no session). */
  siwe: {
    replayRefused: boolean;
    otherDomainRefused: boolean;
    statuses: { replay: number; otherDomain: number };
  };
  pass: boolean;
}

/** Why `answer` breaks the rules, or undefined. */
export function violationOf(answer: ProbeAnswer): string | undefined {
  const label = `${answer.credential} → ${answer.operation}: ${answer.status}`;
  if (answer.leaked) return `${label} (the victim's data in the body)`;
  // Not part of this probe: they verify their own signature (LiveKit's), tested with voice.
  if (IGNORES_AUTHORIZATION.has(answer.operation)) return undefined;
  if (answer.status >= 500) return `${label} (server error)`;
  // Node refuses a header over 16 kB before any code of ours runs.
  if (answer.status === 431) return undefined;
  if (answer.group === 'other tenant')
    return answer.victimPath && answer.status < 300 && !EMBEDDING.test(answer.operation)
      ? `${label} (another tenant's object)`
      : undefined;
  return answer.status === 401 ? undefined : `${label} (not refused as unauthenticated)`;
}

export function tokenProbePasses(figures: Omit<TokenProbeFigures, 'pass'>): boolean {
  return (
    figures.requests > 0 &&
    figures.violations.length === 0 &&
    figures.leaks === 0 &&
    figures.serverErrors === 0 &&
    figures.jkuFetches === 0 &&
    figures.roomJoins.tried > 0 &&
    figures.roomJoins.accepted.length === 0 &&
    figures.roomJoins.victimJoined === figures.roomJoins.rooms &&
    figures.refreshReplay.refused &&
    figures.refreshReplay.sessionEnded &&
    figures.siwe.replayRefused &&
    figures.siwe.otherDomainRefused
  );
}

async function call<T = unknown>(
  server: BenchServer,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? bearer(token) : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`bench:security: ${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface Session {
  accessToken: string;
  refreshToken: string;
  account: { id: string };
}

async function register(server: BenchServer, email: string): Promise<Session> {
  return await call<Session>(server, 'POST', '/auth/register', {
    email,
    password: 'a-long-enough-password',
    displayName: email.split('@')[0],
  });
}

async function operations(server: BenchServer, ids: Record<string, string>) {
  const document = (await (await fetch(`${server.url}/docs-json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const list: Array<{ method: string; path: string; operation: string; victimPath: boolean }> = [];
  for (const [template, methods] of Object.entries(document.paths))
    for (const method of Object.keys(methods)) {
      let victimPath = false;
      const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
        if (name in ids) victimPath = true;
        return encodeURIComponent(ids[name] ?? FILLERS[name] ?? 'x');
      });
      list.push({
        method: method.toUpperCase(),
        path,
        operation: `${method.toUpperCase()} ${template}`,
        victimPath,
      });
    }
  return list;
}

/** Path parameters that name nothing of the victim's. */
const FILLERS: Record<string, string> = {
  id: '00000000-0000-4000-8000-000000000000',
  hash: 'a'.repeat(64),
  version: '1',
  roomId: 'no-such-room',
  address: '0x0000000000000000000000000000000000000001',
};

async function siweRefusals(server: BenchServer): Promise<TokenProbeFigures['siwe']> {
  const wallet = privateKeyToAccount(generatePrivateKey());
  const signed = async (domain: string) => {
    const { nonce } = await call<{ nonce: string }>(server, 'POST', '/auth/siwe/nonce');
    const message = createSiweMessage({
      domain,
      uri: `http://${domain}`,
      address: wallet.address,
      version: '1',
      chainId: 31337,
      nonce,
    });
    return { message, signature: await wallet.signMessage({ message }) };
  };
  const send = (body: unknown) =>
    fetch(`${server.url}/auth/siwe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const ours = await signed(new URL(server.url).host);
  const first = await send(ours);
  if (!first.ok) throw new Error(`bench:security: a valid SIWE sign-in answered ${first.status}`);
  const replay = await send(ours);
  const otherDomain = await send(await signed('evil.example'));
  const refused = (status: number) => status >= 400 && status < 500;
  return {
    replayRefused: refused(replay.status),
    otherDomainRefused: refused(otherDomain.status),
    statuses: { replay: replay.status, otherDomain: otherDomain.status },
  };
}

const ROOMS = [RoomName.world, RoomName.preview, RoomName.editor] as const;
const joinOptions = (room: (typeof ROOMS)[number], world: string) =>
  room === RoomName.editor ? { world, clientId: 4242 } : { world, name: 'probe', color: '#336699' };

/** Whether `token` gets a seat in `room` of `world` (the seat is left at once). */
async function joins(server: BenchServer, room: (typeof ROOMS)[number], world: string, token: string) {
  const client = new Client(server.url);
  client.auth.token = token;
  try {
    const seat = await client.joinOrCreate(room, joinOptions(room, world));
    await seat.leave();
    return true;
  } catch {
    return false;
  }
}

/** The victim joins each room; every other credential is refused in each. */
async function roomJoins(
  server: BenchServer,
  world: string,
  victimToken: string,
  credentials: Credential[],
): Promise<TokenProbeFigures['roomJoins']> {
  let victimJoined = 0;
  for (const room of ROOMS) if (await joins(server, room, world, victimToken)) victimJoined++;
  const accepted: string[] = [];
  let tried = 0;
  for (const credential of credentials) {
    const token = /^Bearer (.+)$/.exec(credential.headers.authorization ?? '')?.[1];
    if (!token) continue;
    for (const room of ROOMS) {
      tried++;
      if (await joins(server, room, world, token)) accepted.push(`${credential.name} → ${room}`);
    }
  }
  return { tried, accepted, victimJoined, rooms: ROOMS.length };
}

export async function runTokenProbe(): Promise<TokenProbeFigures> {
  const jku = await connectionCounter();
  const jkuUrl = `http://127.0.0.1:${jku.port}/jwks.json`;
  const server = await startBenchServer({
    AUTH_SECRET,
    RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    RATE_LIMIT_GUESTS_PER_MINUTE: '1000000',
  });
  try {
    const tag = randomBytes(4).toString('hex');
    const marker = `victim-secret-${tag}`;
    const email = `victim-${tag}@example.com`;
    const victim = await register(server, email);
    const org = `victim-org-${tag}`;
    const world = `victim-world-${tag}`;
    await call(server, 'POST', '/orgs', { slug: org, name: 'Victim' }, victim.accessToken);
    await call(
      server,
      'POST',
      `/orgs/${org}/worlds`,
      { slug: world, name: 'Victim world', description: marker, visibility: 'private' },
      victim.accessToken,
    );
    const apiKey = await call<{ key: string; apiKey: { id: string } }>(
      server,
      'POST',
      '/auth/keys',
      { name: 'victim key', scopes: ['read', 'manage'], organization: org },
      victim.accessToken,
    );
    const embedKey = await call<{ key: string; apiKey: { id: string } }>(
      server,
      'POST',
      `/worlds/${world}/keys`,
      { name: 'site', scopes: ['embed'], origins: ['https://victim.example'] },
      victim.accessToken,
    );
    const embedToken = (
      await call<{ token: string }>(
        server,
        'POST',
        `/worlds/${world}/embed-tokens`,
        { origin: 'https://victim.example', ttlSeconds: 600 },
        victim.accessToken,
      )
    ).token;

    // Misused and replayed credentials, from sessions of their own (so ending them spares the victim's).
    const revoked = await call<{ key: string; apiKey: { id: string } }>(
      server,
      'POST',
      '/auth/keys',
      { name: 'revoked key', scopes: ['read'], organization: org },
      victim.accessToken,
    );
    await call(server, 'DELETE', `/auth/keys/${revoked.apiKey.id}`, undefined, victim.accessToken);
    const loggedOut = await call<Session>(server, 'POST', '/auth/login', {
      email,
      password: 'a-long-enough-password',
    });
    await call(server, 'POST', '/auth/logout', { refreshToken: loggedOut.refreshToken });
    const replayed = await call<Session>(server, 'POST', '/auth/login', {
      email,
      password: 'a-long-enough-password',
    });
    const rotated = await call<Session>(server, 'POST', '/auth/refresh', {
      refreshToken: replayed.refreshToken,
    });
    const replay = await fetch(`${server.url}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: replayed.refreshToken }),
    });
    const attacker = await register(server, `attacker-${tag}@example.com`);
    const liveKitStyle = await new SignJWT({ video: { roomJoin: true, room: world } })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('devkey')
      .setSubject(claimsOf(victim.accessToken).sub)
      .setExpirationTime('15m')
      .sign(randomBytes(32));

    const credentials: Credential[] = [
      ...(await forgedCredentials(victim.accessToken, jkuUrl)),
      { name: 'session of a logout', group: 'right key', headers: bearer(loggedOut.accessToken) },
      {
        name: 'embed token without its prefix',
        group: 'misused',
        headers: bearer(embedToken.replace(/^mibet_/, '')),
      },
      {
        name: 'access token as an embed token',
        group: 'misused',
        headers: bearer(`mibet_${victim.accessToken}`),
      },
      { name: 'LiveKit-style token', group: 'misused', headers: bearer(liveKitStyle) },
      { name: 'refresh token as a bearer', group: 'misused', headers: bearer(victim.refreshToken) },
      { name: 'access token of a replayed refresh', group: 'misused', headers: bearer(rotated.accessToken) },
      { name: 'revoked API key', group: 'misused', headers: bearer(revoked.key) },
      { name: 'another tenant’s session', group: 'other tenant', headers: bearer(attacker.accessToken) },
      {
        name: 'embed key for anything',
        group: 'other tenant',
        headers: { ...bearer(embedKey.key), origin: 'https://victim.example' },
      },
    ];
    const ids = { org, slug: world, accountId: victim.account.id, keyId: apiKey.apiKey.id };
    const ops = await operations(server, ids);
    const answers: ProbeAnswer[] = [];
    for (const credential of credentials)
      for (const op of ops) {
        const response = await fetch(`${server.url}${op.path}`, {
          method: op.method,
          headers: { 'content-type': 'application/json', ...credential.headers },
          ...(['GET', 'HEAD'].includes(op.method) ? {} : { body: '{}' }),
        });
        const text = await response.text();
        answers.push({
          credential: credential.name,
          group: credential.group,
          operation: op.operation,
          status: response.status,
          leaked: text.includes(marker) || text.includes(email),
          victimPath: op.victimPath,
        });
      }
    // The victim still gets in with its own credentials (the probe did not just break the server).
    await call(server, 'GET', `/worlds/${world}`, undefined, victim.accessToken);
    const sessionEnded =
      (await fetch(`${server.url}/auth/me`, { headers: bearer(rotated.accessToken) })).status === 401;
    const violations = answers.map(violationOf).filter((violation): violation is string => !!violation);
    const figures = {
      operations: ops.length,
      credentials: credentials.length,
      requests: answers.length,
      violations,
      leaks: answers.filter((answer) => answer.leaked).length,
      serverErrors: answers.filter(
        (answer) => answer.status >= 500 && !IGNORES_AUTHORIZATION.has(answer.operation),
      ).length,
      jkuFetches: jku.connections(),
      roomJoins: await roomJoins(server, world, victim.accessToken, credentials),
      refreshReplay: { refused: replay.status === 401, sessionEnded },
      siwe: await siweRefusals(server),
    };
    return { ...figures, pass: tokenProbePasses(figures) };
  } finally {
    await server.stop();
    await jku.close();
  }
}
