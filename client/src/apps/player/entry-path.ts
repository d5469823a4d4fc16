/** The world slug of an entry page address (`/w/<slug>`), or null. */
export function entrySlugOf(pathname: string): string | null {
  return /^\/w\/([a-z0-9][a-z0-9-]{0,62})\/?$/.exec(pathname)?.[1] ?? null;
}
