/**
 * A world's scene, schema 2: one JSON document. The studio edits a draft; `publish` freezes a numbered,
 * immutable copy that running instances load. Units: metres, radians, linear RGB as #rrggbb.
 *
 * Entities are keyed by id (`entities.<id>`), so a JSON Patch addresses an entity by its id
 * (`/entities/lamp-3/transform/position`) and two writers editing different entities never shift each
 * other's paths. Entities form a tree through `parent`; siblings are ordered by `order`, a fractional index
 * key (`fractional-indexing`): a new key fits between any two, so moving one entity rewrites only its own
 * key. Components are keyed by type: at most one of each per entity. Schema 1 documents (entities in an
 * array, components in a list) are converted by `convertSceneV1()`.
 */
import { z } from 'zod';
import {
  COMPONENT_TYPES,
  entityComponentsSchema,
  entityIdSchema,
  transformSchema,
  type EntityComponents,
  type EntityComponentsInput,
  type SceneComponent,
  type SceneComponentInput,
} from './scene-components.js';

export * from './scene-components.js';

/** The schema version this code writes; schema 1 documents are converted on import and by the migration. */
export const SCENE_SCHEMA_VERSION = 2;

/** Most entities in one scene. */
export const MAX_SCENE_ENTITIES = 10_000;

/** A sibling order key: fractional-indexing's base-62 keys (digits and letters). */
export const orderKeySchema = z
  .string()
  .regex(/^[0-9A-Za-z]{1,128}$/, 'an order key is 1–128 letters or digits (a fractional index key)');

export const sceneEntitySchema = z.strictObject({
  name: z.string().max(120).optional(),
  /** Parent entity id; absent = a root entity. The transform is relative to the parent. */
  parent: entityIdSchema.optional(),
  /** Position among its siblings (ascending; ties broken by id). */
  order: orderKeySchema,
  transform: transformSchema,
  components: entityComponentsSchema.default({}),
});
export type SceneEntity = z.infer<typeof sceneEntitySchema>;
/** An entity as written (defaults not yet applied). */
export type SceneEntityInput = z.input<typeof sceneEntitySchema>;

export const sceneDocumentSchema = z
  .strictObject({
    schema: z.literal(SCENE_SCHEMA_VERSION, {
      message: `scene schema must be ${SCENE_SCHEMA_VERSION}; a schema 1 document is converted when imported or PUT`,
    }),
    entities: z.record(entityIdSchema, sceneEntitySchema),
  })
  .superRefine((scene, ctx) => {
    for (const issue of sceneStructureIssues(scene.entities)) ctx.addIssue({ code: 'custom', ...issue });
  });
export type SceneDocument = z.infer<typeof sceneDocumentSchema>;
/** A scene as written (defaults not yet applied): what the simulation reads, so it does not need zod's output. */
export type SceneDocumentInput = z.input<typeof sceneDocumentSchema>;

/**
 * What makes a set of valid entities an invalid scene: too many, a parent that is missing or the entity
 * itself, a parent cycle, more than one default spawn point, a same-world portal to a spawn point the
 * scene lacks. Linear in the entities; the schema runs it, and so does a draft patch that re-parses only
 * the entities it touched.
 */
