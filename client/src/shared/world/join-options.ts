/**
 * Join options from the page URL (?world=&name=&color=&spawn=&appearance=&avatar=<asset hash>), with a
 * friendly guest identity by default.
 * `spawn` is set by portals from another world.
 */
import { DEMO_WORLD_SLUG, joinOptionsSchema, type JoinOptions } from '../../../../protocol/index.js';

export const GUEST_COLOURS = [
  '#e6194b',
  '#3cb44b',
  '#ffe119',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
];

/** The instance an invite link names (?instance=<room id>), if it looks like one. */
export function instanceFromUrl(search: string): string | undefined {
  const instance = new URLSearchParams(search).get('instance');
  return instance && /^[\w-]{1,64}$/.test(instance) ? instance : undefined;
}

/** A link into `world` on this origin: into one instance (an invite), or wherever the matchmaker says. */
export function inviteLink(world: string, instance: string | null): string {
  const url = new URL('/', window.location.origin);
  url.searchParams.set('world', world);
  if (instance) url.searchParams.set('instance', instance);
  return url.toString();
}

/** Whether the page asks for a preview of the world's saved draft (?preview=1). */
export function previewFromUrl(search: string): boolean {
  const value = new URLSearchParams(search).get('preview');
  return value === '1' || value === 'true';
}

export function joinOptionsFromUrl(search: string): JoinOptions {
  const params = new URLSearchParams(search);
  const pick = GUEST_COLOURS[Math.floor(Math.random() * GUEST_COLOURS.length)] ?? '#4363d8';
  const candidate = {
    world: params.get('world') ?? DEMO_WORLD_SLUG,
    name: params.get('name') ?? `Guest ${Math.floor(1000 + Math.random() * 9000)}`,
    color: params.get('color') ?? pick,
    ...(params.get('spawn') ? { spawn: params.get('spawn') } : {}),
    ...(params.get('appearance') ? { appearance: params.get('appearance') } : {}),
    ...(params.get('avatar') ? { avatarModel: params.get('avatar') } : {}),
  };
  const parsed = joinOptionsSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  // A bad URL parameter should not stop a visitor: fall back to the guest default for that field.
  return { world: DEMO_WORLD_SLUG, name: `Guest ${Math.floor(1000 + Math.random() * 9000)}`, color: pick };
}
