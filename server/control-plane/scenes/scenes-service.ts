/**
 * Scene drafts and published versions. Drafts change under optimistic concurrency: every write names the
 * ETag it was based on (If-Match) and loses with 412 if someone else wrote first. Bodies are canonical JSON
 * text, so a read returns exactly the bytes stored; a draft is stored per entity (db/draft-bodies.ts), so a
 * patch writes only the entities it changed. `publish` freezes the draft as the next
 * numbered, immutable version and tells running rooms; `rollback` publishes an older version's body again.
 */
import type { Operation } from 'fast-json-patch';
import { sql, type Kysely } from 'kysely';
import type { Database, World } from '../../db/tables.js';
import { Problem } from '../api/problem.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { accountOf, worldDeleted } from '../access/access-service.js';
import { UsageService, storageStanding } from '../usage/usage-service.js';
import { etagOf } from '../../db/canonical-json.js';
import { entityTexts, joinEntityTexts, storeDraftBody, storeDraftEntities } from '../../db/draft-bodies.js';
import { checkIfMatchSyntax, ifMatchAllows, requireIfMatch, stale } from './if-match.js';
import { parseSubmittedScene, requireKnownReferences } from './scene-validation.js';
import { DraftCache, applyDraftPatch, changedEntities, parseStoredDraft } from './draft-patcher.js';
import {
  SCENE_SCHEMA_VERSION,
  sceneFromAnySchema,
  type SceneBudget,
  type SceneDocument,
} from '../../../protocol/index.js';
import { measureScene } from './scene-budget.js';
import { worldSceneLimits } from './scene-limits.js';

/** Running rooms of a world learn of a new published version through this. */
export interface SceneEvents {
  published(worldId: string, version: number): void;
  /** The draft was saved as `revision`: running previews reload it. */
  draftSaved(worldId: string, revision: number): void;
}

export interface StoredBody {
  body: string;
  etag: string;
}

export interface VersionView {
  version: number;
  message: string;
  authorId: string | null;
  /** The author's display name (null when the account is gone, or an API key published). */
  authorName: string | null;
  rollbackOf: number | null;
  createdAt: string;
  etag: string;
  bytes: number;
}

