/**
 * A schema 2 scene as a Yjs document, for live editing: the root map `entities` holds one Y.Map per entity
 * id, and each entity map holds the entity's properties flattened to one key each — `name`, `parent`,
 * `order`, `transform/position`, `transform/rotation`, `transform/scale`, and per component a marker
 * `components/<type>` (true) with its fields `components/<type>/<field>`. A property's value (a number, a
 * string, a vector) is replaced whole.
 *
 * What that gives, by Yjs' own rules (no merge code here):
 * - two writers of one property: the last writer wins, and every replica picks the same one;
 * - writers of different properties of one entity: both kept;
 * - one deletes an entity while another edits it: the delete wins (the edit lands in a removed map);
 * - two add the same component: one component, their fields merged;
 * - one removes a component while another edits a field: the removal wins (a field without its marker is
 *   not part of the entity, and is dropped when the component is added again).
 * Scene-wide rules (a parent cycle, one default spawn point) are the server's to enforce: it corrects what
 * a merge breaks (server/rooms/editor/live-draft.ts).
 */
import * as Y from 'yjs';

/** The root map's name. */
export const LIVE_ENTITIES = 'entities';

const TRANSFORM = 'transform/';
const COMPONENTS = 'components/';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The entities map of a live scene document. */
export function liveEntities(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>(LIVE_ENTITIES);
}

/** An entity as written (JSON) → its flat properties. */
export function flattenEntity(entity: unknown): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  if (!isRecord(entity)) return flat;
  for (const [key, value] of Object.entries(entity)) {
    if (key === 'transform' && isRecord(value))
      for (const [field, fieldValue] of Object.entries(value)) flat.set(TRANSFORM + field, fieldValue);
    else if (key === 'components' && isRecord(value))
      for (const [type, component] of Object.entries(value)) {
        if (!isRecord(component)) {
          flat.set(COMPONENTS + type, component); // not an object: kept as it is, for validation to refuse
          continue;
        }
        flat.set(COMPONENTS + type, true);
        for (const [field, fieldValue] of Object.entries(component))
          flat.set(`${COMPONENTS}${type}/${field}`, fieldValue);
      }
    else flat.set(key, value);
  }
  return flat;
}

/** Flat properties → the entity as written (components always present; fields without a marker left out). */
export function unflattenEntity(flat: Iterable<[string, unknown]>): Record<string, unknown> {
  const entity: Record<string, unknown> = {};
  const transform: Record<string, unknown> = {};
  const components: Record<string, unknown> = {};
  const fields: [string, string, unknown][] = [];
  let hasTransform = false;
  for (const [key, value] of flat) {
    if (key.startsWith(TRANSFORM)) {
      transform[key.slice(TRANSFORM.length)] = value;
      hasTransform = true;
    } else if (key.startsWith(COMPONENTS)) {
      const rest = key.slice(COMPONENTS.length);
      const slash = rest.indexOf('/');
      if (slash < 0) components[rest] = value === true ? {} : value;
      else fields.push([rest.slice(0, slash), rest.slice(slash + 1), value]);
    } else entity[key] = value;
  }
  for (const [type, field, value] of fields) {
    const component = components[type];
    if (isRecord(component)) component[field] = value;
  }
  // The usual order of a written entity: name, parent, order, transform, components.
  const ordered: Record<string, unknown> = {};
  for (const key of ['name', 'parent', 'order']) if (key in entity) ordered[key] = entity[key];
  if (hasTransform) ordered['transform'] = transform;
  for (const [key, value] of Object.entries(entity)) if (!(key in ordered)) ordered[key] = value;
  ordered['components'] = sortedKeys(components);
  return ordered;
}

function sortedKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One entity of a live document as written, or undefined when it is not there. */
export function liveEntityJson(doc: Y.Doc, id: string): Record<string, unknown> | undefined {
  const map = liveEntities(doc).get(id);
  return map instanceof Y.Map ? unflattenEntity(map.entries()) : undefined;
}

