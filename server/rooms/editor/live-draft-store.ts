/**
 * Where a live draft is read from and saved to: the draft itself (through ScenesService, as a REST PUT with
 * If-Match would, so REST readers see the last saved draft and its ETag), its Yjs state beside it
 * (scene_draft_live), and an audit entry naming the editors whose changes each save holds.
 */
import type { Kysely } from 'kysely';
import * as Y from 'yjs';
import {
  Problem,
  recordWorldAudit,
  requireKnownReferences,
  type Principal,
  type ScenesService,
} from '../../control-plane/index.js';
import type { Database, World } from '../../db/index.js';
import {
  liveDocOf,
  liveEntitiesJson,
  SCENE_SCHEMA_VERSION,
  type SceneEntity,
} from '../../../protocol/index.js';
import { SERVER_ORIGIN } from './live-draft.js';

export interface LoadedDraft {
  doc: Y.Doc;
  /** The draft as saved, and its ETag. */
  etag: string;
  entities: Record<string, unknown>;
  /**
   * Set when the Yjs state kept is older than the draft (a REST edit while nobody edited live): the
   * entities that state holds, so the room merges the difference in.
   */
  stateEntities: Record<string, unknown> | undefined;
}

export type SaveOutcome =
  | { kind: 'saved'; etag: string }
  /** The draft changed since `ifMatch` (a REST edit): as it is now. */
  | { kind: 'stale'; etag: string; entities: Record<string, unknown> };

/** Whose changes a save holds: their accounts for the audit entry, one of them as the draft's last writer. */
export interface SaveAuthors {
  accounts: string[];
  writer: Principal;
}

const entitiesOf = (body: string): Record<string, unknown> => {
  const document = JSON.parse(body) as { schema?: unknown; entities?: Record<string, unknown> };
  if (document.schema !== SCENE_SCHEMA_VERSION || typeof document.entities !== 'object')
    throw new Error(`live draft: the stored draft is not a schema ${SCENE_SCHEMA_VERSION} scene`);
  return document.entities;
};

export class LiveDraftStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly scenes: ScenesService,
  ) {}

  async load(world: World): Promise<LoadedDraft> {
    const draft = await this.scenes.draft(world);
    const entities = entitiesOf(draft.body);
    const row = await this.db
      .selectFrom('scene_draft_live')
      .select(['state', 'etag'])
      .where('world_id', '=', world.id)
      .executeTakeFirst();
    if (!row)
      return {
        doc: liveDocOf(entities, SERVER_ORIGIN),
        etag: draft.etag,
        entities,
        stateEntities: undefined,
      };
    const doc = new Y.Doc();
    Y.applyUpdate(doc, row.state, SERVER_ORIGIN);
    return {
      doc,
      etag: draft.etag,
      entities,
      stateEntities: row.etag === draft.etag ? undefined : liveEntitiesJson(doc),
    };
  }

  async savedEtag(world: World): Promise<string> {
    const row = await this.db
      .selectFrom('scene_drafts')
      .select('etag')
      .where('world_id', '=', world.id)
      .executeTakeFirstOrThrow();
    return row.etag;
  }

  async savedDraft(world: World): Promise<{ etag: string; entities: Record<string, unknown> }> {
    const draft = await this.scenes.draft(world);
    return { etag: draft.etag, entities: entitiesOf(draft.body) };
  }

  /** Saves `entities` if the draft is still `ifMatch`, then the Yjs state `doc` held when they were read. */
  async save(
    world: World,
    state: Uint8Array,
    entities: Record<string, unknown>,
    ifMatch: string,
    authors: SaveAuthors,
  ): Promise<SaveOutcome> {
    let etag: string;
    try {
      ({ etag } = await this.scenes.replaceDraft(world, authors.writer, ifMatch, {
        schema: SCENE_SCHEMA_VERSION,
        entities,
      }));
    } catch (error) {
      if (error instanceof Problem && error.getStatus() === 412)
        return { kind: 'stale', ...(await this.savedDraft(world)) };
      throw error;
    }
    await this.db
      .insertInto('scene_draft_live')
      .values({ world_id: world.id, state, etag })
      .onConflict((oc) => oc.column('world_id').doUpdateSet({ state, etag, updated_at: new Date() }))
      .execute();
    if (authors.accounts.length > 0)
      await recordWorldAudit(this.db, world, authors.accounts[0] ?? null, 'scene.draft-save', {
        editors: authors.accounts,
        etag,
      });
    return { kind: 'saved', etag };
  }

  /** Refuses (a Problem) references to assets, worlds or bindings that do not exist. */
  checkReferences(world: World, entities: Record<string, SceneEntity>): Promise<void> {
    return requireKnownReferences(this.db, world.id, { schema: SCENE_SCHEMA_VERSION, entities }, 'entities');
  }
}