export class ScenesService {
  /** Recently patched drafts, parsed (this process's; a write elsewhere changes the ETag: a miss). */
  private readonly parsedDrafts = new DraftCache();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: SceneEvents,
  ) {}

  async draft(world: World): Promise<StoredBody & { revision: number }> {
    const row = await this.db
      .selectFrom('scene_draft_documents')
      .select(['body', 'etag', 'revision'])
      .where('world_id', '=', world.id)
      .executeTakeFirst();
    if (!row) throw worldDeleted(world);
    return row;
  }

  /** Replaces the draft with `document` if the draft's ETag is still `ifMatch`. */
  async replaceDraft(
    world: World,
    actor: Principal,
    ifMatch: string | undefined,
    document: unknown,
  ): Promise<StoredBody> {
    requireIfMatch(ifMatch);
    const { scene, stored } = parseSubmittedScene(document, 'body');
    await requireKnownReferences(this.db, world.id, scene);
    const written = (stored as { entities: Record<string, unknown> }).entities;
    const canonical = entityTexts(written);
    // The draft replaced, if this process holds it: then only the entities that differ are written.
    const before = this.parsedDrafts.get(world.id, ifMatch);
    const changed = before ? changedEntities(before.canonical, canonical) : null;
    const saved = await this.saveDraft(world, actor, ifMatch, {
      body: joinEntityTexts(canonical),
      canonical,
      changed,
    });
    this.parsedDrafts.set(world.id, { etag: saved.etag, written, parsed: scene.entities, canonical });
    return saved;
  }

  /**
   * Applies an RFC 6902 JSON Patch to the draft if its ETag is still `ifMatch`; the result must be a valid
   * scene. Work follows what the patch touches (draft-patcher.ts), not the size of the scene.
   */
  async patchDraft(
    world: World,
    actor: Principal,
    ifMatch: string | undefined,
    operations: Operation[],
  ): Promise<StoredBody> {
    requireIfMatch(ifMatch);
    let draft = this.parsedDrafts.get(world.id, ifMatch);
    if (!draft) {
      const current = await this.draft(world);
      if (!ifMatchAllows(ifMatch, current.etag)) throw stale(current.etag);
      draft = parseStoredDraft(current.body, current.etag);
    }
    const patched = applyDraftPatch(draft, operations);
    // Before the transaction, not meanwhile: embedded PGlite has one connection, which the transaction
    // would hold while waiting for this lookup queued behind it.
    await requireKnownReferences(this.db, world.id, patched.touched, 'body(patched)');
    const { body, draft: next, changed } = patched;
    const saved = await this.saveDraft(world, actor, ifMatch, { body, canonical: next.canonical, changed });
    this.parsedDrafts.set(world.id, { etag: saved.etag, ...patched.draft });
    return saved;
  }

  /** Freezes the current draft as the next version. With `ifMatch`, only if the draft is still that one. */
  async publish(
    world: World,
    actor: Principal,
    message: string,
    ifMatch: string | undefined,
  ): Promise<VersionView> {
    checkIfMatchSyntax(ifMatch);
    const actorId = accountOf(actor) ?? null;
    const version = await this.db.transaction().execute(async (trx) => {
      await trx
        .selectFrom('scene_drafts')
        .select('etag')
        .where('world_id', '=', world.id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const draft = await trx
        .selectFrom('scene_draft_documents')
        .select(['body', 'etag'])
        .where('world_id', '=', world.id)
        .executeTakeFirstOrThrow();
      if (ifMatch !== undefined && !ifMatchAllows(ifMatch, draft.etag)) throw stale(draft.etag);
      return this.appendVersion(trx, world, actorId, draft.body, message, null);
    });
    this.events.published(world.id, version.version);
    return version;
  }

  /** Publishes version `from`'s body again as a new version. */
  async rollback(world: World, actor: Principal, from: number, message: string): Promise<VersionView> {
    const actorId = accountOf(actor) ?? null;
    const version = await this.db.transaction().execute(async (trx) => {
      const source = await trx
        .selectFrom('scene_versions')
        .select('body')
        .where('world_id', '=', world.id)
        .where('version', '=', from)
        .executeTakeFirst();
      if (!source) throw Problem.notFound(`world "${world.slug}" has no version ${from}`);
      return this.appendVersion(trx, world, actorId, source.body, message, from);
    });
    this.events.published(world.id, version.version);
    return version;
  }

  /** What the draft weighs against the world's scene limits (the studio's meter; publish checks the same). */
  async draftBudget(world: World): Promise<SceneBudget> {
    // The studio asks after every save: the draft this process just saved is at hand, parsed (by its ETag).
    const head = await this.db
      .selectFrom('scene_drafts')
      .select('etag')
      .where('world_id', '=', world.id)
      .executeTakeFirst();
    const parsed = head && this.parsedDrafts.get(world.id, head.etag);
    const scene: SceneDocument = parsed
      ? { schema: SCENE_SCHEMA_VERSION, entities: parsed.parsed }
      : readableScene((await this.draft(world)).body);
    return measureScene(this.db, scene, (await worldSceneLimits(this.db, world)).effective);
  }

  async versions(world: World): Promise<VersionView[]> {
    const rows = await this.db
      .selectFrom('scene_versions')
      .leftJoin('accounts', 'accounts.id', 'scene_versions.author_id')
      .select([
        'scene_versions.version',
        'scene_versions.message',
        'scene_versions.author_id',
        'accounts.display_name as author_name',
        'scene_versions.rollback_of',
        'scene_versions.created_at',
        'scene_versions.etag',
        (eb) => eb.fn<number>('octet_length', ['scene_versions.body']).as('bytes'),
      ])
      .where('scene_versions.world_id', '=', world.id)
      .orderBy('scene_versions.version', 'desc')
      .execute();
    return rows.map(versionView);
  }

  async version(world: World, version: number): Promise<StoredBody> {
    const row = await this.db
      .selectFrom('scene_versions')
      .select(['body', 'etag'])
      .where('world_id', '=', world.id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row) throw Problem.notFound(`world "${world.slug}" has no version ${version}`);
    return row;
  }

  /** The version running instances load; 404 until the first publish. */
  async published(world: World): Promise<StoredBody & { version: number }> {
    if (world.published_version === null)
      throw Problem.notFound(`world "${world.slug}" has not published a scene yet`);
    return { ...(await this.version(world, world.published_version)), version: world.published_version };
  }

  /**
   * Saves the draft `body` (joined from the entities' canonical texts `canonical`) if its ETag is still
   * `ifMatch`, under the draft row's lock: only the entities in `changed` when given and the draft is stored
   * per entity, else every entity that differs (`storeDraftBody`); with the ETag, revision, length and the
   * day's storage figure.
   */
  private async saveDraft(
    world: World,
    actor: Principal,
    ifMatch: string | undefined,
    draft: {
      body: string;
      canonical: ReadonlyMap<string, string>;
      changed: ReadonlyMap<string, string | null> | null;
    },
  ): Promise<StoredBody> {
    const { body, canonical, changed } = draft;
    const etag = etagOf(body);
    const bytes = Buffer.byteLength(body);
    const saved = await this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('scene_drafts')
        .select(['etag', 'bytes', sql<boolean>`body is null`.as('per_entity')])
        .where('world_id', '=', world.id)
        .forUpdate()
        .executeTakeFirst();
      if (!current) throw worldDeleted(world);
      if (!ifMatchAllows(ifMatch, current.etag)) throw stale(current.etag);
      await requireStorage(trx, world, bytes - Number(current.bytes));
      await (changed && current.per_entity
        ? storeDraftEntities(trx, world.id, changed)
        : storeDraftBody(trx, world.id, body, canonical));
      // The new ETag and revision, and the organization's storage recorded, in one statement.
      const { rows: updated } = await sql<{ revision: number }>`
        with recorded as (${UsageService.storageRecord(world.org_id)})
        update scene_drafts
        set etag = ${etag}, bytes = ${bytes}, revision = revision + 1, updated_by = ${accountOf(actor) ?? null},
          updated_at = now()
        where world_id = ${world.id}
        returning revision`.execute(trx);
      return { body, etag, revision: updated[0]!.revision };
    });
    this.events.draftSaved(world.id, saved.revision);
    return { body: saved.body, etag: saved.etag };
  }

  private async appendVersion(
    trx: Kysely<Database>,
    world: World,
    actorId: string | null,
    body: string,
    message: string,
    rollbackOf: number | null,
  ): Promise<VersionView> {
    // Lock the world row: versions are numbered one after another even under concurrent publishes.
    const locked = await trx
      .selectFrom('worlds')
      .select('id')
      .where('id', '=', world.id)
      .forUpdate()
      .executeTakeFirst();
    if (!locked) throw Problem.notFound(`world "${world.slug}" not found`);
    const budget = await measureScene(
      trx,
      readableScene(body),
      (await worldSceneLimits(trx, world)).effective,
    );
    if (!budget.ok) throw overLimits(budget);
    await requireStorage(trx, world, Buffer.byteLength(body));
    const last = await trx
      .selectFrom('scene_versions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('world_id', '=', world.id)
      .executeTakeFirst();
    const version = (last?.v ?? 0) + 1;
    const row = await trx
      .insertInto('scene_versions')
      .values({
        world_id: world.id,
        version,
        body,
        etag: etagOf(body),
        author_id: actorId,
        message,
        rollback_of: rollbackOf,
      })
      .returning(['version', 'message', 'author_id', 'rollback_of', 'created_at', 'etag'])
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('worlds')
      .set({ published_version: version, updated_at: new Date() })
      .where('id', '=', world.id)
      .execute();
    await recordAudit(trx, {
      orgId: world.org_id,
      worldId: world.id,
      actorId,
      action: rollbackOf === null ? 'scene.publish' : 'scene.rollback',
      detail: { version, message, ...(rollbackOf !== null && { rollbackOf }) },
    });
    await UsageService.recordStorage(trx, world.org_id);
    const author = actorId
      ? await trx.selectFrom('accounts').select('display_name').where('id', '=', actorId).executeTakeFirst()
      : undefined;
    return versionView({ ...row, author_name: author?.display_name ?? null, bytes: Buffer.byteLength(body) });
  }
}

