/**
 * The components a scene entity can carry, each keyed by its type (an entity has at most one of each type),
 * and the value kinds they are made of. Units: metres, radians, linear RGB as #rrggbb. Every object is
 * strict (unknown fields are refused), so a typo in a component is an error, not a field silently ignored.
 *
 * References to things outside the component are typed (`assetHashSchema`, `spawnNameSchema`,
 * `worldSlugSchema`, `bindingIdSchema`) so `sceneReferences()` can list and check every one of them; their
 * JSON Schema carries `x-reference` (asset, environment, world, spawn, binding) and colours `x-widget: colour`, so the
 * studio's properties panel, generated from these schemas, offers a picker for each.
 */
import { z } from 'zod';
import { WORLD_HALF_EXTENT } from './world-bounds.js';

/** A sha-256 content hash in lowercase hex: how scenes refer to uploaded assets. */
/** An uploaded asset's id: the sha-256 of its file, 64 lowercase hex characters. */
export const ASSET_HASH_PATTERN = /^[0-9a-f]{64}$/;
export const assetHashSchema = z
  .string()
  .regex(ASSET_HASH_PATTERN, 'an asset hash is 64 lowercase hex characters (sha-256 of the asset)')
  .meta({ 'x-reference': 'asset' });
export const entityIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'an entity id is 1–64 letters, digits, "_" or "-"')
  .refine((id) => id !== '__proto__', 'an entity id cannot be "__proto__"; choose another');
export const worldSlugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a world slug is 1–63 lowercase letters, digits or dashes')
  .meta({ 'x-reference': 'world' });
/** A spawn point's name: what portals name as their target. */
export const spawnNameSchema = z.string().min(1).max(64);
/** An NFT binding's id (from POST /nft/bindings). */
export const bindingIdSchema = z.string().min(1).max(128).meta({ 'x-reference': 'binding' });

