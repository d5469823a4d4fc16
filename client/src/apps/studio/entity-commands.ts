/**
 * The editor's edits as commands on the draft (JSON Patch by entity id, with their inverse): add an empty
 * entity, place a model, use an environment as the sky, rename, set a transform, delete an entity with
 * everything under it.
 */
import { generateKeyBetween } from 'fractional-indexing';
import {
  sceneEntities,
  type SceneComponentType,
  type SceneDocument,
  type SceneEntity,
} from '../../../../protocol/index.js';
import { setCommand, type Command } from './draft-session.js';
import { mintEntityId } from './entity-ids.js';

/** A new root entity at `position`, after the last root; its id is the first free `entity-<n>` (tagged live). */
export function addEntityCommand(
  scene: SceneDocument,
  position: [number, number, number],
): {
  command: Command;
  id: string;
} {
  let n = 1;
  while (
    Object.hasOwn(
      scene.entities,
      mintEntityId(`entity-${n}`, () => false),
    )
  )
    n += 1;
  const id = mintEntityId(`entity-${n}`, (taken) => Object.hasOwn(scene.entities, taken));
  const roots = sceneEntities(scene).filter((entity) => entity.parent === undefined);
  const order = generateKeyBetween(roots.at(-1)?.order ?? null, null);
  const value = { name: `Entity ${n}`, order, transform: { position }, components: {} };
  return {
    id,
    command: {
      label: `add ${id}`,
      forward: [{ op: 'add', path: `/entities/${id}`, value }],
      backward: [{ op: 'remove', path: `/entities/${id}` }],
    },
  };
}

/**
 * Lights the scene with an uploaded HDR environment (and draws it as the sky): sets `hdri` on the first
 * entity with an environment component, or adds a "Sky" entity with one. Undo puts back what was there.
 */
export function skyEnvironmentCommand(scene: SceneDocument, hash: string, name: string): Command {
  const holder = sceneEntities(scene).find((entity) => entity.components.environment !== undefined);
  if (holder) {
    const before = holder.components.environment!;
    const { hdriSky: _drawnAsSky, ...rest } = before;
    return {
      ...componentCommand(scene, holder.id, 'environment', { ...rest, hdri: hash }),
      label: `use ${name} as the sky`,
    };
  }
  const { command, id } = addEntityCommand(scene, [0, 0, 0]);
  const added = command.forward[0] as { value: Record<string, unknown> };
  const value = { ...added.value, name: 'Sky', components: { environment: { sky: '#9cc7e6', hdri: hash } } };
  return {
    ...command,
    label: `use ${name} as the sky`,
    forward: [{ op: 'add', path: `/entities/${id}`, value }],
  };
}

/** A new root entity showing an uploaded model (by its asset hash) at `position`, named after it. */
export function addModelCommand(
  scene: SceneDocument,
  asset: string,
  name: string,
  position: [number, number, number],
): { command: Command; id: string } {
  const { command, id } = addEntityCommand(scene, position);
  const added = command.forward[0] as { value: Record<string, unknown> };
  const value = { ...added.value, name: name.slice(0, 120), components: { model: { asset } } };
  return {
    id,
    command: { ...command, label: `place ${name}`, forward: [{ op: 'add', path: `/entities/${id}`, value }] },
  };
}

/** Names an entity (an empty name removes the name: the hierarchy then shows its id). */
export function renameCommand(scene: SceneDocument, id: string, name: string): Command {
  const path = `/entities/${id}/name`;
  const before = scene.entities[id]?.name;
  const trimmed = name.trim();
  if (trimmed !== '') return setCommand(`rename ${id}`, path, before, trimmed);
  return {
    label: `unname ${id}`,
    forward: before === undefined ? [] : [{ op: 'remove', path }],
    backward: before === undefined ? [] : [{ op: 'add', path, value: before }],
  };
}

export function transformCommand(
  scene: SceneDocument,
  id: string,
  transform: SceneEntity['transform'],
): Command {
  return setCommand(`move ${id}`, `/entities/${id}/transform`, scene.entities[id]?.transform, transform);
}

/** Deletes the entity and its descendants (deepest first); undo puts them back (parents first). */
export function deleteEntityCommand(scene: SceneDocument, id: string): Command {
  return deleteEntitiesCommand(scene, [id]);
}

/** Deletes the entities and everything under them, as one undo step. */
export function deleteEntitiesCommand(scene: SceneDocument, ids: readonly string[]): Command {
  const doomed = new Set(ids.filter((id) => Object.hasOwn(scene.entities, id)));
  const chosen = doomed.size;
  const named = chosen === 1 ? [...doomed][0]! : `${chosen} entities`;
  const ordered = sceneEntities(scene); // parents before children
  for (const entity of ordered)
    if (entity.parent !== undefined && doomed.has(entity.parent)) doomed.add(entity.id);
  const removal = ordered.filter((entity) => doomed.has(entity.id));
  return {
    label: `delete ${named}${removal.length > chosen ? ` and ${removal.length - chosen} under ${chosen === 1 ? 'it' : 'them'}` : ''}`,
    forward: [...removal]
      .reverse()
      .map((entity) => ({ op: 'remove' as const, path: `/entities/${entity.id}` })),
    backward: removal.map((entity) => ({
      op: 'add' as const,
      path: `/entities/${entity.id}`,
      value: scene.entities[entity.id],
    })),
  };
}

/** Sets one component of an entity (adds it when absent); `value` undefined removes it. */
export function componentCommand(
  scene: SceneDocument,
  id: string,
  type: SceneComponentType,
  value: unknown,
): Command {
  const path = `/entities/${id}/components/${type}`;
  const before = scene.entities[id]?.components[type];
  if (value !== undefined)
    return setCommand(`${before ? 'edit' : 'add'} ${type} of ${id}`, path, before, value);
  return {
    label: `remove ${type} from ${id}`,
    forward: before === undefined ? [] : [{ op: 'remove', path }],
    backward: before === undefined ? [] : [{ op: 'add', path, value: before }],
  };
}