/** Every entity of a live document as written. */
export function liveEntitiesJson(doc: Y.Doc): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [id, map] of liveEntities(doc).entries())
    if (map instanceof Y.Map) out[id] = unflattenEntity(map.entries());
  return out;
}

const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * Makes entity `id` of the document equal `entity` (as written), writing only the properties that differ;
 * `undefined` removes it. Call inside a transaction to send it as one change.
 */
export function writeLiveEntity(doc: Y.Doc, id: string, entity: unknown): void {
  const entities = liveEntities(doc);
  if (entity === undefined) {
    if (entities.has(id)) entities.delete(id);
    return;
  }
  const flat = flattenEntity(entity);
  const existing = entities.get(id);
  if (!(existing instanceof Y.Map)) {
    const map = new Y.Map<unknown>();
    for (const [key, value] of flat) map.set(key, value);
    entities.set(id, map);
    return;
  }
  for (const key of [...existing.keys()]) if (!flat.has(key)) existing.delete(key);
  for (const [key, value] of flat)
    if (!existing.has(key) || !same(existing.get(key), value)) existing.set(key, value);
}

/** A new live document holding `entities` (as written), written by one transaction with `origin`. */
export function liveDocOf(entities: Record<string, unknown>, origin: unknown = null): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const [id, entity] of Object.entries(entities)) writeLiveEntity(doc, id, entity);
  }, origin);
  return doc;
}

/**
 * The entity ids a transaction added, changed or removed: the root map's changed keys, and the ids of the
 * entity maps whose properties changed (a map removed in the same transaction is reported by the root).
 */
export function touchedEntityIds(transaction: Y.Transaction, doc: Y.Doc): Set<string> {
  const root = liveEntities(doc);
  const ids = new Set<string>();
  for (const [type, keys] of transaction.changed) {
    if ((type as unknown) === root) {
      for (const key of keys) if (key !== null) ids.add(key);
    } else if ((type.parent as unknown) === root && type._item?.parentSub) ids.add(type._item.parentSub);
  }
  return ids;
}

/**
 * Whether `item` has the shape of a live scene: an entity map (a Y.Map) under a key of the root map, or
 * one plain value (a string, a number, a vector…) under a property key of an entity map. Anything else — a
 * root other than `entities`, list content in a map, text, binary, nested types, subdocuments, several
 * values in one item — is never written by the studio: only a crafted update holds it.
 */
function inSceneShape(item: Y.Item, root: object): boolean {
  if (item.parentSub === null) return false;
  if (item.parent === root)
    return item.content instanceof Y.ContentType && item.content.type instanceof Y.Map;
  const entity = item.parent instanceof Y.Map ? (item.parent as Y.Map<unknown>)._item : null;
  return (
    entity !== null &&
    entity.parent === root &&
    entity.parentSub !== null &&
    item.content instanceof Y.ContentAny &&
    item.content.getLength() === 1
  );
}

/**
 * The items not deleted that lie outside the scene's shape (`inSceneShape`): content no schema check sees
 * (other roots, hidden values), which would otherwise be kept, saved and relayed. `since`: each client's
 * clock to start from (a transaction's `beforeState`: what it added); empty: the whole document.
 */
export function strayItems(doc: Y.Doc, since: ReadonlyMap<number, number> = new Map()): Y.Item[] {
  const root = liveEntities(doc);
  const stray: Y.Item[] = [];
  for (const [client, structs] of doc.store.clients) {
    const from = since.get(client) ?? 0;
    const last = structs.at(-1);
    if (!last || last.id.clock + last.length <= from) continue;
    for (let i = Y.findIndexSS(structs, from); i < structs.length; i++) {
      const struct = structs[i]!;
      if (struct instanceof Y.Item && !struct.deleted && !inSceneShape(struct, root)) stray.push(struct);
    }
  }
  return stray;
}

/**
 * The clients whose structs an update carries (an update is refused when it carries another connected
 * editor's). Throws when the bytes are not a Yjs update.
 */
export function updateAuthors(update: Uint8Array): Set<number> {
  const { structs } = Y.decodeUpdate(update);
  return new Set(structs.map((struct) => struct.id.client));
}
