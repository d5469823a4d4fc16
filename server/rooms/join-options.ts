/** Join options at the room's boundary: validated once, refused with a message that names the option. */
import { ServerError } from '@colyseus/core';
import { joinOptionsSchema, type JoinOptions } from '../../protocol/index.js';

/** Validates join options, rejecting at matchmaking time with a message that names the problem. */
export function parseJoinOptions(options: unknown): JoinOptions {
  const parsed = joinOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ServerError(
    400,
    `join: option "${issue?.path.join('.') ?? '?'}" is invalid: ${issue?.message ?? 'invalid'} (expected { world, name, color: "#rrggbb", spawn?, appearance?: "<build>-<headwear>", avatarModel?: "<asset hash>" })`,
  );
}

/**
 * Join options for an instance of world `slug`. onAuth admitted the world the options name; joining an
 * instance by id (an invite link) with another world's name must not lead into this one.
 */
export function parseJoinOptionsFor(options: unknown, slug: string): JoinOptions {
  const parsed = parseJoinOptions(options);
  if (parsed.world !== slug)
    throw new ServerError(
      403,
      `join: this instance runs world "${slug}", not "${parsed.world}"; join it with world: "${slug}"`,
    );
  return parsed;
}
