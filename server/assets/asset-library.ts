/**
 * The asset library: uploads as creators see them. Each entry names an upload (its file name unless
 * renamed), its owner, optionally the organization and world it is for, and tags; once processed it points
 * at the content-addressed asset (entries of several creators may share one). Listing is by owner (your
 * uploads), organization (its members see them) or world (its editors see them), searchable by name,
 * profile and tag, newest first, with thumbnails and the budget report.
 *
 * Who may do what: the owner and the operator may rename, retag, move and delete an entry; so may the
 * organization's owners and admins for entries of their organization. Deleting is refused while a scene
 * (a draft or any published version, which must stay loadable for rollback) uses the asset; the file
 * itself stays in the store, which other entries or archives may still name.
 */
import { sql, type Kysely } from 'kysely';
import type { AssetReport } from '../../asset-pipeline/index.js';
import { type AccessService, Problem, type Principal } from '../control-plane/index.js';
import type { Database } from '../db/tables.js';

export interface LibraryEntry {
  id: string;
  name: string;
  tags: string[];
  owner: { id: string; displayName: string };
  organization: string | null;
  world: string | null;
  profile: string;
  /** The upload's job: queued or running until processed, then succeeded (or rejected / failed). */
  status: 'queued' | 'running' | 'succeeded' | 'rejected' | 'failed';
  percent: number;
  jobId: string;
  assetHash: string | null;
  thumbnailUrl: string | null;
  /** What the asset weighs (null until processed): for budget meters. */
  measures: {
    bytes: number;
    triangles: number;
    drawCalls: number;
    textures: number;
    gpuTextureBytes: number;
  } | null;
  /** Every budget limit of its profile with the measured value. */
  budget: { limit: string; allowed: number; measured: number; ok: boolean }[];
  createdAt: string;
  updatedAt: string;
}

