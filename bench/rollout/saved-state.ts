/**
 * bench:rollout's storage: a fresh PostgreSQL schema and Redis database for the run, and what the saved
 * state must hold afterwards — every acknowledged press, and each crate where it was last put down (or,
 * when carried at the stop, where its carrier stood: a drain puts carried items down there).
 */
import pg from 'pg';
import { Redis } from 'ioredis';
import type { ItemPose } from '../../protocol/index.js';
import type { Tally } from './bots.js';

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = `${process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'}/13`;

/** Where the saved state must have a crate after a stop, and how exactly. */
interface ExpectedCrate {
  x: number;
  z: number;
  /** 0.01 m for a put-down the mover saw acknowledged; ~ an arm's length for one carried at the stop. */
  within: number;
  /** The acknowledged pose it was (unchanged unless the mover has put it down again since). */
  acknowledged: ItemPose | undefined;
}

export async function freshSchema(): Promise<{
  url: string;
  name: string;
  client: pg.Client;
  drop(): Promise<void>;
}> {
  const schema = `mib_bench_rollout_${Date.now()}`;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect().catch((error: unknown) => {
    throw new Error(
      `bench:rollout needs PostgreSQL at ${POSTGRES_URL} (run npm run services): ${String(error)}`,
    );
  });
  await client.query(`create schema ${schema}`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    name: schema,
    client,
    drop: async () => {
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

export async function freshRedis(): Promise<string> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await redis.connect();
  await redis.flushdb();
  redis.disconnect();
  return REDIS_URL;
}

/** The bench's PostgreSQL schema and a connection to read it. */
export type Db = { name: string; client: pg.Client };

type SavedStates = Map<string, { presses: number; items?: Record<string, ItemPose> }>;

async function savedStates(db: Db): Promise<SavedStates> {
  const rows = await db.client.query<{
    slug: string;
    state: { presses: number; items?: Record<string, ItemPose> };
  }>(`select w.slug, s.state from ${db.name}.world_state s join ${db.name}.worlds w on w.id = s.world_id`);
  return new Map(rows.rows.map((row) => [row.slug, row.state]));
}

/**
 * Where each crate must be saved after a stop now: where its mover last put it down (acknowledged), or —
 * when the mover carries it at this moment — about where the mover stands (a drain puts carried items down
 * where their holders are, as when they leave).
 */
export function expectedCrates(tally: Tally): Map<string, ExpectedCrate> {
  const expected = new Map<string, ExpectedCrate>();
  for (const [crate, bot] of tally.movers) {
    const visitor = bot.visitor;
    const acknowledged = tally.crates.get(crate);
    const self = visitor?.self();
    if (visitor && self && visitor.items().get(crate)?.heldBy === visitor.sessionId)
      expected.set(crate, { x: self.x, z: self.z, within: 2, acknowledged });
    else if (acknowledged) expected.set(crate, { ...acknowledged, within: 0.01, acknowledged });
  }
  return expected;
}

/** Crates the demo world's saved state does not have where they must be. */
export async function lostCrates(db: Db, crates: Map<string, ExpectedCrate>): Promise<number> {
  const saved = (await savedStates(db)).get('demo');
  let lost = 0;
  for (const [crate, want] of crates) {
    const stored = saved?.items?.[crate];
    if (!stored || Math.hypot(stored.x - want.x, stored.z - want.z) > want.within) {
      console.error(
        `bench:rollout: ${crate} saved at ${JSON.stringify(stored)}, expected ${JSON.stringify(want)}`,
      );
      lost += 1;
    }
  }
  return lost;
}

/** Acknowledged presses missing from the saved counts (each is stored before it is answered). */
export async function lostPresses(db: Db, before: Map<string, number>, tally: Tally): Promise<number> {
  const saved = await savedStates(db);
  let lost = 0;
  for (const [world, acknowledged] of tally.presses) {
    const gained = (saved.get(world)?.presses ?? 0) - (before.get(world) ?? 0);
    lost += Math.max(0, acknowledged - gained);
  }
  return lost;
}