export function sceneStructureIssues(
  entities: Record<string, Pick<SceneEntityInput, 'parent'> & { components?: EntityComponentsInput }>,
): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const ids = Object.keys(entities);
  if (ids.length > MAX_SCENE_ENTITIES)
    issues.push({
      path: ['entities'],
      message: `${ids.length} entities; a scene holds at most ${MAX_SCENE_ENTITIES}`,
    });
  for (const [id, entity] of Object.entries(entities)) {
    if (entity.parent === undefined) continue;
    if (entity.parent === id)
      issues.push({ path: ['entities', id, 'parent'], message: `entity "${id}" cannot be its own parent` });
    else if (!Object.hasOwn(entities, entity.parent))
      issues.push({
        path: ['entities', id, 'parent'],
        message: `parent "${entity.parent}" is not an entity of this scene; add it or remove "parent"`,
      });
  }
  const cycle = findParentCycle(entities);
  if (cycle)
    issues.push({
      path: ['entities', cycle[0]!, 'parent'],
      message: `entities ${cycle.join(' → ')} are each other's parents; the hierarchy must be a tree`,
    });
  const defaults = ids.filter((id) => entities[id]!.components?.['spawn-point']?.default === true);
  if (defaults.length > 1)
    issues.push({
      path: ['entities', defaults[1]!, 'components', 'spawn-point', 'default'],
      message: `${defaults.length} spawn points are marked default (${defaults.join(', ')}); mark at most one`,
    });
  const spawns = new Set(Object.values(entities).flatMap((e) => e.components?.['spawn-point']?.name ?? []));
  for (const [id, entity] of Object.entries(entities)) {
    const portal = entity.components?.portal;
    if (portal && portal.world === undefined && !spawns.has(portal.spawn))
      issues.push({
        path: ['entities', id, 'components', 'portal', 'spawn'],
        message: `this scene has no spawn point named "${portal.spawn}"; name one of its spawn points or set "world"`,
      });
  }
  return issues;
}

/** An empty scene: what a new world's draft starts as. */
export function emptyScene(): SceneDocument {
  return { schema: SCENE_SCHEMA_VERSION, entities: {} };
}

/** An entity with its id beside it: how code walks a scene. */
export type IdentifiedEntity<E extends SceneEntityInput = SceneEntity> = E & { id: string };

/**
 * The scene's entities in tree order: each parent before its children, siblings by `order` then id. An
 * entity whose parent is missing (never in a validated document) is listed as a root.
 */
export function sceneEntities<D extends SceneDocumentInput>(
  scene: D,
): IdentifiedEntity<D['entities'][string]>[] {
  type E = D['entities'][string];
  const entries = Object.entries(scene.entities) as [string, E][];
  const children = new Map<string | undefined, [string, E][]>();
  for (const entry of entries) {
    const parent =
      entry[1].parent !== undefined && Object.hasOwn(scene.entities, entry[1].parent)
        ? entry[1].parent
        : undefined;
    const siblings = children.get(parent);
    if (siblings) siblings.push(entry);
    else children.set(parent, [entry]);
  }
  const out: IdentifiedEntity<E>[] = [];
  const visit = (parent: string | undefined): void => {
    const siblings = children.get(parent);
    if (!siblings) return;
    siblings.sort(([aId, a], [bId, b]) => compareKeys(a.order, b.order) || compareKeys(aId, bId));
    for (const [id, entity] of siblings) {
      out.push({ ...entity, id });
      visit(id);
    }
  };
  visit(undefined);
  return out;
}

/** An entity's components as a list with their types, in `COMPONENT_TYPES` order. */
export function componentsOf(entity: { components?: EntityComponents }): SceneComponent[];
export function componentsOf(entity: { components?: EntityComponentsInput }): SceneComponentInput[];
export function componentsOf(entity: { components?: EntityComponentsInput }): SceneComponentInput[] {
  const components = entity.components ?? {};
  const list: SceneComponentInput[] = [];
  for (const type of COMPONENT_TYPES) {
    const fields = components[type];
    if (fields !== undefined) list.push({ type, ...fields } as SceneComponentInput);
  }
  return list;
}

/** Code-unit order, the order fractional-indexing keys are made for (not locale order). */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A parent chain that loops, if any. Linear time: each entity is walked at most once. */
function findParentCycle(entities: Record<string, { parent?: string | undefined }>): string[] | undefined {
  const settled = new Set<string>();
  for (const start of Object.keys(entities)) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let at: string | undefined = start;
    while (at !== undefined && !settled.has(at) && Object.hasOwn(entities, at)) {
      if (onPath.has(at)) return [...path.slice(path.indexOf(at)), at];
      onPath.add(at);
      path.push(at);
      at = entities[at]!.parent;
    }
    for (const id of path) settled.add(id);
  }
  return undefined;
}
