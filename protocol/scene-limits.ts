/**
 * Scene limits: what one world's scene may weigh, so it loads and draws well on the devices visitors bring.
 * An organization's plan sets the ceiling (the operator sets it); a world's owners may set lower limits
 * for their world. The server sums a scene from its assets' reports (`GET …/scene/draft/budget`) and
 * refuses to publish one over a limit; the studio shows the same figures as a meter.
 */
import { z } from 'zod';

export const SCENE_LIMIT_NAMES = [
  'triangles',
  'drawCalls',
  'textures',
  'gpuTextureBytes',
  'downloadBytes',
  'entities',
  'lights',
] as const;
export type SceneLimitName = (typeof SCENE_LIMIT_NAMES)[number];
export type SceneLimits = Record<SceneLimitName, number>;

/**
 * The default plan: what a mid-range laptop or a recent phone draws at a steady frame rate, and a first
 * visit downloads in under half a minute on a 50 Mbit/s line. Units: counts, bytes.
 */
export const DEFAULT_PLAN_SCENE_LIMITS: SceneLimits = {
  triangles: 1_500_000,
  drawCalls: 1_000,
  textures: 256,
  gpuTextureBytes: 512 * 1024 * 1024,
  downloadBytes: 150 * 1024 * 1024,
  entities: 10_000,
  lights: 32,
};

const limitValue = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Every limit, all required (a plan). */
export const sceneLimitsSchema = z.strictObject(
  Object.fromEntries(SCENE_LIMIT_NAMES.map((name) => [name, limitValue])) as Record<
    SceneLimitName,
    typeof limitValue
  >,
);
/** Some limits (a world's own, each within its plan; absent = the plan's). */
export const partialSceneLimitsSchema = sceneLimitsSchema.partial();

/** What a scene weighs against its limits: one row per limit, and the entities that weigh most. */
export interface SceneBudget {
  limits: { limit: SceneLimitName; allowed: number; total: number; ok: boolean }[];
  /** The heaviest model entities, heaviest (by triangles, then bytes) first. */
  heaviest: {
    entity: string;
    name: string | null;
    asset: string;
    triangles: number;
    drawCalls: number;
    gpuTextureBytes: number;
    downloadBytes: number;
  }[];
  /** Assets the scene refers to that the store has no report for (counted as zero). */
  unmeasured: string[];
  ok: boolean;
}
