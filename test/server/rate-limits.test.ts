/**
 * Rate limits: sign-in routes and new guests per client address (apart), writes per caller; answered with a
 * 429 problem naming the limit, with Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningServer } from '../../server/index.js';
import {
  createOrg,
  apiClient,
  guestAccount,
  ok,
  problem,
  registerAccount,
  sdk,
  type SignedIn,
} from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';

let server: RunningServer;
let a: SignedIn;
let b: SignedIn;

beforeAll(async () => {
  server = await startInProcessServer({
    RATE_LIMIT_AUTH_PER_MINUTE: '6',
    RATE_LIMIT_WRITES_PER_MINUTE: '5',
    RATE_LIMIT_GUESTS_PER_MINUTE: '12',
  });
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

  it('counts new guests apart from sign-in, so a class behind one address gets in, and refuses a flood', async () => {
    // Sign-in is used up by the test above (6 a minute); guests have a limit of their own (12).
    for (let i = 0; i < 12; i += 1) await guestAccount(server.url, `Pupil ${i}`);
    const refused = await problem(
      sdk.authGuest({ client: apiClient(server.url), body: { displayName: 'One more' } }),
    );
    expect(refused.status).toBe(429);
    expect(refused.body.detail).toMatch(
      /^too many new guests from this address \(12 a minute; .*RATE_LIMIT_GUESTS_PER_MINUTE\): try again in \d+ s/,
    );
  });
});
