/** Worlds: create (within the organization's quota), read, update, delete, list and search. */
import { sql, type Kysely } from 'kysely';
import type { Database, Organization, Visibility, VoiceMode, World, WorldRole } from '../../db/tables.js';
import { emptyScene, type SceneDocument } from '../../../protocol/index.js';
import { Problem } from '../api/problem.js';
import { recordAudit, recordWorldAudit } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { accountOf } from '../access/access-service.js';
import { effectiveWorldRole } from '../access/policy.js';
import { canonicalJson, etagOf } from '../../db/canonical-json.js';
import { storeDraftBody } from '../../db/draft-bodies.js';

/** Live visitor counts by world slug, across every process (from the matchmaker's listings). */
export interface PopulationSource {
  byWorld(): Promise<Map<string, number>>;
}

/** Running rooms learn that their world was deleted through this. */
export interface WorldEvents {
  deleted(worldId: string): void;
  /** Settings changed (capacity, voice mode…): running instances reload them. */
  updated(worldId: string): void;
}

export interface WorldSettings {
  name: string;
  description: string;
  visibility: Visibility;
  capacity: number;
  voiceMode: VoiceMode;
  allowCamera: boolean;
  allowScreenShare: boolean;
  thumbnailAsset: string | null;
}

export interface WorldView extends WorldSettings {
  slug: string;
  organization: string;
  publishedVersion: number | null;
  population: number;
  createdAt: string;
  updatedAt: string;
  /** The caller's effective role; null if none (e.g. anonymous on a public world). */
  role: WorldRole | null;
}

