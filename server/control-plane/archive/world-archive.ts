/**
 * World export and import: one JSON archive with the world's settings, its draft and every published
 * version (as the exact stored text, so scenes round-trip byte for byte), and the assets the scenes refer
 * to, by hash. Import runs in one transaction: it either creates the whole world or nothing.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isSceneV1, sceneFromAnySchema, type SceneDocument } from '../../../protocol/index.js';
import type { Database, Organization, World } from '../../db/tables.js';
import { Problem } from '../api/problem.js';
import { named } from '../api/zod-api.js';
import { recordAudit } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { accountOf } from '../access/access-service.js';
import { canonicalJson, etagOf } from '../../db/canonical-json.js';
import { storeDraftBody } from '../../db/draft-bodies.js';
import { UsageService, storageBytesOf } from '../usage/usage-service.js';
import type { WorldsService } from '../worlds/worlds-service.js';
import { createWorldRequest } from '../worlds/world-schemas.js';
import { requireKnownReferences } from '../scenes/scene-validation.js';

export const ARCHIVE_FORMAT = 'mib-world-archive';
export const ARCHIVE_MEDIA_TYPE = 'application/vnd.mib.world-archive+json';

const canonicalSceneText = z.string().superRefine((text, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not JSON text' });
    return;
  }
  if (canonicalJson(parsed) !== text)
    ctx.addIssue({ code: 'custom', message: 'is not canonical JSON (RFC 8785); export it again' });
  const scene = sceneFromAnySchema(parsed);
  if (!scene.ok)
    ctx.addIssue({
      code: 'custom',
      message: isSceneV1(parsed)
        ? `is a schema 1 scene that cannot be converted to schema 2${scene.entity !== undefined ? ` (entity "${scene.entity}")` : ''}: ${scene.reason} (at ${scene.path}); fix it in the archive and import again`
        : `is not a valid scene: ${scene.reason} (at ${scene.path || '/'})`,
    });
});

/** A scene text from a valid archive as this server stores it: schema 2 as it is, schema 1 converted. */
function storedScene(text: string): { text: string; scene: SceneDocument } {
  const parsed: unknown = JSON.parse(text);
  const read = sceneFromAnySchema(parsed);
  if (!read.ok) throw Problem.badRequest(`archive scene cannot be read: ${read.reason} (at ${read.path})`);
  return { text: isSceneV1(parsed) ? canonicalJson(read.scene) : text, scene: read.scene };
}

export const worldArchiveSchema = named(
  'WorldArchive',
  z.strictObject({
    format: z.literal(ARCHIVE_FORMAT),
    version: z.literal(1, { message: 'archive version must be 1; this server reads version 1 archives' }),
    exportedAt: z.string(),
    world: createWorldRequest.omit({ slug: true }).extend({ slug: z.string() }),
    draft: canonicalSceneText,
    publishedVersion: z.number().int().min(1).nullable(),
    versions: z
      .array(
        z.strictObject({
          version: z.number().int().min(1),
          message: z.string().max(500),
          rollbackOf: z.number().int().min(1).nullable(),
          createdAt: z.string(),
          body: canonicalSceneText,
        }),
      )
      .max(100_000),
    /** Asset bytes by sha-256, base64; only assets the scenes refer to. */
    assets: z.record(z.string().regex(/^[0-9a-f]{64}$/), z.string()),
  }),
);
export type WorldArchive = z.infer<typeof worldArchiveSchema>;

export class WorldArchiveService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly worlds: WorldsService,
  ) {}

  async export(world: World): Promise<WorldArchive> {
    const [draft, versions] = await Promise.all([
      this.db
        .selectFrom('scene_draft_documents')
        .select('body')
        .where('world_id', '=', world.id)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('scene_versions')
        .selectAll()
        .where('world_id', '=', world.id)
        .orderBy('version')
        .execute(),
    ]);
    return {
      format: ARCHIVE_FORMAT,
      version: 1,
      exportedAt: new Date().toISOString(),
      world: {
        slug: world.slug,
        name: world.name,
        description: world.description,
        visibility: world.visibility,
        capacity: world.capacity,
        voiceMode: world.voice_mode,
        allowCamera: world.allow_camera,
        allowScreenShare: world.allow_screen_share,
        thumbnailAsset: world.thumbnail_asset,
      },
      draft: draft.body,
      publishedVersion: world.published_version,
      versions: versions.map((v) => ({
        version: v.version,
        message: v.message,
        rollbackOf: v.rollback_of,
        createdAt: v.created_at.toISOString(),
        body: v.body,
      })),
      // The asset store arrives with the asset pipeline; until then scenes cannot carry uploaded assets.
      assets: {},
    };
  }

  /** Creates a world in `org` from an archive (under `slug` if given), all or nothing. */
  async import(
    org: Organization,
    principal: Principal,
    archive: WorldArchive,
    slug: string | undefined,
  ): Promise<World> {
    const numbers = archive.versions.map((v) => v.version);
    if (numbers.some((n, i) => n !== i + 1))
      throw Problem.badRequest('archive versions must be numbered 1, 2, 3… in order with none missing');
    if (archive.publishedVersion !== null && archive.publishedVersion > numbers.length)
      throw Problem.badRequest(
        `archive publishedVersion ${archive.publishedVersion} is not one of its versions`,
      );
    const actorId = accountOf(principal) ?? null;
    const targetSlug = slug ?? archive.world.slug;
    const { slug: _ignored, ...settings } = archive.world;
    const draftScene = storedScene(archive.draft);
    const draft = draftScene.text;
    const scenes = archive.versions.map((version) => storedScene(version.body));
    const bodies = scenes.map((scene) => scene.text);
    return this.worlds.create(org, principal, targetSlug, settings, async (trx, world) => {
      await trx
        .updateTable('scene_drafts')
        .set({ etag: etagOf(draft), updated_by: actorId })
        .where('world_id', '=', world.id)
        .execute();
      await storeDraftBody(trx, world.id, draft);
      for (const [index, version] of archive.versions.entries())
        await trx
          .insertInto('scene_versions')
          .values({
            world_id: world.id,
            version: version.version,
            body: bodies[index]!,
            etag: etagOf(bodies[index]!),
            author_id: actorId,
            message: version.message,
            rollback_of: version.rollbackOf,
          })
          .execute();
      const checks = [
        ['body.draft', draftScene] as const,
        ...scenes.map((s, i) => [`body.versions.${i}.body`, s] as const),
      ];
      for (const [where, { scene }] of checks)
        await requireKnownReferences(trx, world.id, scene, where, { checkWorlds: false });
      await trx
        .updateTable('worlds')
        .set({ published_version: archive.publishedVersion })
        .where('id', '=', world.id)
        .execute();
      const used = await storageBytesOf(trx, org.id);
      const quota = Number(org.quota_storage_bytes);
      if (used > quota)
        throw Problem.quota(
          403,
          'storage_bytes',
          `importing would store ${used} bytes, over organization "${org.slug}"'s ${quota}-byte quota; nothing was imported`,
          quota,
        );
      await UsageService.recordStorage(trx, org.id);
      await recordAudit(trx, {
        orgId: org.id,
        worldId: world.id,
        actorId,
        action: 'world.import',
        detail: { slug: targetSlug, versions: numbers.length },
      });
    });
  }
}
