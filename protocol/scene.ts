/**
 * A world's scene: one JSON document with a versioned schema. The studio edits a draft; `publish` freezes a
 * numbered, immutable copy that running instances load. Units: metres, radians, linear RGB as #rrggbb.
 *
 * Every object is strict (unknown fields are refused), so a typo in a component is an error, not a field
 * silently ignored. Entities form a tree through `parent`; ids are unique within the scene.
 */
import { z } from 'zod';

/** The schema version this code writes; documents of another version are refused with the reason. */
export const SCENE_SCHEMA_VERSION = 1;

/** Most entities in one scene. */
export const MAX_SCENE_ENTITIES = 10_000;

/** A sha-256 content hash in lowercase hex: how scenes refer to uploaded assets. */
export const assetHashSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'an asset hash is 64 lowercase hex characters (sha-256 of the asset)');

const finite = z.number().finite();
const vec3 = z.tuple([finite, finite, finite]);
/** A unit quaternion x, y, z, w. */
const quat = z.tuple([finite, finite, finite, finite]);
const colour = z.string().regex(/^#[0-9a-f]{6}$/, 'a colour is #rrggbb in lowercase hex');
const entityId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'an entity id is 1–64 letters, digits, "_" or "-"');
const worldSlug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a world slug is 1–63 lowercase letters, digits or dashes');

export const transformSchema = z.strictObject({
  position: vec3,
  rotation: quat.default([0, 0, 0, 1]),
  scale: vec3.default([1, 1, 1]),
});

const model = z.strictObject({ type: z.literal('model'), asset: assetHashSchema });
/**
 * A light. Directional and spot lights shine along the entity's local −z (as glTF's KHR_lights_punctual);
 * a scene's ambient lights replace the player's default sky light, its directional lights the default sun
 * (the first one casts the shadows when the visitor has shadows on).
 */
const light = z.strictObject({
  type: z.literal('light'),
  kind: z.enum(['ambient', 'directional', 'point', 'spot']),
  color: colour.default('#ffffff'),
  /** Candela for point/spot, lux for directional/ambient. */
  intensity: z.number().min(0).max(100_000),
  /** Metres; 0 = no limit (point/spot only). */
  range: z.number().min(0).max(10_000).optional(),
  /** Spot only: the cone's half-angle in radians (default π/6). */
  angle: z
    .number()
    .gt(0)
    .max(Math.PI / 2)
    .optional(),
});
const environment = z.strictObject({
  type: z.literal('environment'),
  sky: z.union([colour, assetHashSchema]),
  fog: z.strictObject({ color: colour, near: z.number().min(0), far: z.number().positive() }).optional(),
});
const spawnPoint = z.strictObject({
  type: z.literal('spawn-point'),
  /** Spawn points with a name can be a portal's target; the default one is where visitors appear. */
  name: z.string().min(1).max(64),
  default: z.boolean().default(false),
});
const collider = z.strictObject({
  type: z.literal('collider'),
  shape: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('box'), halfExtents: vec3 }),
    z.strictObject({ kind: z.literal('sphere'), radius: z.number().positive() }),
    z.strictObject({
      kind: z.literal('capsule'),
      radius: z.number().positive(),
      height: z.number().positive(),
    }),
    z.strictObject({ kind: z.literal('mesh'), asset: assetHashSchema }),
  ]),
});
const portal = z.strictObject({
  type: z.literal('portal'),
  /** Target world by slug; absent = this world. */
  world: worldSlug.optional(),
  spawn: z.string().min(1).max(64),
  /** Trigger radius in metres. */
  radius: z.number().positive().max(50).default(1.5),
  /**
   * Locked: it lets through only visitors who bound a key for it (POST /nft/bindings, use "key") — a token
   * of this contract (this very token when tokenId is given) that their wallet still holds.
   */
  key: z
    .strictObject({
      chainId: z.number().int().positive(),
      contract: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a contract address: 0x and 40 hex digits'),
      tokenId: z
        .string()
        .regex(/^\d{1,78}$/, 'must be a token id in decimal')
        .optional(),
    })
    .optional(),
});
const screen = z.strictObject({
  type: z.literal('screen'),
  source: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('video'), url: z.url({ protocol: /^https?$/ }) }),
    z.strictObject({ kind: z.literal('screen-share') }),
  ]),
  /** Width and height in metres. */
  size: z.tuple([z.number().positive(), z.number().positive()]),
});
const nftFrame = z.strictObject({
  type: z.literal('nft-frame'),
  /**
   * Shows only this binding (its id from POST /nft/bindings), when set. Otherwise the frame shows the newest
   * active frame binding made for it (by the world's editors, or by any holder when `open`).
   */
  binding: z.string().min(1).max(128).optional(),
  /** Any visitor may show a token they hold here (a public gallery wall), not only the world's editors. */
  open: z.boolean().default(false),
  /** Width and height in metres. */
  size: z.tuple([z.number().positive().max(20), z.number().positive().max(20)]).default([1, 1]),
});
const voiceZone = z.strictObject({
  type: z.literal('voice-zone'),
  mode: z.enum(['private', 'stage', 'global']),
  /** Zone volume as a box around the entity: half extents in metres. */
  halfExtents: vec3,
});
const text = z.strictObject({
  type: z.literal('text'),
  text: z.string().max(2_000),
  color: colour.default('#ffffff'),
  /** Letter height in metres. */
  size: z.number().positive().max(100).default(0.3),
});
const interactable = z.strictObject({
  type: z.literal('interactable'),
  action: z.enum(['sit', 'grab', 'trigger']),
  /** Reach in metres: how close a visitor must be for the server to accept the interaction. */
  reach: z.number().positive().max(10).default(2),
});

