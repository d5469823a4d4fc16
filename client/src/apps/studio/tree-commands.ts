/**
 * Edits of the entity tree as draft commands: move entities under another parent (or to the root, or before
 * a sibling) staying where they are in the world, duplicate them with everything under them, and copy and
 * paste them (within a world or into another). Ids of copies are fresh (`<id>-copy`, `-copy-2`, …); a
 * copied spawn point gets a fresh name and is never a second default, so the copy is always a valid scene.
 */
import { generateNKeysBetween } from 'fractional-indexing';
import {
  relativeTo,
  sceneEntities,
  transformResolver,
  type SceneDocument,
  type SceneEntity,
  type WorldTransform,
} from '../../../../protocol/index.js';
import type { Command } from './draft-session.js';
import { mintEntityId } from './entity-ids.js';

/** Entities copied to paste elsewhere: the roots placed in world space, their descendants as they were. */
export interface EntityClip {
  kind: 'metaverse-in-a-box/entities';
  /** Roots first (tree order); a root has no parent. */
  entities: Record<string, SceneEntity>;
  roots: string[];
}

const asTransform = (t: WorldTransform): SceneEntity['transform'] => ({
  position: t.p,
  rotation: t.q,
  scale: t.s,
});
const worldOf = (scene: SceneDocument) => {
  const resolve = transformResolver(scene);
  return (id: string): WorldTransform => resolve({ ...scene.entities[id]!, id });
};

/** The chosen ids without those under another chosen one (moving a parent moves its children). */
export function topmost(scene: SceneDocument, ids: readonly string[]): string[] {
  const chosen = new Set(ids.filter((id) => Object.hasOwn(scene.entities, id)));
  const under = (id: string): boolean => {
    for (let at = scene.entities[id]!.parent; at !== undefined; at = scene.entities[at]?.parent)
      if (chosen.has(at)) return true;
    return false;
  };
  return sceneEntities(scene)
    .map((entity) => entity.id)
    .filter((id) => chosen.has(id) && !under(id));
}

/** The children of `parent` (undefined = the roots) in order. */
function childrenOf(scene: SceneDocument, parent: string | undefined): { id: string; order: string }[] {
  return Object.entries(scene.entities)
    .filter(([, entity]) => entity.parent === parent)
    .map(([id, entity]) => ({ id, order: entity.order }))
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.id < b.id ? -1 : 1));
}

/** `count` order keys at the end of `parent`'s children, or just before `before` among them. */
function keysFor(scene: SceneDocument, parent: string | undefined, count: number, before?: string): string[] {
  const siblings = childrenOf(scene, parent);
  const at = before === undefined ? siblings.length : siblings.findIndex((s) => s.id === before);
  const index = at < 0 ? siblings.length : at;
  return generateNKeysBetween(siblings[index - 1]?.order ?? null, siblings[index]?.order ?? null, count);
}

/**
 * Moves entities under `parent` (undefined = the root), after its last child or just before `before`,
 * keeping where each is in the world. Refused (a sentence) when that would put an entity under itself.
 */
export function reparentCommand(
  scene: SceneDocument,
  ids: readonly string[],
  parent: string | undefined,
  before?: string,
): Command | string {
  const moving = topmost(scene, ids).filter((id) => id !== before);
  if (moving.length === 0) return 'nothing to move';
  for (let at = parent; at !== undefined; at = scene.entities[at]?.parent)
    if (moving.includes(at))
      return `"${scene.entities[at]!.name ?? at}" cannot go inside itself or something under it`;
  const world = worldOf(scene);
  const parentWorld = parent !== undefined ? world(parent) : undefined;
  const keys = keysFor(
    {
      ...scene,
      entities: Object.fromEntries(Object.entries(scene.entities).filter(([id]) => !moving.includes(id))),
    },
    parent,
    moving.length,
    before,
  );
  const forward: Command['forward'] = [];
  const backward: Command['backward'] = [];
  moving.forEach((id, i) => {
    const entity = scene.entities[id]!;
    const transform = parentWorld ? asTransform(relativeTo(parentWorld, world(id))) : asTransform(world(id));
    const { parent: _old, ...rest } = entity;
    const next: SceneEntity = {
      ...rest,
      ...(parent !== undefined && { parent }),
      order: keys[i]!,
      transform,
    };
    forward.push({ op: 'replace', path: `/entities/${id}`, value: next });
    backward.push({ op: 'replace', path: `/entities/${id}`, value: entity });
  });
  const target = parent === undefined ? 'the top level' : `"${scene.entities[parent]!.name ?? parent}"`;
  return {
    label: `move ${moving.length === 1 ? moving[0] : `${moving.length} entities`} to ${target}`,
    forward,
    backward,
  };
}

/** The chosen entities and everything under them, ready to paste (roots in world space). */
export function copyEntities(scene: SceneDocument, ids: readonly string[]): EntityClip | null {
  const roots = topmost(scene, ids);
  if (roots.length === 0) return null;
  const world = worldOf(scene);
  const taken = new Set(roots);
  const entities: Record<string, SceneEntity> = {};
  for (const entity of sceneEntities(scene)) {
    const { id, ...fields } = entity;
    if (taken.has(id) && roots.includes(id)) {
      const { parent: _parent, ...root } = fields;
      entities[id] = { ...root, transform: asTransform(world(id)) };
    } else if (fields.parent !== undefined && taken.has(fields.parent)) {
      taken.add(id);
      entities[id] = fields;
    }
  }
  return { kind: 'metaverse-in-a-box/entities', entities, roots };
}

