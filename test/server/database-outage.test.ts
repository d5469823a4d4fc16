/**
 * PostgreSQL going away under a running server (found by bench:reliability): a connection the database
 * ends while the server holds it inside a transaction must not crash the process, and requests that meet
 * an unreachable database are answered 503 with Retry-After and a clear reason — not 500 — and served
 * again once it is back. The outage is made with the benchmark's fault-injecting TCP proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pg from 'pg';
import { startFaultProxy, type FaultProxy } from '../../bench/reliability/fault-proxy.js';
import { openDatabase, type RunningServer } from '../../server/index.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';

let schema: PostgresSchema;
let proxy: FaultProxy;
let proxiedUrl: string;

beforeAll(async () => {
  schema = await createPostgresSchema();
  const direct = new URL(schema.url);
  proxy = await startFaultProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  direct.host = `127.0.0.1:${proxy.port}`;
  proxiedUrl = direct.toString();
});
afterAll(async () => {
  await proxy?.close();
  await schema?.drop();
});

describe('PostgreSQL going away', () => {
  it('does not crash the process when the database ends a connection held inside a transaction', async () => {
    const database = await openDatabase({ databaseUrl: schema.url, dataDir: '' });
    const admin = new pg.Client({ connectionString: schema.url });
    await admin.connect();
    try {
      const outcome = await database.db
        .transaction()
        .execute(async (trx) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
          // Ended from outside while the transaction waits between two queries (what -m immediate does
          // to every backend): pg reports it as an 'error' event on the checked-out client.
          await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
          await new Promise((resolve) => setTimeout(resolve, 300));
          await sql`select 1`.execute(trx);
          return 'committed';
        })
        .catch((error: unknown) => `failed: ${(error as Error).message}`);
      expect(outcome).toMatch(/^failed: /);
      // The pool drops the dead connection; the next query gets a fresh one.
      await expect(sql`select 1 as one`.execute(database.db)).resolves.toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      await admin.end();
      await database.close();
    }
  });

  describe('a server whose database refuses connections', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startInProcessServer({ DATABASE_URL: proxiedUrl });
    });
    afterAll(async () => {
      proxy.set('pass');
      await server?.close();
    });

    it('answers 503 with Retry-After and says why, then serves again once the database is back', async () => {
      expect((await fetch(`${server.url}/worlds/demo`)).status).toBe(200);
      proxy.set('refuse');
      const refused = await fetch(`${server.url}/worlds/demo`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      const body = (await refused.json()) as { type: string; detail: string };
      expect(body.type).toMatch(/unavailable$/);
      expect(body.detail).toMatch(/database is not answering.*try again in a few seconds/);
      expect(body.detail).not.toMatch(/ECONN|Connection terminated|at /);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
      proxy.set('pass');
      const back = await waitFor(
        () => fetch(`${server.url}/worlds/demo`).then((response) => response.status),
        (status) => status === 200,
        { what: 'the world served again' },
      );
      expect(back).toBe(200);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    });
  });
});
