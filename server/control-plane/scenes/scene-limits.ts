/**
 * Which scene limits apply to a world: its organization's plan (set by the operator; the default plan
 * where none is set) and, within it, the world's own lower limits (set by its owners).
 */
import type { Kysely } from 'kysely';
import {
  DEFAULT_PLAN_SCENE_LIMITS,
  SCENE_LIMIT_NAMES,
  partialSceneLimitsSchema,
  type SceneLimits,
} from '../../../protocol/index.js';
import type { Database, World } from '../../db/tables.js';

export interface WorldSceneLimits {
  /** The organization's plan: the most any of its worlds may set. */
  plan: SceneLimits;
  /** The world's own limits (only those it set). */
  own: Partial<SceneLimits>;
  /** What applies: the world's own where set, the plan's otherwise. */
  effective: SceneLimits;
}

/** A stored limits object (jsonb) as limits; anything unreadable counts as unset. */
function stored(value: unknown): Partial<SceneLimits> {
  const parsed = partialSceneLimitsSchema.safeParse(typeof value === 'string' ? JSON.parse(value) : value);
  return parsed.success ? parsed.data : {};
}

export function planLimitsOf(org: { scene_limits: unknown }): SceneLimits {
  return { ...DEFAULT_PLAN_SCENE_LIMITS, ...stored(org.scene_limits) };
}

export function limitsOf(plan: SceneLimits, world: { scene_limits: unknown }): WorldSceneLimits {
  const own = stored(world.scene_limits);
  const effective = { ...plan };
  for (const name of SCENE_LIMIT_NAMES) {
    const value = own[name];
    if (value !== undefined) effective[name] = Math.min(value, plan[name]);
  }
  return { plan, own, effective };
}

export async function worldSceneLimits(db: Kysely<Database>, world: World): Promise<WorldSceneLimits> {
  const org = await db
    .selectFrom('organizations')
    .select('scene_limits')
    .where('id', '=', world.org_id)
    .executeTakeFirstOrThrow();
  return limitsOf(planLimitsOf(org), world);
}
