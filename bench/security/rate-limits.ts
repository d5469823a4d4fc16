/**
 * Rate limits across processes: two servers (their own processes) share PostgreSQL and Redis, as behind a
 * balancer. From one client address, alternating between the two:
 *
 *   flood      POST /auth/guest, FLOOD_REQUESTS times, IN_FLIGHT at once: at most the guest limit may
 *              get in (not twice it, one per process);
 *   sign-in    wrong passwords, SIGN_IN_REQUESTS times: at most the sign-in limit answered 401;
 *   class      then, in a fresh minute (Redis emptied) and after the address used up its sign-in:
 *              CLASS_SIZE guests of one school — all must get in.
 *
 * Baseline, in the same run: the flood against two processes without Redis (each counts on its own),
 * which lets up to twice the limit in. Every refusal must be a 429 with Retry-After and a detail naming
 * the limit; nothing may answer 5xx.
 */
import { freshRedis, freshSchema } from '../rollout/saved-state.js';
import { freePort, startBenchServer, type BenchServer } from '../shared/server-process.js';

const GUESTS_PER_MINUTE = 60;
const AUTH_PER_MINUTE = 10;
const FLOOD_REQUESTS = 300;
const SIGN_IN_REQUESTS = 60;
const CLASS_SIZE = 40;
const IN_FLIGHT = 8;

export interface FloodFigures {
  sent: number;
  admitted: number;
  refused: number;
  /** Refusals without Retry-After or without a detail naming the limit. */
  refusedUnexplained: number;
  /** Answers other than 201/401 and 429. */
  other: number[];
}

export interface RateLimitFigures {
  processes: number;
  guestsPerMinute: number;
  authPerMinute: number;
  flood: FloodFigures;
  signIn: FloodFigures;
  classroom: { size: number; admitted: number };
  /** The same flood without Redis (each process counts on its own). */
  baselineWithoutRedis: FloodFigures;
  pass: boolean;
}

export function rateLimitsPass(figures: Omit<RateLimitFigures, 'pass'>): boolean {
  const explained = (flood: FloodFigures) => flood.refusedUnexplained === 0 && flood.other.length === 0;
  return (
    figures.flood.admitted <= figures.guestsPerMinute &&
    figures.flood.admitted > 0 &&
    figures.signIn.admitted <= figures.authPerMinute &&
    explained(figures.flood) &&
    explained(figures.signIn) &&
    figures.classroom.admitted === figures.classroom.size
  );
}

async function flood(
  servers: BenchServer[],
  requests: number,
  send: (server: BenchServer, index: number) => Promise<Response>,
  admittedStatus: number,
  detail: RegExp,
): Promise<FloodFigures> {
  const figures: FloodFigures = { sent: 0, admitted: 0, refused: 0, refusedUnexplained: 0, other: [] };
  let next = 0;
  // IN_FLIGHT requests at a time, spread over the processes: counters must hold under concurrency too.
  const worker = async () => {
    for (let index = next++; index < requests; index = next++) {
      const response = await send(servers[index % servers.length]!, index);
      figures.sent++;
      if (response.status === admittedStatus) figures.admitted++;
      else if (response.status === 429) {
        figures.refused++;
        const body = (await response.json()) as { detail?: string };
        if (!response.headers.get('retry-after') || !detail.test(body.detail ?? ''))
          figures.refusedUnexplained++;
        continue;
      } else figures.other.push(response.status);
      await response.body?.cancel();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return figures;
}

const newGuest = (server: BenchServer, index: number) =>
  fetch(`${server.url}/auth/guest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: `Guest ${index}` }),
  });
const wrongPassword = (server: BenchServer) =>
  fetch(`${server.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'nobody@example.com', password: 'not-the-password' }),
  });
const GUEST_REFUSAL = /^too many new guests from this address/;
const SIGN_IN_REFUSAL = /^too many sign-in attempts from this address/;

/** Two server processes on the same database, with Redis when `redisUrl` is given. */
async function twoProcesses(databaseUrl: string, redisUrl?: string): Promise<BenchServer[]> {
  const start = async () => {
    const port = await freePort();
    return startBenchServer({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: databaseUrl,
      DEV_CHAIN: 'off',
      RATE_LIMIT_GUESTS_PER_MINUTE: String(GUESTS_PER_MINUTE),
      RATE_LIMIT_AUTH_PER_MINUTE: String(AUTH_PER_MINUTE),
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    });
  };
  const first = await start();
  try {
    return [first, await start()];
  } catch (error) {
    await first.stop();
    throw error;
  }
}

const stopAll = (servers: BenchServer[]) => Promise.all(servers.map((server) => server.stop()));

export async function runRateLimits(): Promise<RateLimitFigures> {
  const schema = await freshSchema();
  let servers: BenchServer[] = [];
  try {
    // Baseline: each process counts on its own.
    servers = await twoProcesses(schema.url);
    const baselineWithoutRedis = await flood(servers, FLOOD_REQUESTS, newGuest, 201, GUEST_REFUSAL);
    await stopAll(servers);

    servers = await twoProcesses(schema.url, await freshRedis());
    const guests = await flood(servers, FLOOD_REQUESTS, newGuest, 201, GUEST_REFUSAL);
    const signIn = await flood(servers, SIGN_IN_REQUESTS, wrongPassword, 401, SIGN_IN_REFUSAL);
    await stopAll(servers);

    // The class arrives in a fresh minute (Redis emptied), after sign-in from its address is used up.
    servers = await twoProcesses(schema.url, await freshRedis());
    await flood(servers, AUTH_PER_MINUTE + 5, wrongPassword, 401, SIGN_IN_REFUSAL);
    const classroom = await flood(servers, CLASS_SIZE, newGuest, 201, GUEST_REFUSAL);
    const figures = {
      processes: 2,
      guestsPerMinute: GUESTS_PER_MINUTE,
      authPerMinute: AUTH_PER_MINUTE,
      flood: guests,
      signIn,
      classroom: { size: CLASS_SIZE, admitted: classroom.admitted },
      baselineWithoutRedis,
    };
    return { ...figures, pass: rateLimitsPass(figures) };
  } finally {
    await stopAll(servers);
    await schema.drop();
  }
}