/** A stored scene as a document, or 409 when it cannot be read (a schema 1 draft no conversion takes). */
function readableScene(body: string) {
  const read = sceneFromAnySchema(JSON.parse(body));
  if (!read.ok)
    throw new Problem(
      409,
      'conflict',
      `the scene cannot be read (${read.reason} at ${read.path}); fix it and save it again`,
    );
  return read.scene;
}

/** Refuses a write that would take the organization past its storage quota (403 naming the quota). */
async function requireStorage(trx: Kysely<Database>, world: World, addedBytes: number): Promise<void> {
  if (addedBytes <= 0) return;
  const { slug, quota, used } = await storageStanding(trx, world.org_id);
  if (used + addedBytes > quota)
    throw Problem.quota(
      403,
      'storage_bytes',
      `organization "${slug}" would store ${used + addedBytes} bytes, over its ${quota}-byte storage quota; delete old worlds or ask the operator to raise it`,
      quota,
    );
}

/** 422: what is over which limit, and the entities to lighten first. Nothing was published. */
function overLimits(budget: SceneBudget): Problem {
  const over = budget.limits.filter((check) => !check.ok);
  const list = over.map((check) => `${check.limit} ${check.total} > ${check.allowed}`).join(', ');
  const heaviest = budget.heaviest
    .slice(0, 3)
    .map((entity) => `"${entity.entity}" (${entity.triangles} triangles, ${entity.downloadBytes} bytes)`)
    .join(', ');
  return new Problem(
    422,
    'scene-over-limits',
    `the scene is over ${over.length === 1 ? 'a limit' : `${over.length} limits`} (${list}); nothing was published. ` +
      `Lighten or remove the heaviest entities${heaviest ? ` — ${heaviest}` : ''} — or raise the world's scene limits within its plan (PUT /worlds/{slug}/scene-limits)`,
    { limits: budget.limits, heaviest: budget.heaviest },
  );
}

function versionView(row: {
  version: number;
  message: string;
  author_id: string | null;
  author_name: string | null;
  rollback_of: number | null;
  created_at: Date;
  etag: string;
  bytes: number;
}): VersionView {
  return {
    version: row.version,
    message: row.message,
    authorId: row.author_id,
    authorName: row.author_name,
    rollbackOf: row.rollback_of,
    createdAt: row.created_at.toISOString(),
    etag: row.etag,
    bytes: Number(row.bytes),
  };
}
