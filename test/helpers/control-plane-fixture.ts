/**
 * A control-plane test server on PGlite or PostgreSQL with an operator, one registered owner and the
 * organization "acme". Every secret handed out is collected so a test can prove none reached the logs.
 */
import type { RunningServer } from '../../server/index.js';
import { apiClient, ok, registerAccount, sdk, type SignedIn } from './api.js';
import { startInProcessServer } from './in-process-server.js';
import { createPostgresSchema, type PostgresSchema } from './services.js';

export const OPERATOR = { email: 'operator@example.com', password: 'operator-password-1' };

/** A valid scene with one spawn point, in canonical JSON (RFC 8785) form. */
export const CANONICAL_SCENE_TEXT =
  '{"entities":{"spawn":{"components":{"spawn-point":{"default":true,"name":"main"}},"order":"a0","transform":{"position":[0,0,0]}}},"schema":2}';

/** The same scene as a value. */
export const SCENE = {
  schema: 2 as const,
  entities: {
    spawn: {
      order: 'a0',
      transform: { position: [0, 0, 0] as [number, number, number] },
      components: { 'spawn-point': { name: 'main', default: true } },
    },
  },
};

export interface ControlPlaneFixture {
  server: RunningServer;
  url: string;
  owner: SignedIn & { email: string; password: string };
  operator: SignedIn;
  /** Every log line the server wrote (at debug level). */
  logLines: string[];
  /** Every secret handed out: none may appear in the logs. */
  secrets: string[];
  close(): Promise<void>;
}

export async function startControlPlane(
  database: 'PGlite' | 'PostgreSQL',
  /** More server settings (environment variables), e.g. a shorter check interval. */
  env: Record<string, string> = {},
): Promise<ControlPlaneFixture> {
  const schema: PostgresSchema | undefined =
    database === 'PostgreSQL' ? await createPostgresSchema() : undefined;
  const logLines: string[] = [];
  const server = await startInProcessServer(
    {
      OPERATOR_EMAIL: OPERATOR.email,
      OPERATOR_PASSWORD: OPERATOR.password,
      LOG_LEVEL: 'debug',
      RATE_LIMIT_AUTH_PER_MINUTE: '1000',
      RATE_LIMIT_WRITES_PER_MINUTE: '10000',
      ...(schema ? { DATABASE_URL: schema.url } : {}),
      ...env,
    },
    { logLines },
  );
  const url = server.url;
  const owner = await registerAccount(url, 'Owner');
  const session = await ok(sdk.authLogin({ client: apiClient(url), body: OPERATOR }));
  const operator: SignedIn = {
    session,
    token: session.accessToken,
    api: apiClient(url, session.accessToken),
    accountId: session.account.id,
  };
  await ok(sdk.orgsCreate({ client: owner.api, body: { slug: 'acme', name: 'Acme' } }), 201);
  return {
    server,
    url,
    owner,
    operator,
    logLines,
    secrets: [
      owner.password,
      owner.token,
      owner.session.refreshToken,
      OPERATOR.password,
      session.accessToken,
      session.refreshToken,
    ],
    close: async () => {
      await server.close();
      await schema?.drop();
    },
  };
}

/** Asserts that no collected secret appears in the server's logs and that /auth/me shows no password data. */
export async function expectNoSecretsLeaked(fixture: ControlPlaneFixture): Promise<void> {
  const me = await ok(sdk.authMe({ client: fixture.owner.api }));
  if (/scrypt|password/i.test(JSON.stringify(me))) throw new Error('/auth/me answered password data');
  const logs = fixture.logLines.join('');
  if (logs.length < 1000) throw new Error('the server logged almost nothing: was LOG_LEVEL=debug applied?');
  const leaked = fixture.secrets.filter((secret) => logs.includes(secret));
  if (leaked.length > 0) throw new Error(`${leaked.length} secret(s) appear in the logs`);
}
