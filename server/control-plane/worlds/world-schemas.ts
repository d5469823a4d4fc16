/** Request and response schemas of the world routes. */
import { z } from 'zod';
import { SCENE_TEMPLATE_NAMES, assetHashSchema } from '../../../protocol/index.js';
import { named } from '../api/zod-api.js';

export const visibilitySchema = z.enum(['public', 'unlisted', 'private']);
export const voiceModeSchema = z.enum(['off', 'proximity', 'global']);
export const worldRoleSchema = z.enum(['owner', 'editor', 'moderator', 'visitor']);

const settings = {
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2000),
  visibility: visibilitySchema,
  capacity: z
    .number()
    .int()
    .min(1)
    .max(5000)
    .describe('Visitors per instance; more visitors open more instances.'),
  voiceMode: voiceModeSchema,
  allowCamera: z
    .boolean()
    .describe('Visitors who may talk may also show their camera (a small video by their avatar).'),
  allowScreenShare: z
    .boolean()
    .describe(
      "Visitors who may talk may also share their screen (shown on the scene's screen-share screens).",
    ),
  thumbnailAsset: assetHashSchema.nullable(),
};

export const createWorldRequest = z.strictObject({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1–63 lowercase letters, digits or dashes'),
  name: settings.name,
  description: settings.description.optional(),
  visibility: settings.visibility.optional(),
  capacity: settings.capacity.optional(),
  voiceMode: settings.voiceMode.optional(),
  allowCamera: settings.allowCamera.optional(),
  allowScreenShare: settings.allowScreenShare.optional(),
  thumbnailAsset: settings.thumbnailAsset.optional(),
  template: z
    .enum(SCENE_TEMPLATE_NAMES)
    .optional()
    .describe('The starter scene its draft begins with (absent: an empty draft).'),
});

export const updateWorldRequest = z
  .strictObject({
    name: settings.name.optional(),
    description: settings.description.optional(),
    visibility: settings.visibility.optional(),
    capacity: settings.capacity.optional(),
    voiceMode: settings.voiceMode.optional(),
    allowCamera: settings.allowCamera.optional(),
    allowScreenShare: settings.allowScreenShare.optional(),
    thumbnailAsset: settings.thumbnailAsset.optional(),
  })
  .refine((change) => Object.keys(change).length > 0, 'name at least one setting to change')
  .meta({ minProperties: 1 });

export const worldSchema = named(
  'World',
  z.object({
    slug: z.string(),
    organization: z.string(),
    name: z.string(),
    description: z.string(),
    visibility: visibilitySchema,
    capacity: z.number().int(),
    voiceMode: voiceModeSchema,
    allowCamera: z.boolean(),
    allowScreenShare: z.boolean(),
    thumbnailAsset: z.string().nullable(),
    publishedVersion: z.number().int().nullable(),
    population: z.number().int().describe('Visitors in the world now, across instances.'),
    createdAt: z.string(),
    updatedAt: z.string(),
    role: worldRoleSchema.nullable().describe('Your role in this world, if any.'),
  }),
);

export const worldPageSchema = named(
  'WorldPage',
  z.object({ items: z.array(worldSchema), nextCursor: z.string().nullable() }),
);

export const listWorldsQuery = z.strictObject({
  q: z.string().trim().min(1).max(100).optional().describe('Search in name, slug and description.'),
  org: z.string().max(63).optional().describe('Only worlds of this organization.'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(63).optional(),
});

export const worldRoleViewSchema = named(
  'WorldRoleAssignment',
  z.object({ accountId: z.string(), displayName: z.string(), role: worldRoleSchema }),
);
export const setRoleRequest = z.strictObject({ role: worldRoleSchema });

export const inviteRequest = z.strictObject({
  role: z.enum(['editor', 'moderator', 'visitor']),
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
});
export const invitationSchema = named(
  'Invitation',
  z.object({
    token: z.string().describe('Shown once: the invitee sends it to POST /invitations/accept.'),
    role: z.string(),
    expiresAt: z.string(),
  }),
);
export const acceptInvitationRequest = z.strictObject({ token: z.string().min(1).max(200) });
export const acceptedInvitationSchema = named(
  'AcceptedInvitation',
  z.object({ world: z.string(), role: worldRoleSchema }),
);

export const kickRequest = z.strictObject({
  /** Shown to the visitor who is removed. */
  reason: z.string().trim().min(1).max(500),
});
export const banRequest = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  expiresAt: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2030-01-01T00:00:00Z' })
    .nullable()
    .default(null)
    .describe('When the ban ends; null = permanent.'),
});
/** A ban or a mute. */
export const banSchema = named(
  'Sanction',
  z.object({
    accountId: z.string(),
    displayName: z.string(),
    reason: z.string(),
    expiresAt: z.string().nullable(),
    createdAt: z.string(),
  }),
);

export const instancesSchema = named(
  'WorldInstances',
  z.object({
    world: z.string(),
    population: z.number().int(),
    instances: z.array(
      z.object({
        instance: z.number().int(),
        roomId: z.string().describe('Join this instance with the SDK’s joinById (an invite link).'),
        clients: z.number().int(),
        maxClients: z.number().int(),
      }),
    ),
  }),
);
