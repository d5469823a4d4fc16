/** Request and response shapes of the asset routes (validation and the OpenAPI document). */
import { z } from 'zod';
import { PROFILE_NAMES, assetProblemSchema } from '../../asset-pipeline/index.js';
import { named } from '../control-plane/index.js';

const flag = (description: string, fallback: boolean) =>
  z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true')
    .describe(description);

export const uploadQuery = z.strictObject({
  profile: z
    .enum(PROFILE_NAMES, { message: `must be one of ${PROFILE_NAMES.join(', ')}` })
    .describe('Budget profile the asset must fit.'),
  ktx2: flag('Compress textures to KTX2 (smaller on the GPU; slower to process).', false),
  draco: flag('Compress geometry with Draco instead of meshopt.', false),
  fit: flag('Simplify and resize until the asset fits its budget, instead of rejecting it.', false),
  lods: flag('Make coarser levels of detail (LOD1, LOD2).', true),
  name: z
    .string()
    .trim()
    .min(1)
    .max(200, 'must be at most 200 characters')
    .optional()
    .describe('File name, for the job list.'),
});

export const hashSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a sha-256 hash: 64 lowercase hex characters');
export const jobIdSchema = z.uuid('must be a job id (a UUID) from POST /assets');

export const assetJobSchema = named(
  'AssetJob',
  z.object({
    id: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'rejected', 'failed']),
    profile: z.enum(PROFILE_NAMES),
    stage: z
      .string()
      .nullable()
      .describe('ingest, validate, prepare, optimize, lods, thumbnail, store — or done.'),
    percent: z.number().int(),
    inputName: z.string(),
    inputBytes: z.number().int(),
    attempts: z.number().int(),
    assetHash: z.string().nullable().describe('Set when succeeded: GET /assets/{hash}.'),
    problems: z
      .array(assetProblemSchema)
      .nullable()
      .describe('Why the upload was rejected (validator messages with JSON pointers, budget limits).'),
    error: z
      .string()
      .nullable()
      .describe('Why the job failed (a server fault); retry with POST /assets/jobs/{id}/retry.'),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

export const assetSchema = named(
  'Asset',
  z.object({
    hash: z.string(),
    profile: z.string(),
    createdAt: z.string(),
    url: z.string().describe('The optimized GLB (immutable; ETag = hash; range requests).'),
    thumbnailUrl: z
      .string()
      .nullable()
      .describe('A 256² PNG; null where the server cannot render (the report says why).'),
    lods: z.array(
      z.object({
        level: z.number().int(),
        triangles: z.number().int(),
        bytes: z.number().int(),
        url: z.string(),
      }),
    ),
    report: z
      .record(z.string(), z.unknown())
      .describe('Input/output sizes and counts, budget results, warnings, timings.'),
  }),
);
