/**
 * Budgets per asset profile, enforced on the server after optimization. Operators override any figure
 * with ASSET_BUDGETS (JSON, parsed by parseBudgetOverrides); the defaults are the product's.
 */
import { z } from 'zod';
import { HUMANOID_BONES } from '../protocol/index.js';

export const PROFILE_NAMES = ['avatar', 'wearable', 'prop', 'hero', 'scene', 'environment'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface Budget {
  /** Triangles drawn for the whole asset (instances counted), after optimization. */
  triangles: number;
  materials: number;
  textures: number;
  /** Largest texture side, in pixels. */
  textureMaxPx: number;
  /** Size of the optimized GLB, in bytes. */
  fileBytes: number;
  /** Most joints in one skin; undefined = no limit. */
  bones?: number;
  /** Most joint influences per vertex (JOINTS_n sets × 4); undefined = no limit. */
  influences?: number;
  /** GPU memory of all textures with mipmaps, in bytes; undefined = no limit. */
  gpuTextureBytes?: number;
  /** Every skin joint must be a bone of the avatar rig (AVATAR_RIG_BONES). */
  fitsAvatarRig?: boolean;
}

const MB = 1024 * 1024;

export const DEFAULT_BUDGETS: Readonly<Record<ProfileName, Budget>> = {
  // Sized for what people wear: VRoid Studio exports are reported at 30–70k triangles, about ten materials
  // and textures (2048² atlases: fit halves them) and 150–250 bones (hair and clothes on spring bones) —
  // not measured here (no real VRM is reachable from these machines). Only the few nearest avatars are
  // drawn as themselves, so this is paid at most six times per frame.
  avatar: {
    triangles: 70_000,
    materials: 16,
    textures: 16,
    textureMaxPx: 1024,
    fileBytes: 16 * MB,
    bones: 256,
    influences: 4,
  },
  wearable: {
    triangles: 5_000,
    materials: 2,
    textures: 2,
    textureMaxPx: 512,
    fileBytes: 3 * MB,
    influences: 4,
    fitsAvatarRig: true,
  },
  prop: { triangles: 20_000, materials: 4, textures: 4, textureMaxPx: 1024, fileBytes: 4 * MB },
  hero: { triangles: 100_000, materials: 16, textures: 16, textureMaxPx: 2048, fileBytes: 16 * MB },
  scene: {
    triangles: 500_000,
    materials: 64,
    textures: 64,
    textureMaxPx: 2048,
    fileBytes: 64 * MB,
    gpuTextureBytes: 256 * MB,
  },
  // An HDR sky and its light (one EXR, no geometry): 2048 × 1024 is sharp enough for a sky behind fog and
  // far more than image-based lighting needs; GPU bytes count the prefiltered cube map as well.
  environment: {
    triangles: 0,
    materials: 0,
    textures: 1,
    textureMaxPx: 2048,
    fileBytes: 8 * MB,
    gpuTextureBytes: 48 * MB,
  },
};

/**
 * Bone names of the product's avatar rig (humanoid, VRM naming). A wearable's skin may only use these,
 * so it can be bound to any avatar's skeleton by name.
 */
export const AVATAR_RIG_BONES: ReadonlySet<string> = new Set<string>(HUMANOID_BONES);

const positiveInt = z.number().int('must be a whole number').positive('must be more than 0');
const budgetOverride = z
  .object({
    triangles: positiveInt,
    materials: positiveInt,
    textures: z.number().int('must be a whole number').min(0, 'must be 0 or more'),
    textureMaxPx: positiveInt.max(16_384, 'must be at most 16384 px'),
    fileBytes: positiveInt,
    bones: positiveInt,
    influences: positiveInt.max(16, 'must be at most 16'),
    gpuTextureBytes: positiveInt,
  })
  .partial()
  .strict();
const overridesSchema = z.partialRecord(z.enum(PROFILE_NAMES), budgetOverride).and(z.object({}));

/**
 * Merges operator overrides (JSON text such as `{"prop":{"triangles":50000}}`) over the defaults.
 * Throws an Error naming the bad field and the fix.
 */
export function parseBudgetOverrides(json: string | undefined): Record<ProfileName, Budget> {
  const budgets = structuredClone(DEFAULT_BUDGETS) as Record<ProfileName, Budget>;
  if (json === undefined || json.trim() === '') return budgets;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new Error(`must be JSON such as {"prop":{"triangles":50000}} (${(error as Error).message})`, {
      cause: error,
    });
  }
  const parsed = z.record(z.string(), z.unknown()).safeParse(raw);
  if (!parsed.success)
    throw new Error('must be a JSON object keyed by profile, e.g. {"prop":{"triangles":50000}}');
  for (const key of Object.keys(parsed.data)) {
    if (!(PROFILE_NAMES as readonly string[]).includes(key)) {
      throw new Error(`names an unknown profile "${key}"; profiles are ${PROFILE_NAMES.join(', ')}`);
    }
  }
  const result = overridesSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${issue?.path.join('.') ?? 'value'} ${issue?.message ?? 'is invalid'}`);
  }
  for (const [profile, override] of Object.entries(result.data) as [ProfileName, Partial<Budget>][]) {
    Object.assign(budgets[profile], override);
  }
  return budgets;
}

export function isProfileName(value: unknown): value is ProfileName {
  return typeof value === 'string' && (PROFILE_NAMES as readonly string[]).includes(value);
}
