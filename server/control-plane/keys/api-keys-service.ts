/**
 * API keys: per world (acts on that world) or per account (acts as the account in one organization), limited
 * by scopes, with an origin allowlist for embeds. Every key belongs to one organization. The secret is returned once at creation and stored only as its sha-256.
 */
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { ApiKeyRow, Database, World } from '../../db/tables.js';
import { Problem } from '../api/problem.js';
import type { apiKeySchema, createApiKeySchema } from '../api/common-schemas.js';
import { recordAudit } from '../audit/audit-log.js';
import { hashSecret, newSecret } from '../auth/secret-tokens.js';

type ApiKeyView = z.infer<typeof apiKeySchema>;
type CreateApiKey = z.output<typeof createApiKeySchema>;

/** Which of `keyIds` name keys that exist and are not revoked (embeds ask: their key may be revoked since). */
export async function liveKeyIds(db: Kysely<Database>, keyIds: readonly string[]): Promise<Set<string>> {
  if (keyIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('api_keys')
    .select('id')
    .where('id', 'in', [...keyIds])
    .where('revoked_at', 'is', null)
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** Most live keys per world or account. */
const MAX_KEYS = 50;

export class ApiKeysService {
  constructor(private readonly db: Kysely<Database>) {}

  async createForWorld(
    world: World,
    orgSlug: string,
    actorId: string,
    request: CreateApiKey,
  ): Promise<{ key: string; apiKey: ApiKeyView }> {
    const owner = { org_id: world.org_id, world_id: world.id, account_id: null };
    return this.create(owner, orgSlug, world.slug, actorId, request);
  }

  /** A key acting as the account within `orgSlug`, where the account must be a member (404 otherwise). */
  async createForAccount(
    accountId: string,
    orgSlug: string,
    request: CreateApiKey,
  ): Promise<{ key: string; apiKey: ApiKeyView }> {
    const org = await this.db
      .selectFrom('organizations as o')
      .innerJoin('org_members as m', 'm.org_id', 'o.id')
      .select('o.id')
      .where('o.slug', '=', orgSlug)
      .where('m.account_id', '=', accountId)
      .executeTakeFirst();
    if (!org) throw Problem.notFound(`you are not a member of an organization "${orgSlug}"`);
    if (request.scopes.includes('embed'))
      throw Problem.badRequest(
        'an embed key shows one world: create it on the world (POST /worlds/<slug>/keys with scopes ["embed"])',
      );
    const owner = { org_id: org.id, world_id: null, account_id: accountId };
    return this.create(owner, orgSlug, null, accountId, request);
  }

  async listForWorld(world: World): Promise<ApiKeyView[]> {
    const rows = await this.withOrg().where('k.world_id', '=', world.id).orderBy('k.created_at').execute();
    return rows.map((row) => view(row, row.org_slug, world.slug));
  }

  async listForAccount(accountId: string): Promise<ApiKeyView[]> {
    const rows = await this.withOrg().where('k.account_id', '=', accountId).orderBy('k.created_at').execute();
    return rows.map((row) => view(row, row.org_slug, null));
  }

  private withOrg() {
    return this.db
      .selectFrom('api_keys as k')
      .innerJoin('organizations as o', 'o.id', 'k.org_id')
      .selectAll('k')
      .select('o.slug as org_slug');
  }

  async revokeForWorld(world: World, keyId: string, actorId: string | null): Promise<void> {
    await this.revoke({ world_id: world.id }, keyId, actorId, world.id);
  }

  async revokeForAccount(accountId: string, keyId: string): Promise<void> {
    await this.revoke({ account_id: accountId }, keyId, accountId, null);
  }

  private async create(
    owner: { org_id: string; world_id: string | null; account_id: string | null },
    orgSlug: string,
    worldSlug: string | null,
    actorId: string,
    request: CreateApiKey,
  ): Promise<{ key: string; apiKey: ApiKeyView }> {
    const scopes = [...new Set(request.scopes)];
    const embed = scopes.includes('embed');
    const key = newSecret(embed ? 'embedKey' : 'apiKey');
    const row = await this.db.transaction().execute(async (trx) => {
      let live = trx
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('revoked_at', 'is', null);
      live = owner.world_id
        ? live.where('world_id', '=', owner.world_id)
        : live.where('account_id', '=', owner.account_id);
      const { n } = await live.executeTakeFirstOrThrow();
      if (Number(n) >= MAX_KEYS)
        throw Problem.conflict(`there are already ${MAX_KEYS} live keys here; revoke unused ones first`);
      const created = await trx
        .insertInto('api_keys')
        .values({
          ...owner,
          name: request.name,
          scopes,
          origins: [...new Set(request.origins)],
          key_hash: hashSecret(key),
          public_key: embed ? key : null,
          created_by: actorId,
          last_used_at: null,
          revoked_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        orgId: owner.org_id,
        worldId: owner.world_id,
        actorId,
        action: 'key.create',
        detail: { keyId: created.id, name: request.name, scopes },
      });
      return created;
    });
    return { key, apiKey: view(row, orgSlug, worldSlug) };
  }

  private async revoke(
    owner: { world_id: string } | { account_id: string },
    keyId: string,
    actorId: string | null,
    worldId: string | null,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      let query = trx
        .updateTable('api_keys')
        .set({ revoked_at: new Date() })
        .where('id', '=', keyId)
        .where('revoked_at', 'is', null)
        .returning('org_id');
      query =
        'world_id' in owner
          ? query.where('world_id', '=', owner.world_id)
          : query.where('account_id', '=', owner.account_id);
      const revoked = await query.executeTakeFirst();
      if (!revoked) {
        let exists = trx.selectFrom('api_keys').select('id').where('id', '=', keyId);
        exists =
          'world_id' in owner
            ? exists.where('world_id', '=', owner.world_id)
            : exists.where('account_id', '=', owner.account_id);
        if (!(await exists.executeTakeFirst())) throw Problem.notFound(`API key ${keyId} not found here`);
        return; // already revoked: revoking is idempotent
      }
      await recordAudit(trx, {
        orgId: revoked.org_id,
        worldId,
        actorId,
        action: 'key.revoke',
        detail: { keyId },
      });
    });
  }
}

function view(row: ApiKeyRow, organization: string, world: string | null): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    organization,
    scopes: row.scopes,
    origins: row.origins,
    embedKey: row.public_key,
    world,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