const finite = z.number().finite();
export const vec3Schema = z.tuple([finite, finite, finite]);
/** A unit quaternion x, y, z, w. */
const quat = z.tuple([finite, finite, finite, finite]);
const colour = z
  .string()
  .regex(/^#[0-9a-f]{6}$/, 'a colour is #rrggbb in lowercase hex')
  .meta({ 'x-widget': 'colour' });

export const transformSchema = z.strictObject({
  position: vec3Schema,
  rotation: quat.default([0, 0, 0, 1]),
  scale: vec3Schema.default([1, 1, 1]),
});

const model = z.strictObject({ asset: assetHashSchema });
/**
 * A light. Directional and spot lights shine along the entity's local −z (as glTF's KHR_lights_punctual);
 * a scene's ambient lights replace the player's default sky light, its directional lights the default sun
 * (the first one casts the shadows when the visitor has shadows on).
 */
const light = z.strictObject({
  kind: z.enum(['ambient', 'directional', 'point', 'spot']),
  color: colour.default('#ffffff'),
  /** Candela for point/spot, lux for directional/ambient. */
  intensity: z
    .number()
    .min(0)
    .max(100_000)
    .describe('candela for point and spot, lux for directional and ambient'),
  /** Metres; 0 = no limit (point/spot only). */
  range: z.number().min(0).max(10_000).optional().describe('metres; 0 = no limit (point and spot)'),
  /** Spot only: the cone's half-angle in radians (default π/6). */
  angle: z
    .number()
    .gt(0)
    .max(Math.PI / 2)
    .optional()
    .describe('spot only: half-angle of the cone in radians (default π/6)'),
});
/**
 * The HDR environments every server has (CC0, from Poly Haven by way of @pmndrs/assets; served under
 * /environments/<name>.exr): image-based lighting and, unless turned off, the sky.
 */
export const ENVIRONMENT_HDRIS = [
  'park',
  'sky',
  'dawn',
  'sunrise',
  'sunset',
  'night',
  'city',
  'forest',
  'bridge',
  'esplanade',
  'apartment',
  'lobby',
  'hall',
  'lab',
  'studio',
] as const;
export type EnvironmentHdri = (typeof ENVIRONMENT_HDRIS)[number];
const HDRI_CHOICES = `hdri is one of the built-in environments (${ENVIRONMENT_HDRIS.join(', ')}) or the hash of an uploaded environment (64 lowercase hex characters; POST /assets?profile=environment)`;
/** An uploaded environment (profile `environment`): the hash of its EXR. */
export const environmentHashSchema = z
  .string()
  .regex(ASSET_HASH_PATTERN, HDRI_CHOICES)
  .meta({ 'x-reference': 'environment' });

const environment = z.strictObject({
  /** A colour, or an uploaded image asset (by hash) drawn as the sky (behind an HDR sky: its fog colour). */
  sky: z.union([colour, assetHashSchema]),
  fog: z.strictObject({ color: colour, near: z.number().min(0), far: z.number().positive() }).optional(),
  /**
   * Light and reflections (image-based lighting) from an HDR environment: a built-in one by name, or an
   * uploaded one (profile `environment`) by its asset hash.
   */
  hdri: z
    .union([z.enum(ENVIRONMENT_HDRIS), environmentHashSchema], {
      error: `hdri is one of the built-in environments (${ENVIRONMENT_HDRIS.join(', ')}) or the hash of an uploaded environment (POST /assets?profile=environment)`,
    })
    .optional()
    .describe('image-based lighting (and sky) from an HDR environment: built in, or uploaded'),
  /** Whether the HDR environment is also drawn as the sky (default true); false keeps `sky`. */
  hdriSky: z.boolean().optional().describe('draw the HDR environment as the sky (default: yes)'),
});
/**
 * The ground visitors walk on, as it looks: the floor itself stays at height 0 across the world's bounds
 * (the simulation's); this says how it is drawn, centred on the entity, `halfExtent` metres each way. A
 * scene with a ground entity replaces the player's default grid.
 */
const ground = z.strictObject({
  pattern: z
    .enum(['paving', 'grass', 'grid', 'plain'], { error: 'pattern is one of paving, grass, grid, plain' })
    .default('paving'),
  color: colour.default('#b8b0a2'),
  /** Metres from the entity to the ground's edge, each way. */
  halfExtent: z
    .number()
    .positive()
    .max(WORLD_HALF_EXTENT)
    .default(WORLD_HALF_EXTENT)
    .describe('metres each way'),
  /** Metres one repeat of the pattern covers (a paving slab, a grid cell). */
  tile: z.number().min(0.25).max(50).default(2).describe('metres one slab or cell covers'),
});
const spawnPoint = z.strictObject({
  /** Spawn points with a name can be a portal's target; the default one is where visitors appear. */
  name: spawnNameSchema,
  default: z.boolean().default(false),
});
const collider = z.strictObject({
  shape: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('box'), halfExtents: vec3Schema }),
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
  /** Target world by slug; absent = this world (then `spawn` must name a spawn point of this scene). */
  world: worldSlugSchema.optional(),
  spawn: spawnNameSchema.meta({ 'x-reference': 'spawn' }),
  /** Trigger radius in metres. */
  radius: z.number().positive().max(50).default(1.5).describe('trigger radius in metres'),
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
  source: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('video'), url: z.url({ protocol: /^https?$/ }) }),
    z.strictObject({ kind: z.literal('screen-share') }),
  ]),
  /** Width and height in metres. */
  size: z.tuple([z.number().positive(), z.number().positive()]),
});
const nftFrame = z.strictObject({
  /**
   * Shows only this binding (its id from POST /nft/bindings), when set. Otherwise the frame shows the newest
   * active frame binding made for it (by the world's editors, or by any holder when `open`).
   */
  binding: bindingIdSchema.optional(),
  /** Any visitor may show a token they hold here (a public gallery wall), not only the world's editors. */
  open: z.boolean().default(false).describe('any visitor may show a token they hold here'),
  /** Width and height in metres. */
  size: z.tuple([z.number().positive().max(20), z.number().positive().max(20)]).default([1, 1]),
});
const voiceZone = z.strictObject({
  mode: z.enum(['private', 'stage', 'global']),
  /** Zone volume as a box around the entity: half extents in metres. */
  halfExtents: vec3Schema.describe('half the box’s size along x, y, z in metres'),
});
const text = z.strictObject({
  text: z.string().max(2_000),
  color: colour.default('#ffffff'),
  /** Letter height in metres. */
  size: z.number().positive().max(100).default(0.3).describe('letter height in metres'),
});
const interactable = z.strictObject({
  action: z.enum(['sit', 'grab', 'trigger']),
  /** Reach in metres: how close a visitor must be for the server to accept the interaction. */
  reach: z.number().positive().max(10).default(2).describe('metres a visitor may be from it to use it'),
});

/** Every component type and its schema, in the order `componentsOf()` lists an entity's components. */
export const componentSchemas = {
  model,
  light,
  environment,
  ground,
  'spawn-point': spawnPoint,
  collider,
  portal,
  screen,
  'nft-frame': nftFrame,
  'voice-zone': voiceZone,
  text,
  interactable,
} as const;
type Schemas = typeof componentSchemas;
export type SceneComponentType = keyof Schemas;
export const COMPONENT_TYPES = Object.keys(componentSchemas) as SceneComponentType[];

/** An entity's components as stored: at most one per type, keyed by type. */
export const entityComponentsSchema = z.strictObject({
  model: model.optional(),
  light: light.optional(),
  environment: environment.optional(),
  ground: ground.optional(),
  'spawn-point': spawnPoint.optional(),
  collider: collider.optional(),
  portal: portal.optional(),
  screen: screen.optional(),
  'nft-frame': nftFrame.optional(),
  'voice-zone': voiceZone.optional(),
  text: text.optional(),
  interactable: interactable.optional(),
});
export type EntityComponents = z.infer<typeof entityComponentsSchema>;
export type EntityComponentsInput = z.input<typeof entityComponentsSchema>;

/** One component with its type beside its fields: how code walks an entity's components. */
export type SceneComponent = {
  [T in SceneComponentType]: { type: T } & z.infer<Schemas[T]>;
}[SceneComponentType];
/** The same before defaults are applied (a document as written). */
export type SceneComponentInput = {
  [T in SceneComponentType]: { type: T } & z.input<Schemas[T]>;
}[SceneComponentType];
