/**
 * The default avatar's looks a visitor picks from (besides its colour): a build (proportions) and
 * something on its head. Carried as one short string, "<build>-<headwear>" (e.g. "slim-cap"), in the join
 * options and the avatar's state; '' means the default look. Every client draws every look from the same
 * code-made figure, so a look costs nothing to download and the crowd still draws in one call.
 */
import { z } from 'zod';

export const AVATAR_BUILDS = ['regular', 'slim', 'broad'] as const;
export type AvatarBuild = (typeof AVATAR_BUILDS)[number];

export const AVATAR_HEADWEAR = ['none', 'cap', 'bun', 'horns'] as const;
export type AvatarHeadwear = (typeof AVATAR_HEADWEAR)[number];

export interface AvatarLook {
  build: AvatarBuild;
  headwear: AvatarHeadwear;
}

export const DEFAULT_LOOK: AvatarLook = { build: 'regular', headwear: 'none' };

const LOOK_PATTERN = new RegExp(`^(${AVATAR_BUILDS.join('|')})-(${AVATAR_HEADWEAR.join('|')})$`);

/** An appearance at a boundary (join options, URL): "<build>-<headwear>". */
export const appearanceSchema = z
  .string()
  .regex(
    LOOK_PATTERN,
    `appearance is "<build>-<headwear>" with build one of ${AVATAR_BUILDS.join(', ')} and headwear one of ${AVATAR_HEADWEAR.join(', ')} (e.g. "slim-cap")`,
  );

export function formatAppearance(look: AvatarLook): string {
  return `${look.build}-${look.headwear}`;
}

/** The look an appearance string names; the default look for '' (or anything a newer client invented). */
export function parseAppearance(appearance: string): AvatarLook {
  const match = LOOK_PATTERN.exec(appearance);
  if (!match) return DEFAULT_LOOK;
  return { build: match[1] as AvatarBuild, headwear: match[2] as AvatarHeadwear };
}
