/**
 * Every endpoint × every kind of caller, with the expected status written out by hand (not computed from
 * the policy code). The endpoint list is read from /docs-json, so a new route without a row fails here.
 * The world under test is private, in organization "matrix"; callers are:
 *   anon       no credentials
 *   guest      a guest session with no relation to the world
 *   visitor    world role visitor          moderator  world role moderator
 *   editor     world role editor           owner      world role owner (not an organization member)
 *   orgAdmin   admin of the organization   operator   the operator admin
 *   rival      owner of another organization
 *   revoked    a revoked manage-scope API key of the world
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { RunningServer } from '../../server/index.js';
import {
  createOrg,
  createWorld,
  apiClient,
  guestAccount,
  ok,
  registerAccount,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { rejectedUploadJob } from '../helpers/rejected-upload.js';
import { signedSiwe } from '../helpers/siwe.js';
import { jsonBytes, triangleGltf } from '../../bench/shared/bad-uploads.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/services.js';
import { EXPECTED } from './authorization-matrix.expected.js';

const CALLERS = [
  'anon',
  'guest',
  'visitor',
  'moderator',
  'editor',
  'owner',
  'orgAdmin',
  'operator',
  'rival',
  'revoked',
] as const;
type CallerName = (typeof CALLERS)[number];

const SCENE = { schema: 2, entities: {} };

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, unknown> }>;
}

/**
 * An event-stream operation through fetch: its generated function is a stream reader without a status.
 * The status is read, and the stream closed.
 */
async function eventStreamStatus(
  path: string,
  args: { path?: Record<string, string> },
  token: string | undefined,
): Promise<number> {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(args.path?.[name] ?? ''));
  const controller = new AbortController();
  const response = await fetch(`${url}${filled}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: controller.signal,
  });
  controller.abort();
  return response.status;
}

let server: RunningServer;
const demoToken = () => ({ chainId: 31337, contract: server.devChain!.demo.collectibles });
let url: string;
let founder: SignedIn; // owns organization "matrix"; sets up fixtures
let target: SignedIn & { email: string; password: string }; // the account role/ban/member routes act on
const tokens = {} as Record<CallerName, string | undefined>;
const accounts = {} as Record<CallerName, (SignedIn & { email?: string; password?: string }) | undefined>;
let archive: unknown;
/** A public embed key of world "mx-public", allowed on EMBED_SITE. */
let embedKey: string;
const EMBED_SITE = 'https://site.example';
let sequence = 0;

const unique = (prefix: string): string => `${prefix}-${process.pid}-${(sequence += 1)}`;

/** A private world in "matrix" with the callers' world roles, for routes that change or delete it. */
async function worldWithRoles(slug: string): Promise<string> {
  await createWorld(founder.api, 'matrix', { slug, name: slug, visibility: 'private' });
  for (const role of ['visitor', 'moderator', 'editor', 'owner'] as const)
    await ok(
      sdk.worldsSetRole({
        client: founder.api,
        path: { slug, accountId: accounts[role]!.accountId },
        body: { role },
      }),
    );
  await ok(sdk.scenesPublish({ client: founder.api, path: { slug }, body: { message: 'first' } }), 201);
  return slug;
}

/** An 8×8 PNG for thumbnail rows. */
const SMALL_PNG = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
  .png()
  .toBuffer();

/** A tiny valid glTF (one triangle, its buffer inline) for upload rows. */
const TRIANGLE_GLB = jsonBytes(triangleGltf());
let rejectedJob: Promise<string> | undefined;

/** The founder's upload job, rejected once (the same job serves every caller). */
function founderRejectedJob(): Promise<string> {
  rejectedJob ??= rejectedUploadJob(url, founder.token);
  return rejectedJob;
}

/** An upload of the founder's into world mx's library; its entry id. */
async function uploadToLibrary(): Promise<string> {
  const res = await fetch(`${url}/assets?profile=prop&world=mx&name=matrix.glb&tags=matrix`, {
    method: 'POST',
    headers: { authorization: `Bearer ${founder.token}`, 'content-type': 'model/gltf-binary' },
    body: Buffer.from(TRIANGLE_GLB),
  });
  if (res.status !== 202) throw new Error(`library upload answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { libraryAsset: string }).libraryAsset;
}
let libraryAsset: Promise<string> | undefined;
/** The founder's library entry every caller reads and renames. */
function founderLibraryAsset(): Promise<string> {
  libraryAsset ??= uploadToLibrary();
  return libraryAsset;
}

