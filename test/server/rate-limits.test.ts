/** Rate limits: sign-in routes per client address, writes per caller; answered 429 problem with Retry-After. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningServer } from '../../server/index.js';
import { createOrg, apiClient, ok, problem, registerAccount, sdk, type SignedIn } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';

let server: RunningServer;
let a: SignedIn;
let b: SignedIn;

beforeAll(async () => {
  server = await startInProcessServer({ RATE_LIMIT_AUTH_PER_MINUTE: '6', RATE_LIMIT_WRITES_PER_MINUTE: '5' });
  // Two of this address's six sign-in requests; registrations are writes of the anonymous address.
  a = await registerAccount(server.url, 'A');
  b = await registerAccount(server.url, 'B');
});
afterAll(async () => server?.close());

describe('rate limits', () => {
  it('limits writes per caller, not reads, and one caller does not use up another’s', async () => {
    for (let i = 0; i < 5; i += 1) await createOrg(a.api, `a-${process.pid}-${i}`, 'A');
    const refused = await problem(
      sdk.orgsCreate({ client: a.api, body: { slug: `a-${process.pid}-x`, name: 'A' } }),
    );
    expect(refused.status).toBe(429);
    await ok(sdk.orgsList({ client: a.api })); // reads are not limited
    await createOrg(b.api, `b-${process.pid}`, 'B');
  });

  it('limits sign-in attempts per client address, then answers 429 with Retry-After', async () => {
    const client = apiClient(server.url);
    const attempt = () =>
      sdk.authLogin({ client, body: { email: 'nobody@example.com', password: 'wrong-password' } });
    for (let i = 0; i < 4; i += 1) expect((await attempt()).response.status).toBe(401);
    const { response } = await attempt();
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    const { body } = await problem(attempt());
    expect(body.type).toBe('urn:mib:problem:rate-limited');
  });
});
