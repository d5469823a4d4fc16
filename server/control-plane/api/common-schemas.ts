/** Request and response schemas shared by several route groups. */
import { z } from 'zod';
import { named } from './zod-api.js';

/**
 * An account's email: zod's address syntax, at most 254 characters, and a local part (before the @) of
 * at most 64 (RFC 5321 §4.5.3.1.1; schemathesis found longer ones accepted).
 */
export const accountEmailSchema = z
  .email('must be an email address')
  .max(254)
  .refine((email) => email.lastIndexOf('@') <= 64, 'the part before @ is at most 64 characters');

export const slugSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'must be 1–63 lowercase letters, digits or dashes, starting with a letter or digit',
  );

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(60, 'must be at most 60 characters');

export const uuidSchema = z.uuid('must be a UUID');

/** Cursor pagination: `limit` items, then pass `cursor` from the previous page. */
export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Items per page (1–100).'),
  cursor: z.string().max(200).optional().describe('From the previous page’s nextCursor.'),
});

export const accountSchema = named(
  'Account',
  z.object({
    id: z.string(),
    kind: z.enum(['guest', 'registered']),
    displayName: z.string(),
    email: z.string().nullable(),
    isOperator: z.boolean(),
    createdAt: z.string(),
  }),
);

/** A new session's tokens, as sign-in (password, guest or wallet) and refresh answer. */
export const sessionResponse = named(
  'Session',
  z.object({
    accessToken: z.string().describe('Send as Authorization: Bearer <accessToken>.'),
    expiresIn: z.number().int().describe('Seconds until the access token expires.'),
    refreshToken: z.string().describe('Single use: POST /auth/refresh returns a new pair.'),
    tokenType: z.literal('Bearer'),
    account: accountSchema,
  }),
);
export const auditPageSchema = named(
  'AuditPage',
  z.object({
    items: z.array(
      z.object({
        id: z.string(),
        at: z.string(),
        action: z.string(),
        actorId: z.string().nullable(),
        worldId: z.string().nullable(),
        detail: z.record(z.string(), z.unknown()),
      }),
    ),
    nextCursor: z.string().nullable(),
  }),
);

export const apiKeyScopeSchema = z.enum(['read', 'embed', 'manage']);

export const createApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  scopes: z.array(apiKeyScopeSchema).min(1, 'name at least one scope: read, embed or manage').max(3),
  origins: z
    .array(
      z
        .string()
        .regex(
          /^https?:\/\/[^/\s]+$/,
          'an origin is scheme://host[:port] with no path, e.g. https://example.com',
        ),
    )
    .max(50)
    .default([])
    .describe('Sites allowed to use this key from a browser (checked against the Origin header).'),
});

/**
 * A world key. An embed key is public — it sits in a page's HTML — so it holds the embed scope alone and
 * names the sites that may show the world (at least one).
 */
export const createWorldKeySchema = createApiKeySchema.superRefine((key, context) => {
  if (!key.scopes.includes('embed')) return;
  if (key.scopes.some((scope) => scope !== 'embed'))
    context.addIssue({
      code: 'custom',
      path: ['scopes'],
      message:
        'an embed key is public (it sits in a page’s HTML), so it cannot hold another scope; create the read or manage key separately',
    });
  if (key.origins.length === 0)
    context.addIssue({
      code: 'custom',
      path: ['origins'],
      message:
        'an embed key needs at least one origin: the sites that may show this world, e.g. https://example.com',
    });
});

export const apiKeySchema = named(
  'ApiKey',
  z.object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(apiKeyScopeSchema),
    origins: z.array(z.string()),
    embedKey: z
      .string()
      .nullable()
      .describe(
        'For an embed key, the key itself (public: it goes in the embedding page); null for secrets.',
      ),
    organization: z.string().describe('Slug of the organization the key acts in.'),
    world: z.string().nullable().describe('Slug of the key’s world; null for an account key.'),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  }),
);

export const createAccountKeySchema = createApiKeySchema.extend({
  organization: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be the slug of an organization you belong to')
    .describe('The organization the key acts in (as you, within its scopes); you must be a member.'),
});

export const createdApiKeySchema = named(
  'CreatedApiKey',
  z.object({
    key: z
      .string()
      .describe(
        'The key. A secret (read, manage) is shown this once: store it now, use as Authorization: Bearer <key>. An embed key (mibe_…) is public and goes in the embedding page.',
      ),
    apiKey: apiKeySchema,
  }),
);