export interface LibraryQuery {
  org?: string | undefined;
  world?: string | undefined;
  q?: string | undefined;
  profile?: string | undefined;
  tag?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Where an upload goes in the library (from the upload's query). */
export interface LibraryPlacement {
  name: string;
  org?: string | undefined;
  world?: string | undefined;
  tags: string[];
}

export class AssetLibrary {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly access: AccessService,
  ) {}

  /** Checks an upload's placement before its bytes are read: the organization or world must be the caller's. */
  async resolvePlacement(
    caller: Principal,
    placement: LibraryPlacement,
  ): Promise<{ orgId: string | null; worldId: string | null }> {
    if (placement.world) {
      const world = await this.access.world(caller, placement.world, 'scene.write');
      if (placement.org) {
        const org = await this.access.org(caller, placement.org, 'org.read');
        if (org.id !== world.org_id)
          throw Problem.badRequest(
            `world "${placement.world}" is not in organization "${placement.org}"; name only the world`,
          );
      }
      return { orgId: world.org_id, worldId: world.id };
    }
    if (placement.org)
      return { orgId: (await this.access.org(caller, placement.org, 'org.read')).id, worldId: null };
    return { orgId: null, worldId: null };
  }

  /** Records an upload's entry (in the same breath as its job). */
  async add(
    jobId: string,
    ownerId: string,
    where: { orgId: string | null; worldId: string | null },
    placement: LibraryPlacement,
  ): Promise<string> {
    const row = await this.db
      .insertInto('library_assets')
      .values({
        job_id: jobId,
        owner_id: ownerId,
        org_id: where.orgId,
        world_id: where.worldId,
        name: placement.name,
        tags: placement.tags,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async list(
    caller: Principal,
    query: LibraryQuery,
  ): Promise<{ items: LibraryEntry[]; next: string | null }> {
    let scope = this.entries();
    if (query.world) {
      const world = await this.access.world(caller, query.world, 'scene.read-draft');
      scope = scope.where('l.world_id', '=', world.id);
    } else if (query.org) {
      const org = await this.access.org(caller, query.org, 'org.read');
      scope = scope.where('l.org_id', '=', org.id);
    } else {
      const account = this.access.requireRegistered(caller, 'list uploads');
      scope = scope.where('l.owner_id', '=', account.accountId);
    }
    if (query.q) scope = scope.where('l.name', 'ilike', `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (query.profile) scope = scope.where('j.profile', '=', query.profile);
    if (query.tag) scope = scope.where(sql<boolean>`${query.tag} = any(l.tags)`);
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor);
      scope = scope.where(sql<boolean>`(${CREATED_MS}, l.id) < (${at}, ${id}::uuid)`);
    }
    const rows = await scope
      .orderBy(CREATED_MS, 'desc')
      .orderBy('l.id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toEntry),
      next: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  async get(caller: Principal, id: string): Promise<LibraryEntry> {
    const row = await this.entries().where('l.id', '=', id).executeTakeFirst();
    if (!row || !(await this.mayRead(caller, row))) throw notFound(id);
    return toEntry(row);
  }

  async update(
    caller: Principal,
    id: string,
    change: { name?: string | undefined; tags?: string[] | undefined; world?: string | null | undefined },
  ): Promise<LibraryEntry> {
    const row = await this.entries().where('l.id', '=', id).executeTakeFirst();
    if (!row || !(await this.mayRead(caller, row))) throw notFound(id);
    await this.requireManage(caller, row);
    let worldId: string | null | undefined;
    let orgId: string | null | undefined;
    if (change.world === null) worldId = null;
    else if (change.world !== undefined) {
      const world = await this.access.world(caller, change.world, 'scene.write');
      if (row.org_id !== null && row.org_id !== world.org_id)
        throw Problem.badRequest(
          `world "${change.world}" is in another organization than this asset; upload it there instead`,
        );
      worldId = world.id;
      orgId = world.org_id;
    }
    await this.db
      .updateTable('library_assets')
      .set({
        ...(change.name !== undefined && { name: change.name }),
        ...(change.tags !== undefined && { tags: change.tags }),
        ...(worldId !== undefined && { world_id: worldId }),
        ...(orgId !== undefined && { org_id: orgId }),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    return this.get(caller, id);
  }

  async remove(caller: Principal, id: string): Promise<void> {
    const row = await this.entries().where('l.id', '=', id).executeTakeFirst();
    if (!row || !(await this.mayRead(caller, row))) throw notFound(id);
    await this.requireManage(caller, row);
    if (row.asset_hash) {
      const uses = await this.scenesUsing(row.asset_hash);
      if (uses.length > 0)
        throw Problem.conflict(
          `"${row.name}" is used by ${uses.slice(0, 5).join(', ')}${uses.length > 5 ? ` and ${uses.length - 5} more` : ''}; ` +
            'remove it from those scenes (published versions stay loadable for rollback, so an asset a version uses is kept)',
        );
    }
    await this.db.deleteFrom('library_assets').where('id', '=', id).execute();
  }

  /** Where an asset is used: "world draft" and "world version n" labels. */
  private async scenesUsing(hash: string): Promise<string[]> {
    const needle = `%"${hash}"%`;
    const [drafts, versions] = await Promise.all([
      this.db
        .selectFrom('scene_draft_documents as d')
        .innerJoin('worlds as w', 'w.id', 'd.world_id')
        .select('w.slug')
        .where('d.body', 'like', needle)
        .execute(),
      this.db
        .selectFrom('scene_versions as v')
        .innerJoin('worlds as w', 'w.id', 'v.world_id')
        .select(['w.slug', 'v.version'])
        .where('v.body', 'like', needle)
        .orderBy('w.slug')
        .orderBy('v.version')
        .execute(),
    ]);
    return [
      ...drafts.map((d) => `${d.slug}'s draft`),
      ...versions.map((v) => `${v.slug} version ${v.version}`),
    ];
  }

  private entries() {
    return this.db
      .selectFrom('library_assets as l')
      .innerJoin('asset_jobs as j', 'j.id', 'l.job_id')
      .innerJoin('accounts as a', 'a.id', 'l.owner_id')
      .leftJoin('organizations as o', 'o.id', 'l.org_id')
      .leftJoin('worlds as w', 'w.id', 'l.world_id')
      .leftJoin('assets as s', 's.hash', 'j.asset_hash')
      .select([
        'l.id',
        'l.name',
        'l.tags',
        'l.owner_id',
        'l.org_id',
        'l.world_id',
        'l.created_at',
        'l.updated_at',
        'a.display_name',
        'o.slug as org_slug',
        'w.slug as world_slug',
        'j.id as job_id',
        'j.profile',
        'j.status',
        'j.percent',
        'j.asset_hash',
        's.report',
      ]);
  }

  private async mayRead(caller: Principal, row: EntryRow): Promise<boolean> {
    if (caller.kind === 'account' && (caller.isOperator || caller.accountId === row.owner_id)) return true;
    if (row.world_slug !== null) {
      const decision = await this.access
        .world(caller, row.world_slug, 'scene.read-draft')
        .then(() => true)
        .catch(() => false);
      if (decision) return true;
    }
    if (row.org_slug !== null)
      return this.access
        .org(caller, row.org_slug, 'org.read')
        .then(() => true)
        .catch(() => false);
    return false;
  }

  private async requireManage(caller: Principal, row: EntryRow): Promise<void> {
    if (caller.kind === 'account' && (caller.isOperator || caller.accountId === row.owner_id)) return;
    // The organization's owners and admins look after its library.
    const role =
      caller.kind === 'account' && row.org_id !== null
        ? await this.access.orgRole(caller.accountId, row.org_id)
        : undefined;
    if (role === 'owner' || role === 'admin') return;
    throw Problem.forbidden(
      `only the uploader of "${row.name}"${row.org_slug !== null ? ` and the owners and admins of organization "${row.org_slug}"` : ''} may change or delete it`,
    );
  }
}

/** Pages by creation time to the millisecond (what a cursor carries), then id. */
const CREATED_MS = sql<Date>`date_trunc('milliseconds', l.created_at)`;

type EntryRow = NonNullable<Awaited<ReturnType<ReturnType<AssetLibrary['entries']>['executeTakeFirst']>>>;

function toEntry(row: EntryRow): LibraryEntry {
  const report = row.report as AssetReport | null;
  return {
    id: row.id,
    name: row.name,
    tags: row.tags,
    owner: { id: row.owner_id, displayName: row.display_name },
    organization: row.org_slug,
    world: row.world_slug,
    profile: row.profile,
    status: row.status,
    percent: row.percent,
    jobId: row.job_id,
    assetHash: row.asset_hash,
    thumbnailUrl: report && 'hash' in report.thumbnail ? `/assets/files/${report.thumbnail.hash}` : null,
    measures: report
      ? {
          bytes: report.output.bytes,
          triangles: report.output.measures.triangles,
          drawCalls: report.output.measures.drawCalls,
          textures: report.output.measures.textures,
          gpuTextureBytes: report.output.measures.gpuTextureBytes,
        }
      : null,
    budget: report?.budget ?? [],
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function notFound(id: string): Problem {
  return Problem.notFound(`no library asset ${id} you can see; list yours with GET /library`);
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${new Date(at).toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): [Date, string] {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!id || Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id))
    throw Problem.badRequest('cursor is not one this server gave; use the "next" of the previous page');
  return [date, id];
}