export const sceneComponentSchema = z.discriminatedUnion('type', [
  model,
  light,
  environment,
  spawnPoint,
  collider,
  portal,
  screen,
  nftFrame,
  voiceZone,
  text,
  interactable,
]);
export type SceneComponent = z.infer<typeof sceneComponentSchema>;
export type SceneComponentType = SceneComponent['type'];

export const sceneEntitySchema = z.strictObject({
  id: entityId,
  name: z.string().max(120).optional(),
  /** Parent entity id; absent = a root entity. The transform is relative to the parent. */
  parent: entityId.optional(),
  transform: transformSchema,
  components: z.array(sceneComponentSchema).max(16).default([]),
});
export type SceneEntity = z.infer<typeof sceneEntitySchema>;
/** An entity as written (defaults not yet applied). */
export type SceneEntityInput = z.input<typeof sceneEntitySchema>;

export const sceneDocumentSchema = z
  .strictObject({
    schema: z.literal(SCENE_SCHEMA_VERSION, {
      message: `scene schema must be ${SCENE_SCHEMA_VERSION}; convert older documents with the studio`,
    }),
    entities: z.array(sceneEntitySchema).max(MAX_SCENE_ENTITIES),
  })
  .superRefine((scene, ctx) => {
    const ids = new Map<string, number>();
    scene.entities.forEach((entity, index) => {
      if (ids.has(entity.id))
        ctx.addIssue({
          code: 'custom',
          path: ['entities', index, 'id'],
          message: `entity id "${entity.id}" is used twice; ids must be unique within a scene`,
        });
      ids.set(entity.id, index);
    });
    scene.entities.forEach((entity, index) => {
      if (entity.parent !== undefined && !ids.has(entity.parent))
        ctx.addIssue({
          code: 'custom',
          path: ['entities', index, 'parent'],
          message: `parent "${entity.parent}" is not an entity of this scene`,
        });
    });
    const cycle = findParentCycle(scene.entities);
    if (cycle)
      ctx.addIssue({
        code: 'custom',
        path: ['entities'],
        message: `entities ${cycle.join(' → ')} are each other's parents; the hierarchy must be a tree`,
      });
    const defaults = scene.entities.filter((e) =>
      e.components.some((c) => c.type === 'spawn-point' && c.default),
    );
    if (defaults.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['entities'],
        message: `${defaults.length} spawn points are marked default; mark at most one`,
      });
  });
export type SceneDocument = z.infer<typeof sceneDocumentSchema>;
/** A scene as written (defaults not yet applied): what the simulation reads, so it does not need zod's output. */
export type SceneDocumentInput = z.input<typeof sceneDocumentSchema>;

/** An empty scene: what a new world's draft starts as. */
export function emptyScene(): SceneDocument {
  return { schema: SCENE_SCHEMA_VERSION, entities: [] };
}

/** A parent chain that loops, if any. Linear time: each entity is walked at most once. */
function findParentCycle(entities: readonly SceneEntity[]): string[] | undefined {
  const parentOf = new Map(entities.map((e) => [e.id, e.parent]));
  const settled = new Set<string>();
  for (const entity of entities) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let at: string | undefined = entity.id;
    while (at !== undefined && !settled.has(at)) {
      if (onPath.has(at)) return [...path.slice(path.indexOf(at)), at];
      onPath.add(at);
      path.push(at);
      at = parentOf.get(at);
    }
    for (const id of path) settled.add(id);
  }
  return undefined;
}
