/**
 * A write that fails midway leaves nothing half-written. The failure is real: a database trigger raises
 * partway through the transaction (after some of its rows were written), on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import type { RunningServer } from '../../server/index.js';
import { createOrg, createWorld, ok, registerAccount, sdk, type SignedIn } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/services.js';

describe.each([['PGlite'], ['PostgreSQL']])('transactional writes on %s', (database) => {
  let server: RunningServer;
  let schema: PostgresSchema | undefined;
  let owner: SignedIn;

  beforeAll(async () => {
    schema = database === 'PostgreSQL' ? await createPostgresSchema() : undefined;
    server = await startInProcessServer({ DATABASE_URL: schema?.url ?? '' });
    owner = await registerAccount(server.url, 'Owner');
    await createOrg(owner.api, 'tx', 'Tx');
    await createWorld(owner.api, 'tx', { slug: 'tx-world', name: 'Tx' });
    await ok(
      sdk.scenesPublish({ client: owner.api, path: { slug: 'tx-world' }, body: { message: 'one' } }),
      201,
    );
    await sql`
      create function fail_midway() returns trigger language plpgsql as $$
      begin
        raise exception 'injected failure';
      end $$`.execute(server.database.db);
  });

  afterAll(async () => {
    await server?.close();
    await schema?.drop();
  });

  it('a publish that fails after writing its version leaves no version, no pointer and no audit entry', async () => {
    // The audit entry is the last write of a publish: fail there, after the version row and the pointer.
    await sql`
      create trigger fail_publish before insert on audit_log for each row
      when (new.action = 'scene.publish') execute function fail_midway()`.execute(server.database.db);
    try {
      const { response } = await sdk.scenesPublish({
        client: owner.api,
        path: { slug: 'tx-world' },
        body: { message: 'two' },
      });
      expect(response.status).toBe(500);
    } finally {
      await sql`drop trigger fail_publish on audit_log`.execute(server.database.db);
    }
    const versions = await ok(sdk.scenesVersions({ client: owner.api, path: { slug: 'tx-world' } }));
    expect(versions.map((v) => v.version)).toEqual([1]);
    const world = await ok(sdk.worldsGet({ client: owner.api, path: { slug: 'tx-world' } }));
    expect(world.publishedVersion).toBe(1);
    const audit = await ok(sdk.worldsAudit({ client: owner.api, path: { slug: 'tx-world' }, query: {} }));
    expect(audit.items.filter((e) => e.action === 'scene.publish')).toHaveLength(1);
    // And the next publish works and is numbered 2: nothing was consumed.
    expect(
      (
        await ok(
          sdk.scenesPublish({ client: owner.api, path: { slug: 'tx-world' }, body: { message: 'two' } }),
          201,
        )
      ).version,
    ).toBe(2);
  });

  it('an import that fails at its second version leaves no world behind', async () => {
    const archive = await ok(sdk.archiveExport({ client: owner.api, path: { slug: 'tx-world' } }));
    expect(archive.versions).toHaveLength(2);
    await sql`
      create trigger fail_import before insert on scene_versions for each row
      when (new.version = 2) execute function fail_midway()`.execute(server.database.db);
    try {
      const { response } = await sdk.archiveImport({
        client: owner.api,
        path: { org: 'tx' },
        query: { slug: 'half' },
        body: archive,
      });
      expect(response.status).toBe(500);
    } finally {
      await sql`drop trigger fail_import on scene_versions`.execute(server.database.db);
    }
    expect((await sdk.worldsGet({ client: owner.api, path: { slug: 'half' } })).response.status).toBe(404);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from worlds where slug = 'half'`.execute(server.database.db);
    expect(rows[0]?.n).toBe(0);
    // The same archive imports fine once the fault is gone.
    await ok(
      sdk.archiveImport({ client: owner.api, path: { org: 'tx' }, query: { slug: 'half' }, body: archive }),
      201,
    );
  });
});
