/**
 * Requests that race a world's deletion get the answer of a deleted world — 404, or 409 for a write whose
 * reference went away — never a 500 or a misleading 403. The races are made deterministic on PostgreSQL:
 * a second connection deletes the world in a transaction it holds open, the request runs into the rows
 * that transaction locked, and the transaction commits while the request waits. (PGlite serializes every
 * query through one connection, so no request can be mid-way when a delete commits there.)
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { RunningServer } from '../../server/index.js';
import { AccessService } from '../../server/control-plane/index.js';
import type { AccountPrincipal } from '../../server/control-plane/auth/principal.js';
import { createOrg, createWorld, ok, registerAccount, sdk, type SignedIn } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';

let server: RunningServer;
let schema: PostgresSchema;
let owner: SignedIn;
let other: SignedIn;
let deleter: pg.Client;
let world = 0;
let slug = '';

beforeAll(async () => {
  schema = await createPostgresSchema();
  server = await startInProcessServer({ DATABASE_URL: schema.url });
  owner = await registerAccount(server.url, 'Owner');
  other = await registerAccount(server.url, 'Other');
  await createOrg(owner.api, 'races', 'Races');
  deleter = new pg.Client({ connectionString: schema.url });
  await deleter.connect();
});

afterAll(async () => {
  await deleter?.end();
  await server?.close();
  await schema?.drop();
});

beforeEach(async () => {
  slug = `doomed-${++world}`;
  await createWorld(owner.api, 'races', { slug, name: slug });
});

/** Deletes the world in a transaction left open; `commit` ends it. */
async function deleteUncommitted(): Promise<{ commit: () => Promise<void> }> {
  await deleter.query('begin');
  await deleter.query('delete from worlds where slug = $1', [slug]);
  return { commit: async () => void (await deleter.query('commit')) };
}

/** Resolves once a connection waits for a lock the deleting transaction holds (the request ran into it). */
async function requestBlocked(): Promise<void> {
  await waitFor(
    async () =>
      (
        await deleter.query<{ n: string }>(
          `select count(*) as n from pg_stat_activity
           where pg_backend_pid() = any(pg_blocking_pids(pid))`,
        )
      ).rows[0]!.n,
    (n) => Number(n) > 0,
    { what: 'the request to wait for the deleting transaction' },
  );
}

describe('a request racing the deletion of its world', () => {
  it('a draft edit that reached the draft row as the world was deleted gets 404, not 500', async () => {
    const draft = await sdk.scenesDraft({ client: owner.api, path: { slug }, parseAs: 'text' });
    const etag = draft.response.headers.get('etag')!;
    const open = await deleteUncommitted();
    // Saving the draft as it is: checked, then the draft row locked for the write — where it waits.
    const edit = sdk.scenesReplace({
      client: owner.api,
      path: { slug },
      headers: { 'If-Match': etag },
      body: JSON.parse(draft.data as unknown as string) as never,
    });
    await requestBlocked();
    await open.commit();
    const { response, error } = await edit;
    expect(response.status).toBe(404);
    expect((error as { detail: string }).detail).toBe(
      `world "${slug}" no longer exists (it was deleted while this request ran)`,
    );
  });

  it('a write whose world went away under it gets 409 naming the race, not 500', async () => {
    const open = await deleteUncommitted();
    // Granting a role inserts a row that refers to the world: the foreign key check waits for the delete.
    const grant = sdk.worldsSetRole({
      client: owner.api,
      path: { slug, accountId: other.accountId },
      body: { role: 'editor' },
    });
    await requestBlocked();
    await open.commit();
    const { response, error } = await grant;
    expect(response.status).toBe(409);
    expect((error as { detail: string }).detail).toMatch(/deleted/);
  });

  it('an access check that read the world just before its roles went with it says 404, not 403', async () => {
    // An editor of this world only (an organization owner keeps access through the organization).
    await ok(
      sdk.worldsSetRole({
        client: owner.api,
        path: { slug, accountId: other.accountId },
        body: { role: 'editor' },
      }),
    );
    const access = new AccessService(server.database.db);
    const stale = await access.worldRow(slug);
    await ok(sdk.worldsRemove({ client: owner.api, path: { slug } }), 204);
    const caller: AccountPrincipal = {
      kind: 'account',
      accountId: other.accountId,
      accountKind: 'registered',
      displayName: 'Other',
      isOperator: false,
      sessionId: 'race',
    };
    const denied = await access.checkWorld(caller, stale, 'scene.read-draft').catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(Error);
    expect([(denied as { getStatus(): number }).getStatus(), (denied as Error).message]).toEqual([
      404,
      `world "${slug}" no longer exists (it was deleted while this request ran)`,
    ]);
  });
});
