/**
 * The generated typed REST client (client/src/shared/api/generated), bound to a server and a caller. Tests drive
 * the control plane only through it, so a route or schema change that breaks clients breaks tests.
 */
import {
  createClient,
  createConfig,
  type Client,
} from '../../client/src/shared/api/generated/client/index.js';
import * as sdk from '../../client/src/shared/api/generated/sdk.gen.js';
import type { Organization, Session, World } from '../../client/src/shared/api/generated/types.gen.js';

export { sdk };
export type * from '../../client/src/shared/api/generated/types.gen.js';

/** A client for `baseUrl` that sends `token` (an access token or API key) as the bearer, if given. */
export function apiClient(baseUrl: string, token?: string, headers: Record<string, string> = {}): Client {
  return createClient(
    createConfig({
      baseUrl,
      headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    }),
  );
}

/** Unwraps a generated call's result: its data on success, or a thrown error naming the status and problem. */
export async function ok<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
  expectedStatus?: number,
): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || (expectedStatus !== undefined && response.status !== expectedStatus))
    throw new Error(
      `${response.url} answered ${response.status}${expectedStatus ? ` (expected ${expectedStatus})` : ''}: ${JSON.stringify(error)}`,
    );
  return data as T;
}

/** A problem answer: its status and body. Fails if the call succeeded. */
export async function problem(
  call: Promise<{ data?: unknown; error?: unknown; response: Response }>,
): Promise<{
  status: number;
  body: { type: string; detail: string; errors?: Array<{ path: string; message: string }>; quota?: string };
}> {
  const { error, response } = await call;
  if (response.ok)
    throw new Error(`${response.url} succeeded with ${response.status}; a problem was expected`);
  if (!response.headers.get('content-type')?.startsWith('application/problem+json'))
    throw new Error(`${response.url} answered ${response.status} without application/problem+json`);
  return { status: response.status, body: error as never };
}

export interface SignedIn {
  session: Session;
  token: string;
  api: Client;
  accountId: string;
}

let counter = 0;

/** Registers a fresh account (unique email) and returns its session and a client acting as it. */
export async function registerAccount(
  baseUrl: string,
  name = 'Creator',
): Promise<SignedIn & { email: string; password: string }> {
  counter += 1;
  const email = `${name.toLowerCase().replace(/\W/g, '')}-${process.pid}-${counter}-${Date.now()}@example.com`;
  const password = `correct-horse-${counter}-battery`;
  const session = await ok(
    sdk.authRegister({ client: apiClient(baseUrl), body: { email, password, displayName: name } }),
    201,
  );
  return {
    session,
    token: session.accessToken,
    api: apiClient(baseUrl, session.accessToken),
    accountId: session.account.id,
    email,
    password,
  };
}

export async function guestAccount(baseUrl: string, name = 'Guest'): Promise<SignedIn> {
  const session = await ok(sdk.authGuest({ client: apiClient(baseUrl), body: { displayName: name } }), 201);
  return {
    session,
    token: session.accessToken,
    api: apiClient(baseUrl, session.accessToken),
    accountId: session.account.id,
  };
}

/** Replaces a world's draft scene (reading its current ETag first), as an editor would; returns the new ETag. */
export async function replaceDraft(api: Client, slug: string, scene: unknown): Promise<string> {
  const etag = (await sdk.scenesDraft({ client: api, path: { slug } })).response.headers.get('etag')!;
  const { response, error } = await sdk.scenesReplace({
    client: api,
    path: { slug },
    headers: { 'If-Match': etag },
    body: scene as never,
  });
  if (!response.ok)
    throw new Error(`replacing the draft of ${slug} answered ${response.status}: ${JSON.stringify(error)}`);
  return response.headers.get('etag')!;
}

/** Creates a world in `org` as `api`'s caller (201 expected) and returns it. */
export function createWorld(
  api: Client,
  org: string,
  body: Parameters<typeof sdk.worldsCreate>[0]['body'],
): Promise<World> {
  return ok(sdk.worldsCreate({ client: api, path: { org }, body }), 201);
}

/** Gives each account its role in world `slug`, as `api`'s caller (an owner of the world). */
export async function grantWorldRoles(
  api: Client,
  slug: string,
  roles: ReadonlyArray<readonly [{ accountId: string }, 'owner' | 'editor' | 'moderator' | 'visitor']>,
): Promise<void> {
  for (const [who, role] of roles)
    await ok(sdk.worldsSetRole({ client: api, path: { slug, accountId: who.accountId }, body: { role } }));
}

/** Creates an organization as `api`'s caller (201 expected); the caller becomes its owner. */
export function createOrg(api: Client, slug: string, name = slug): Promise<Organization> {
  return ok(sdk.orgsCreate({ client: api, body: { slug, name } }), 201);
}

/**
 * A private world `slug` in a new organization `${slug}-org`, owned by a fresh account named
 * `names.owner`, with a second fresh account (`names.editor`) as its editor: what the live-editing tests
 * start from.
 */
export async function worldWithEditor(
  baseUrl: string,
  slug: string,
  names: { owner: string; editor: string; world: string },
): Promise<{
  owner: Awaited<ReturnType<typeof registerAccount>>;
  editor: Awaited<ReturnType<typeof registerAccount>>;
}> {
  const owner = await registerAccount(baseUrl, names.owner);
  const editor = await registerAccount(baseUrl, names.editor);
  await createOrg(owner.api, `${slug}-org`, names.world);
  await createWorld(owner.api, `${slug}-org`, { slug, name: names.world, visibility: 'private' });
  await grantWorldRoles(owner.api, slug, [[editor, 'editor']]);
  return { owner, editor };
}