async function draftEtag(slug: string): Promise<string> {
  return (await sdk.scenesDraft({ client: founder.api, path: { slug } })).response.headers.get('etag')!;
}

/** Arguments for one call of the route, prepared fresh for `caller` where the call changes things. */
async function argumentsFor(route: string, caller: CallerName): Promise<Record<string, unknown>> {
  const me = accounts[caller];
  switch (route) {
    case 'POST /auth/guest':
      return { body: { displayName: 'Matrix guest' } };
    case 'POST /auth/register':
      return {
        body: { email: `${unique('reg')}@example.com`, password: 'matrix-password-1', displayName: 'M' },
      };
    case 'POST /auth/login':
      return { body: { email: target.email, password: target.password } };
    case 'POST /auth/refresh':
    case 'POST /auth/logout': {
      const session = await ok(
        sdk.authLogin({ client: apiClient(url), body: { email: target.email, password: target.password } }),
      );
      return { body: { refreshToken: session.refreshToken } };
    }
    case 'POST /auth/keys':
      return { body: { name: 'k', scopes: ['read'], organization: 'keys-org' } };
    case 'DELETE /auth/keys/{keyId}': {
      // The caller's own key where it can have one; otherwise someone else's (which it must not reach).
      const owner = me?.session.account.kind === 'registered' ? me : founder;
      const key = await ok(
        sdk.authCreateKey({
          client: owner.api,
          body: { name: 'k', scopes: ['read'], organization: 'keys-org' },
        }),
        201,
      );
      return { path: { keyId: key.apiKey.id } };
    }
    case 'POST /orgs':
      return { body: { slug: unique('org'), name: 'Org' } };
    case 'GET /orgs/{org}':
    case 'GET /orgs/{org}/members':
    case 'GET /orgs/{org}/usage':
    case 'GET /orgs/{org}/audit':
      return { path: { org: 'matrix' }, query: {} };
    case 'PUT /orgs/{org}/quotas':
      return { path: { org: 'matrix' }, body: { worlds: 1000 } };
    case 'PUT /orgs/{org}/members':
      return { path: { org: 'matrix' }, body: { email: target.email, role: 'member' } };
    case 'DELETE /orgs/{org}/members/{accountId}':
      await ok(
        sdk.orgsSetMember({
          client: founder.api,
          path: { org: 'matrix' },
          body: { email: target.email, role: 'member' },
        }),
      );
      return { path: { org: 'matrix', accountId: target.accountId } };
    case 'POST /orgs/{org}/worlds':
      return { path: { org: 'matrix' }, body: { slug: unique('made'), name: 'Made' } };
    case 'POST /orgs/{org}/worlds/import':
      return { path: { org: 'matrix' }, query: { slug: unique('imported') }, body: archive };
    case 'GET /worlds':
      return { query: {} };
    case 'PATCH /worlds/{slug}':
      return { path: { slug: 'mx' }, body: { description: `changed by ${caller}` } };
    case 'DELETE /worlds/{slug}':
      return { path: { slug: await worldWithRoles(unique('doomed')) } };
    case 'PUT /worlds/{slug}/roles/{accountId}':
      return { path: { slug: 'mx', accountId: target.accountId }, body: { role: 'visitor' } };
    case 'DELETE /worlds/{slug}/roles/{accountId}':
      await ok(
        sdk.worldsSetRole({
          client: founder.api,
          path: { slug: 'mx', accountId: target.accountId },
          body: { role: 'visitor' },
        }),
      );
      return { path: { slug: 'mx', accountId: target.accountId } };
    case 'POST /worlds/{slug}/invitations':
      return { path: { slug: 'mx' }, body: { role: 'visitor' } };
    case 'POST /invitations/accept': {
      // A separate world, so accepting does not change anyone's role in "mx".
      const invitation = await ok(
        sdk.worldsInvite({
          client: founder.api,
          path: { slug: 'mx-invitations' },
          body: { role: 'visitor' },
        }),
        201,
      );
      return { body: { token: invitation.token } };
    }
    case 'PUT /worlds/{slug}/mutes/{accountId}':
      return { path: { slug: 'mx', accountId: target.accountId }, body: { reason: 'matrix' } };
    case 'DELETE /worlds/{slug}/mutes/{accountId}':
      await ok(
        sdk.worldsMute({
          client: founder.api,
          path: { slug: 'mx', accountId: target.accountId },
          body: { reason: 'matrix' },
        }),
      );
      return { path: { slug: 'mx', accountId: target.accountId } };
    case 'PUT /worlds/{slug}/bans/{accountId}':
      return { path: { slug: 'mx', accountId: target.accountId }, body: { reason: 'matrix' } };
    case 'DELETE /worlds/{slug}/bans/{accountId}':
      await ok(
        sdk.worldsBan({
          client: founder.api,
          path: { slug: 'mx', accountId: target.accountId },
          body: { reason: 'matrix' },
        }),
      );
      return { path: { slug: 'mx', accountId: target.accountId } };
    case 'POST /worlds/{slug}/keys':
      return { path: { slug: 'mx' }, body: { name: 'k', scopes: ['embed'], origins: [EMBED_SITE] } };
    case 'GET /embeds/{slug}':
      return { path: { slug: 'mx-public' }, query: { key: embedKey }, headers: { origin: EMBED_SITE } };
    case 'GET /oembed':
      return { query: { url: `${url}/embed/mx-public?k=${embedKey}` } };
    case 'POST /embeds/{slug}/sessions':
      return { path: { slug: 'mx-public' }, body: { key: embedKey, host: EMBED_SITE } };
    case 'POST /worlds/{slug}/embed-tokens':
      return { path: { slug: 'mx' }, body: { origin: EMBED_SITE } };
    case 'DELETE /worlds/{slug}/keys/{keyId}': {
      const key = await ok(
        sdk.worldsCreateKey({
          client: founder.api,
          path: { slug: 'mx' },
          body: { name: 'k', scopes: ['read'] },
        }),
        201,
      );
      return { path: { slug: 'mx', keyId: key.apiKey.id } };
    }
    case 'GET /worlds/{slug}/audit':
      return { path: { slug: 'mx' }, query: {} };
    case 'PUT /worlds/{slug}/scene/draft':
      return { path: { slug: 'mx' }, headers: { 'If-Match': await draftEtag('mx') }, body: SCENE };
    case 'PATCH /worlds/{slug}/scene/draft':
      return {
        path: { slug: 'mx' },
        headers: { 'If-Match': await draftEtag('mx') },
        body: [{ op: 'replace', path: '/entities', value: {} }],
      };
    case 'POST /worlds/{slug}/scene/publish':
      return { path: { slug: 'mx' }, body: { message: `by ${caller}` } };
    case 'GET /worlds/{slug}/scene/versions/{version}':
      return { path: { slug: 'mx', version: 1 } };
    case 'POST /worlds/{slug}/scene/versions/{version}/rollback':
      return { path: { slug: 'mx', version: 1 }, body: { message: '' } };
    case 'POST /worlds/{slug}/kicks/{accountId}':
      return { path: { slug: 'mx', accountId: target.accountId }, body: { reason: 'matrix' } };
    case 'POST /auth/siwe':
    case 'POST /auth/wallets':
      return { body: await signedSiwe(url, privateKeyToAccount(generatePrivateKey())) };
    case 'DELETE /auth/wallets/{address}': {
      // The caller's own wallet where it can link one; otherwise someone else's (which it must not reach).
      const wallet = privateKeyToAccount(generatePrivateKey());
      const owner = me?.session.account.kind === 'registered' ? me : founder;
      await ok(sdk.walletsLink({ client: owner.api, body: await signedSiwe(url, wallet) }), 201);
      return { path: { address: wallet.address } };
    }
    case 'POST /rooms/{roomId}/leave':
      return { path: { roomId: 'no-such-room' }, body: { sessionId: 'session1', token: 'not-a-token' } };
    case 'POST /voice/token':
      return { body: { sessionId: 'session1', room: 'some-room' } };
    case 'POST /assets':
      return {
        query: { profile: 'prop' },
        body: new Blob([Buffer.from(TRIANGLE_GLB)]),
        headers: { 'Content-Type': 'model/gltf-binary' },
      };
    case 'PUT /worlds/{slug}/thumbnail':
      return {
        path: { slug: 'mx' },
        body: new Blob([new Uint8Array(SMALL_PNG)]),
        headers: { 'Content-Type': 'image/png' },
        bodySerializer: null, // the bytes as they are, not JSON
      };
    case 'POST /worlds/{slug}/thumbnail/render':
      return { path: { slug: 'mx' }, body: { from: 'published' } };
    case 'PUT /worlds/{slug}/scene-limits':
      return { path: { slug: 'mx' }, body: { limits: { lights: 16 } } };
    case 'GET /library':
      return { query: { world: 'mx' } };
    case 'GET /library/{id}':
      return { path: { id: await founderLibraryAsset() } };
    case 'PATCH /library/{id}':
      return { path: { id: await founderLibraryAsset() }, body: { name: `renamed by ${caller}` } };
    case 'DELETE /library/{id}':
      // A fresh entry per caller: the ones allowed delete it.
      return { path: { id: await uploadToLibrary() } };
    case 'GET /assets/jobs/{id}':
    case 'GET /assets/jobs/{id}/events':
    case 'POST /assets/jobs/{id}/retry':
      return { path: { id: await founderRejectedJob() } };
    case 'POST /nft/bindings':
      return { body: { ...demoToken(), tokenId: '1', use: 'collectible' } };
    case 'DELETE /nft/bindings/{id}':
      return { path: { id: randomUUID() } };
    case 'PUT /worlds/{slug}/token-gate':
      return { path: { slug: await worldWithRoles(unique('gated')) }, body: demoToken() };
    case 'GET /assets/{hash}':
    case 'GET /assets/files/{hash}':
      return { path: { hash: 'a'.repeat(64) } };
    default:
      return route.includes('{slug}') ? { path: { slug: 'mx' } } : {};
  }
}