export class WorldsService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly population: PopulationSource,
    private readonly defaultCapacity: number,
    private readonly events: WorldEvents,
  ) {}

  /**
   * Creates a world with an empty draft; `fill` (used by import) runs in the same transaction, so a
   * failure anywhere leaves nothing behind.
   */
  async create(
    org: Organization,
    principal: Principal,
    slug: string,
    settings: Partial<WorldSettings> & { name: string },
    fill?: (trx: Kysely<Database>, world: World) => Promise<void>,
    /** The draft it starts with (a starter template's scene); empty by default. */
    scene: SceneDocument = emptyScene(),
  ): Promise<World> {
    const actorId = accountOf(principal) ?? null;
    return this.db.transaction().execute(async (trx) => {
      // Lock the organization row so two concurrent creates cannot both squeeze under the quota.
      const locked = await trx
        .selectFrom('organizations')
        .select('quota_worlds')
        .where('id', '=', org.id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const { n } = await trx
        .selectFrom('worlds')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('org_id', '=', org.id)
        .executeTakeFirstOrThrow();
      if (Number(n) >= locked.quota_worlds)
        throw Problem.quota(
          403,
          'worlds',
          `organization "${org.slug}" has ${n} of its ${locked.quota_worlds} worlds; delete one or ask the operator to raise the quota`,
          locked.quota_worlds,
        );
      const world = await trx
        .insertInto('worlds')
        .values({
          slug,
          org_id: org.id,
          name: settings.name,
          description: settings.description ?? '',
          visibility: settings.visibility ?? 'public',
          capacity: settings.capacity ?? this.defaultCapacity,
          voice_mode: settings.voiceMode ?? 'proximity',
          allow_camera: settings.allowCamera ?? false,
          allow_screen_share: settings.allowScreenShare ?? false,
          thumbnail_asset: settings.thumbnailAsset ?? null,
          published_version: null,
        })
        .onConflict((c) => c.column('slug').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!world) throw Problem.conflict(`world slug "${slug}" is taken; choose another`);
      const body = canonicalJson(scene);
      await trx
        .insertInto('scene_drafts')
        .values({
          world_id: world.id,
          revision: 1,
          body: null,
          bytes: Buffer.byteLength(body),
          etag: etagOf(body),
          updated_by: actorId,
        })
        .execute();
      await storeDraftBody(trx, world.id, body);
      if (actorId && principal.kind === 'account')
        await trx
          .insertInto('world_roles')
          .values({ world_id: world.id, account_id: actorId, role: 'owner' })
          .execute();
      await recordAudit(trx, {
        orgId: org.id,
        worldId: world.id,
        actorId,
        action: 'world.create',
        detail: { slug },
      });
      if (fill) await fill(trx, world);
      return await trx.selectFrom('worlds').selectAll().where('id', '=', world.id).executeTakeFirstOrThrow();
    });
  }

  async view(world: World, principal: Principal): Promise<WorldView> {
    const [org, population, role] = await Promise.all([
      this.db
        .selectFrom('organizations')
        .select('slug')
        .where('id', '=', world.org_id)
        .executeTakeFirstOrThrow(),
      this.population.byWorld(),
      this.roleOf(principal, world),
    ]);
    return toView(world, org.slug, population.get(world.slug) ?? 0, role);
  }

  /**
   * Worlds the caller can see, by slug: public ones, and any they have a role in. Unlisted worlds appear
   * only to those with a role. `q` matches name, slug and description.
   */
  async list(
    principal: Principal,
    query: { q?: string | undefined; org?: string | undefined; cursor?: string | undefined; limit: number },
  ): Promise<{ items: WorldView[]; nextCursor: string | null }> {
    const accountId = accountOf(principal);
    const operator = principal.kind === 'account' && principal.isOperator;
    let select = this.db
      .selectFrom('worlds as w')
      .innerJoin('organizations as o', 'o.id', 'w.org_id')
      .selectAll('w')
      .select('o.slug as org_slug');
    if (!operator)
      select = select.where((eb) =>
        eb.or([
          eb('w.visibility', '=', 'public'),
          ...(accountId && !(principal.kind === 'key' && principal.worldId)
            ? [
                eb.and([
                  // An account key sees through its account only in its own organization.
                  ...(principal.kind === 'key' ? [eb('w.org_id', '=', principal.orgId)] : []),
                  eb.or([
                    eb.exists(
                      eb
                        .selectFrom('org_members as m')
                        .select('m.account_id')
                        .whereRef('m.org_id', '=', 'w.org_id')
                        .where('m.account_id', '=', accountId),
                    ),
                    eb.exists(
                      eb
                        .selectFrom('world_roles as r')
                        .select('r.account_id')
                        .whereRef('r.world_id', '=', 'w.id')
                        .where('r.account_id', '=', accountId),
                    ),
                  ]),
                ]),
              ]
            : []),
          // A world key sees its world — but not an embed: it is public (in a page's HTML) and gets no more
          // than an anonymous visitor (found by bench:security's token probe: a private world was listed).
          ...(principal.kind === 'key' && principal.worldId && !principal.embed
            ? [eb('w.id', '=', principal.worldId)]
            : []),
        ]),
      );
    if (query.org) select = select.where('o.slug', '=', query.org);
    if (query.q) {
      const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      select = select.where((eb) =>
        eb.or([
          eb('w.name', 'ilike', pattern),
          eb('w.slug', 'ilike', pattern),
          eb('w.description', 'ilike', pattern),
        ]),
      );
    }
    if (query.cursor) select = select.where('w.slug', '>', query.cursor);
    const rows = await select
      .orderBy('w.slug')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    const population = await this.population.byWorld();
    const items = await Promise.all(
      page.map(async (row) =>
        toView(row, row.org_slug, population.get(row.slug) ?? 0, await this.roleOf(principal, row)),
      ),
    );
    return { items, nextCursor: rows.length > query.limit ? (page.at(-1)?.slug ?? null) : null };
  }

  async update(world: World, principal: Principal, change: Partial<WorldSettings>): Promise<World> {
    const updated = await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('worlds')
        .set({
          ...(change.name !== undefined && { name: change.name }),
          ...(change.description !== undefined && { description: change.description }),
          ...(change.visibility !== undefined && { visibility: change.visibility }),
          ...(change.capacity !== undefined && { capacity: change.capacity }),
          ...(change.voiceMode !== undefined && { voice_mode: change.voiceMode }),
          ...(change.allowCamera !== undefined && { allow_camera: change.allowCamera }),
          ...(change.allowScreenShare !== undefined && { allow_screen_share: change.allowScreenShare }),
          ...(change.thumbnailAsset !== undefined && { thumbnail_asset: change.thumbnailAsset }),
          updated_at: new Date(),
        })
        .where('id', '=', world.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordWorldAudit(trx, world, accountOf(principal) ?? null, 'world.update', { ...change });
      return updated;
    });
    this.events.updated(world.id);
    return updated;
  }

  async remove(world: World, principal: Principal): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('worlds').where('id', '=', world.id).execute();
      await recordWorldAudit(trx, world, accountOf(principal) ?? null, 'world.delete', { slug: world.slug });
    });
    this.events.deleted(world.id);
  }

  private async roleOf(principal: Principal, world: World): Promise<WorldRole | null> {
    const accountId = accountOf(principal);
    const operator = principal.kind === 'account' && principal.isOperator;
    if (!accountId) return operator ? 'owner' : null;
    if (principal.kind === 'key' && principal.orgId !== world.org_id) return null;
    const { rows } = await sql<{
      org_role: 'owner' | 'admin' | 'member' | null;
      world_role: WorldRole | null;
    }>`
      select
        (select role from org_members where org_id = ${world.org_id} and account_id = ${accountId}) as org_role,
        (select role from world_roles where world_id = ${world.id} and account_id = ${accountId}) as world_role`.execute(
      this.db,
    );
    const row = rows[0];
    return (
      effectiveWorldRole(
        { orgRole: row?.org_role ?? undefined, worldRole: row?.world_role ?? undefined, ban: undefined },
        operator,
      ) ?? null
    );
  }
}

function toView(world: World, organization: string, population: number, role: WorldRole | null): WorldView {
  return {
    slug: world.slug,
    organization,
    name: world.name,
    description: world.description,
    visibility: world.visibility,
    capacity: world.capacity,
    voiceMode: world.voice_mode,
    allowCamera: world.allow_camera,
    allowScreenShare: world.allow_screen_share,
    thumbnailAsset: world.thumbnail_asset,
    publishedVersion: world.published_version,
    population,
    createdAt: world.created_at.toISOString(),
    updatedAt: world.updated_at.toISOString(),
    role,
  };
}