/** A fresh id for a copy of `id`. */
function freshId(id: string, used: Set<string>): string {
  const base = `${id.replace(/-copy(-\d+)?(-[0-9a-z]{1,7})?$/, '').slice(0, 50)}-copy`;
  const candidate = mintEntityId(base, (taken) => used.has(taken));
  used.add(candidate);
  return candidate;
}

/**
 * Adds a clip's entities with fresh ids: its roots under `parent` (undefined = the root) at the end, each
 * moved by `offset` metres in the world. Answers the command and the new roots' ids (to select them).
 */
export function pasteCommand(
  scene: SceneDocument,
  clip: EntityClip,
  options: { parent?: string | undefined; offset?: [number, number, number]; label?: string } = {},
): { command: Command; roots: string[] } {
  const used = new Set(Object.keys(scene.entities));
  const ids = new Map<string, string>();
  for (const id of Object.keys(clip.entities)) ids.set(id, freshId(id, used));
  const spawnNames = new Set(
    Object.values(scene.entities).flatMap((e) => e.components['spawn-point']?.name ?? []),
  );
  const keys = keysFor(scene, options.parent, clip.roots.length);
  const parentWorld = options.parent !== undefined ? worldOf(scene)(options.parent) : undefined;
  const [dx, dy, dz] = options.offset ?? [0, 0, 0];
  const forward: Command['forward'] = [];
  const backward: Command['backward'] = [];
  for (const [oldId, entity] of Object.entries(clip.entities)) {
    const id = ids.get(oldId)!;
    const rootIndex = clip.roots.indexOf(oldId);
    const copy: SceneEntity = structuredClone(entity);
    if (rootIndex >= 0) {
      const p = copy.transform.position;
      const placed: WorldTransform = {
        p: [p[0] + dx, p[1] + dy, p[2] + dz],
        q: copy.transform.rotation,
        s: copy.transform.scale,
      };
      copy.transform = asTransform(parentWorld ? relativeTo(parentWorld, placed) : placed);
      copy.order = keys[rootIndex]!;
      if (options.parent !== undefined) copy.parent = options.parent;
    } else copy.parent = ids.get(copy.parent!)!;
    const spawn = copy.components['spawn-point'];
    if (spawn) {
      let name = `${spawn.name.slice(0, 56)}-copy`;
      for (let n = 2; spawnNames.has(name); n += 1) name = `${spawn.name.slice(0, 56)}-copy-${n}`;
      spawnNames.add(name);
      copy.components['spawn-point'] = { ...spawn, name, default: false };
    }
    if (copy.name !== undefined && rootIndex >= 0) copy.name = `${copy.name} copy`.slice(0, 120);
    forward.push({ op: 'add', path: `/entities/${id}`, value: copy });
  }
  for (const op of [...forward].reverse()) backward.push({ op: 'remove', path: op.path });
  const roots = clip.roots.map((id) => ids.get(id)!);
  const count = Object.keys(clip.entities).length;
  return {
    command: {
      label: options.label ?? `paste ${count} entit${count === 1 ? 'y' : 'ies'}`,
      forward,
      backward,
    },
    roots,
  };
}

/** Copies of the chosen entities (and what is under them) beside the originals, one metre along x. */
export function duplicateCommand(
  scene: SceneDocument,
  ids: readonly string[],
): { command: Command; roots: string[] } | null {
  const roots = topmost(scene, ids);
  if (roots.length === 0) return null;
  // Each root is pasted under its own parent, so group the roots by parent.
  const byParent = new Map<string | undefined, string[]>();
  for (const id of roots) {
    const parent = scene.entities[id]!.parent;
    byParent.set(parent, [...(byParent.get(parent) ?? []), id]);
  }
  let working = scene;
  const forward: Command['forward'] = [];
  const made: string[] = [];
  for (const [parent, group] of byParent) {
    const clip = copyEntities(working, group)!;
    const { command, roots: added } = pasteCommand(working, clip, { parent, offset: [1, 0, 0] });
    forward.push(...command.forward);
    made.push(...added);
    working = {
      ...working,
      entities: {
        ...working.entities,
        ...Object.fromEntries(
          command.forward.map((op) => [op.path.split('/')[2]!, (op as { value: SceneEntity }).value]),
        ),
      },
    };
  }
  const backward = [...forward].reverse().map((op) => ({ op: 'remove' as const, path: op.path }));
  return {
    command: {
      label: `duplicate ${made.length === 1 ? roots[0] : `${made.length} entities`}`,
      forward,
      backward,
    },
    roots: made,
  };
}

/** A clip read back from the clipboard's text, or null when it is not one. */
export function readClip(text: string): EntityClip | null {
  try {
    const value = JSON.parse(text) as Partial<EntityClip>;
    if (
      value.kind !== 'metaverse-in-a-box/entities' ||
      !Array.isArray(value.roots) ||
      typeof value.entities !== 'object'
    )
      return null;
    return value as EntityClip;
  } catch {
    return null;
  }
}