// On PostgreSQL only: the policy is the same code over either engine (PGlite is PostgreSQL compiled to WASM,
// and the control-plane, durability and migration tests run both), and the whole matrix takes a minute of CI.
describe('authorization matrix on PostgreSQL', () => {
  let schema: PostgresSchema | undefined;

  beforeAll(async () => {
    schema = await createPostgresSchema();
    server = await startInProcessServer({
      DATABASE_URL: schema.url,
      OPERATOR_EMAIL: 'matrix-operator@example.com',
      OPERATOR_PASSWORD: 'matrix-operator-password',
      RATE_LIMIT_AUTH_PER_MINUTE: '100000',
      RATE_LIMIT_WRITES_PER_MINUTE: '100000',
      DEV_CHAIN: 'on',
    });
    url = server.url;
    founder = await registerAccount(url, 'Founder');
    await createOrg(founder.api, 'matrix', 'Matrix');
    target = await registerAccount(url, 'Target');

    accounts.guest = await guestAccount(url, 'Guest');
    for (const name of ['visitor', 'moderator', 'editor', 'owner', 'orgAdmin', 'rival'] as const)
      accounts[name] = await registerAccount(url, name);
    const operatorSession = await ok(
      sdk.authLogin({
        client: apiClient(url),
        body: { email: 'matrix-operator@example.com', password: 'matrix-operator-password' },
      }),
    );
    accounts.operator = {
      session: operatorSession,
      token: operatorSession.accessToken,
      api: apiClient(url, operatorSession.accessToken),
      accountId: operatorSession.account.id,
    };
    await ok(
      sdk.orgsSetQuotas({ client: accounts.operator.api, path: { org: 'matrix' }, body: { worlds: 1000 } }),
    );
    await ok(
      sdk.orgsSetMember({
        client: founder.api,
        path: { org: 'matrix' },
        body: { email: (accounts.orgAdmin as { email: string }).email, role: 'admin' },
      }),
    );
    await createOrg(accounts.rival!.api, 'rival', 'Rival');
    // Every registered caller belongs to "keys-org", where account keys are made (it holds no world).
    await createOrg(founder.api, 'keys-org', 'Keys');
    for (const name of ['visitor', 'moderator', 'editor', 'owner', 'orgAdmin', 'rival', 'operator'] as const)
      await ok(
        sdk.orgsSetMember({
          client: founder.api,
          path: { org: 'keys-org' },
          body: { email: accounts[name]!.session.account.email!, role: 'member' },
        }),
      );
    await worldWithRoles('mx');
    const thumbnail = await fetch(`${url}/worlds/mx/thumbnail`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${founder.token}`, 'content-type': 'image/png' },
      body: new Uint8Array(SMALL_PNG),
    });
    if (thumbnail.status !== 200) throw new Error(`setting mx's thumbnail answered ${thumbnail.status}`);
    await createWorld(founder.api, 'matrix', {
      slug: 'mx-invitations',
      name: 'Invitations',
      visibility: 'private',
    });
    const revoked = await ok(
      sdk.worldsCreateKey({
        client: founder.api,
        path: { slug: 'mx' },
        body: { name: 'old', scopes: ['manage'] },
      }),
      201,
    );
    await ok(
      sdk.worldsRevokeKey({ client: founder.api, path: { slug: 'mx', keyId: revoked.apiKey.id } }),
      204,
    );
    archive = await ok(sdk.archiveExport({ client: founder.api, path: { slug: 'mx' } }));
    await createWorld(founder.api, 'matrix', { slug: 'mx-public', name: 'Public', visibility: 'public' });
    embedKey = (
      await ok(
        sdk.worldsCreateKey({
          client: founder.api,
          path: { slug: 'mx-public' },
          body: { name: 'site', scopes: ['embed'], origins: [EMBED_SITE] },
        }),
        201,
      )
    ).key;
    for (const caller of CALLERS) tokens[caller] = accounts[caller]?.token;
    tokens.revoked = revoked.key;
  });

  afterAll(async () => {
    rejectedJob = undefined;
    libraryAsset = undefined;
    await server?.close();
    await schema?.drop();
  });

  it('has a row for every endpoint in the OpenAPI document, and no row for a missing one', async () => {
    const doc = (await (await fetch(`${url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('answers every endpoint × caller exactly as written', async () => {
    const doc = (await (await fetch(`${url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const mismatches: string[] = [];
    for (const [route, row] of Object.entries(EXPECTED)) {
      const [method, path] = route.split(' ') as [string, string];
      const operation = doc.paths[path]?.[method.toLowerCase()];
      if (!operation) {
        mismatches.push(`${route}: not in the OpenAPI document`);
        continue;
      }
      const call = (
        sdk as unknown as Record<
          string,
          (options: object) => Promise<{ response?: Response; error?: unknown }>
        >
      )[operation.operationId];
      if (!call) {
        mismatches.push(`${route}: the generated client has no ${operation.operationId}`);
        continue;
      }
      const expected = row.trim().split(/\s+/).map(Number);
      const check = async (caller: CallerName, index: number): Promise<void> => {
        const args = await argumentsFor(route, caller);
        if (operation.responses['200']?.content?.['text/event-stream']) {
          const status = await eventStreamStatus(path, args, tokens[caller]);
          if (status !== expected[index])
            mismatches.push(`${route} as ${caller}: expected ${expected[index]}, got ${status}`);
          return;
        }
        const { response, error } = await call({ client: apiClient(url, tokens[caller]), ...args });
        if (!response) mismatches.push(`${route} as ${caller}: no answer (${String(error)})`);
        else if (response.status !== expected[index])
          mismatches.push(`${route} as ${caller}: expected ${expected[index]}, got ${response.status}`);
      };
      // A read changes nothing, so its callers go at once; a write's callers one after another (one's
      // change must not race another's fixture, e.g. the draft's ETag).
      if (method === 'GET') await Promise.all(CALLERS.map((caller, index) => check(caller, index)));
      else for (const [index, caller] of CALLERS.entries()) await check(caller, index);
    }
    expect(mismatches).toEqual([]);
  });
});
