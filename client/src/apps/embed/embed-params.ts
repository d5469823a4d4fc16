/**
 * What the embed page was asked to show, from its address: /embed/<slug>?k=<embed key> | t=<embed token>
 * &host=<origin>&mode=&name=&spawn=&camera=&muted=1&voice=1&theme=. Bad values fall back to the defaults
 * (an embed should show its world rather than fail on a typo), except a missing world or credential.
 */
import { joinOptionsSchema } from '../../../../protocol/index.js';

export interface EmbedParams {
  slug: string;
  credential: { key: string } | { token: string } | null;
  /** The embedding page's origin, as the loader said it (checked against the frame's real ancestor). */
  host: string | null;
  mode: 'spectate' | 'join';
  name: string | null;
  spawn: string | undefined;
  camera: 'orbit' | 'follow';
  muted: boolean;
  voice: boolean;
  theme: 'dark' | 'light';
}

const ORIGIN = /^https?:\/\/[^/\s]+$/;

export function embedSlugOf(pathname: string): string | null {
  const match = /^\/embed\/([a-z0-9][a-z0-9-]{0,62})\/?$/.exec(pathname);
  return match ? match[1]! : null;
}

export function embedParamsOf(location: { pathname: string; search: string }): EmbedParams | null {
  const slug = embedSlugOf(location.pathname);
  if (!slug) return null;
  const query = new URLSearchParams(location.search);
  const key = query.get('k');
  const token = query.get('t');
  const host = query.get('host');
  const name = joinOptionsSchema.shape.name.safeParse(query.get('name') ?? '');
  const spawn = joinOptionsSchema.shape.spawn.safeParse(query.get('spawn') ?? undefined);
  return {
    slug,
    credential: token ? { token } : key ? { key } : null,
    host: host && ORIGIN.test(host) ? host : null,
    mode: query.get('mode') === 'join' ? 'join' : 'spectate',
    name: name.success ? name.data : null,
    spawn: spawn.success ? spawn.data : undefined,
    camera: query.get('camera') === 'follow' ? 'follow' : 'orbit',
    muted: query.get('muted') === '1',
    voice: query.get('voice') === '1',
    theme: query.get('theme') === 'light' ? 'light' : 'dark',
  };
}
