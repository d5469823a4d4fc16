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

const tag = z
  .string()
  .trim()
  .min(1, 'a tag cannot be empty')
  .max(40, 'a tag is at most 40 characters')
  .regex(/^[^,]+$/, 'a tag cannot contain a comma');
const tagsQuery = z
  .string()
  .transform((value) => [
    ...new Set(
      value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(z.array(tag).max(20, 'at most 20 tags'));

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
    .describe("The file's name: the asset's name in the library (editable later)."),
  org: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be an organization slug')
    .optional()
    .describe("Put the asset in this organization's library (you must be a member)."),
  world: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a world slug')
    .optional()
    .describe(
      "Put the asset in this world's library (you must be one of its editors); implies its organization.",
    ),
  tags: tagsQuery.optional().describe('Comma-separated tags, e.g. "chair,wood".'),
});

export const hashSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a sha-256 hash: 64 lowercase hex characters');
export const jobIdSchema = z.uuid('must be a job id (a UUID) from POST /assets');

export const assetJobSchema = named(
  'AssetJob',
  z.object({
    id: z.string(),
    accountId: z.string().describe('Who uploaded it.'),
    options: z
      .record(z.string(), z.unknown())
      .describe('What the upload asked for (profile options from the query: ktx2, draco, fit, lods…).'),
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
    libraryAsset: z
      .string()
      .optional()
      .describe("The upload's entry in the asset library (GET /library/{id}); in the upload's answer."),
  }),
);

/** One server-sent event of GET /assets/jobs/{id}/events. */
export const jobEventSchema = z.object({
  event: z.enum(['progress', 'done']),
  data: z.string().describe('The job (AssetJob) as JSON.'),
});

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

export const libraryIdSchema = z.uuid('must be a library asset id (a UUID) from GET /library');

export const libraryQuery = z.strictObject({
  org: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be an organization slug')
    .optional()
    .describe("This organization's library."),
  world: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a world slug')
    .optional()
    .describe("This world's library."),
  q: z.string().trim().min(1).max(200).optional().describe('Part of the name, any case.'),
  profile: z.enum(PROFILE_NAMES, { message: `must be one of ${PROFILE_NAMES.join(', ')}` }).optional(),
  tag: tag.optional(),
  limit: z.coerce.number().int().min(1, 'must be 1 to 100').max(100, 'must be 1 to 100').default(50),
  cursor: z.string().max(200).optional().describe('The "next" of the previous page.'),
});

export const libraryUpdate = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    tags: z.array(tag).max(20, 'at most 20 tags').optional(),
    world: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a world slug')
      .nullable()
      .optional()
      .describe("Move it to this world's library (null: no world)."),
  })
  .refine((change) => Object.keys(change).length > 0, 'send at least one of name, tags, world')
  .meta({ minProperties: 1 });

export const libraryEntrySchema = named(
  'LibraryAsset',
  z.object({
    id: z.string(),
    name: z.string(),
    tags: z.array(z.string()),
    owner: z.object({ id: z.string(), displayName: z.string() }),
    organization: z.string().nullable(),
    world: z.string().nullable(),
    profile: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'rejected', 'failed']),
    percent: z.number().int(),
    jobId: z.string(),
    assetHash: z.string().nullable().describe('Set once processed: GET /assets/{hash}.'),
    thumbnailUrl: z.string().nullable(),
    measures: z
      .object({
        bytes: z.number().int(),
        triangles: z.number().int(),
        drawCalls: z.number().int(),
        textures: z.number().int(),
        gpuTextureBytes: z.number().int(),
      })
      .nullable()
      .describe('What the asset weighs (null until processed).'),
    budget: z.array(
      z.object({ limit: z.string(), allowed: z.number(), measured: z.number(), ok: z.boolean() }),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

export const libraryPageSchema = named(
  'LibraryPage',
  z.object({ items: z.array(libraryEntrySchema), next: z.string().nullable() }),
);
