/**
 * The player's benchmark mode (`/?bench=crowd&avatars=N`, or `bench=naive` for the baseline renderer):
 * no server; N avatars are fed straight into the avatar store at the room's patch rate, as the network
 * layer would, so everything after the network (interpolation, motion choice, drawing, name tags) runs
 * for real. The crowd fills the view in front of the camera: some stand, most walk or run on loops, a few
 * emote now and then. The crowd stands in a scene the benchmark puts on the page before it loads
 * (`window.__mibBenchScene`, a scene document), or on the default ground without one. With
 * `&customAvatars=<hash>,<hash>…` (uploads on the page's server) the crowd wears those avatars in turn.
 */
import {
  AVATAR_BUILDS,
  AVATAR_HEADWEAR,
  EMOTES,
  TICK_HZ,
  bodyAt,
  buildStaticWorld,
  sceneFromAnySchema,
  type SceneDocument,
} from '../../../../../protocol/index.js';
import {
  DEFAULT_AVATAR_RENDERING,
  type AvatarRendererOptions,
} from '../../../shared/avatars/avatar-renderer.js';
import { playEmote } from '../../../shared/avatars/motion-state.js';
import {
  createLocalAvatar,
  createRemoteAvatar,
  parseColor,
  pushSnapshot,
  type WorldStore,
} from '../../../shared/world/world-store.js';

export interface BenchOptions {
  avatars: number;
  renderer: 'crowd' | 'naive';
  /** Avatar uploads (asset hashes) the crowd wears in turn (avatar i wears [i % K]); none: default figures. */
  customAvatars: string[];
}

/** Most avatars the bench page accepts (the renderer's capacity is sized from it). */
const MAX_BENCH_AVATARS = 10_000;

/** Bench options from the page URL, or null when this is not a bench page; bad values say so. */
export function benchFromUrl(search: string): BenchOptions | null {
  const params = new URLSearchParams(search);
  const renderer = params.get('bench');
  if (renderer === null) return null;
  if (renderer !== 'crowd' && renderer !== 'naive')
    throw new Error(`bench: ?bench= must be "crowd" or "naive", not "${renderer}"`);
  const avatars = Number(params.get('avatars') ?? '1000');
  if (!Number.isInteger(avatars) || avatars < 0 || avatars > MAX_BENCH_AVATARS)
    throw new Error(`bench: ?avatars= must be a whole number from 0 to ${MAX_BENCH_AVATARS}`);
  const customAvatars = (params.get('customAvatars') ?? '').split(',').filter((hash) => hash !== '');
  if (customAvatars.some((hash) => !/^[0-9a-f]{64}$/.test(hash)))
    throw new Error('bench: ?customAvatars= must be asset hashes (64 hex digits) separated by commas');
  return { avatars, renderer, customAvatars };
}

/** The renderer settings a bench page uses: the product's, or one skinned mesh per avatar. */
export function benchRendering(options: BenchOptions): AvatarRendererOptions {
  const capacity = Math.max(DEFAULT_AVATAR_RENDERING.capacity, options.avatars + 1);
  return options.renderer === 'naive'
    ? { capacity, nearMax: capacity, nearDistance: Number.POSITIVE_INFINITY, lodDistances: [] }
    : { ...DEFAULT_AVATAR_RENDERING, capacity };
}

interface Walker {
  cx: number;
  cz: number;
  radius: number;
  /** Radians per second around the loop (0 = standing). */
  rate: number;
  phase: number;
}

/** A small seeded generator, so every run (and both renderers) sees the same crowd. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Fills the store and keeps feeding it; returns a stop function. */
/** The scene the benchmark put on the page, if any; an invalid one stops the page with the reason. */
function benchScene(): SceneDocument | null {
  const given = (window as { __mibBenchScene?: unknown }).__mibBenchScene;
  if (given === undefined) return null;
  const read = sceneFromAnySchema(given);
  if (!read.ok)
    throw new Error(`bench: __mibBenchScene is not a valid scene: ${read.reason} (at ${read.path})`);
  return read.scene;
}

export function startCrowdFeed(store: WorldStore, options: BenchOptions): () => void {
  const scene = benchScene();
  if (scene) {
    store.scene = scene;
    store.staticWorld = buildStaticWorld(scene);
    store.sceneVersion = 1;
  }
  const next = random(42);
  store.sessionId = 'bench-self';
  store.local = createLocalAvatar('Benchmark', '#ffffff');
  const walkers: Walker[] = [];
  // Rows in front of the camera (which looks along +z from behind the local avatar).
  const columns = Math.max(1, Math.ceil(Math.sqrt(options.avatars * 1.5)));
  const spacing = 1.6;
  for (let i = 0; i < options.avatars; i++) {
    const row = Math.floor(i / columns);
    const column = i % columns;
    const kind = next();
    const speed = kind < 0.2 ? 0 : kind < 0.75 ? 3.5 : 6.5; // stand, walk, run (m/s)
    const radius = 0.6 + next() * 1.5;
    walkers.push({
      cx: (column - (columns - 1) / 2) * spacing,
      cz: 4 + row * spacing,
      radius,
      rate: speed / radius,
      phase: next() * Math.PI * 2,
    });
    const color = `#${Math.floor(next() * 0xffffff)
      .toString(16)
      .padStart(6, '0')}`;
    // Every look, so the benchmark draws what a real crowd shows.
    const look = `${AVATAR_BUILDS[i % AVATAR_BUILDS.length]}-${AVATAR_HEADWEAR[i % AVATAR_HEADWEAR.length]}`;
    const avatar = createRemoteAvatar(`bench-${i}`, `Avatar ${i + 1}`, color, bodyAt(0, 0), look);
    avatar.colorHex = parseColor(color);
    avatar.avatarModel = options.customAvatars[i % options.customAvatars.length] ?? '';
    store.remotes.set(avatar.id, avatar);
  }
  const feed = (): void => {
    const now = performance.now();
    const t = now / 1000;
    let i = 0;
    for (const avatar of store.remotes.values()) {
      const w = walkers[i++]!;
      const angle = w.phase + w.rate * t;
      const x = w.cx + Math.cos(angle) * w.radius;
      const z = w.cz + Math.sin(angle) * w.radius;
      // Facing along the loop's tangent (yaw 0 faces +z).
      const yaw = w.rate === 0 ? w.phase : Math.atan2(-Math.sin(angle), Math.cos(angle));
      pushSnapshot(avatar, now, x, 0, z, yaw);
      if (w.rate === 0 && next() < 0.002) playEmote(avatar.motion, EMOTES[i % EMOTES.length]!, t);
    }
  };
  feed();
  const timer = setInterval(feed, 1000 / TICK_HZ);
  store.connection = 'joined';
  store.loading = { progress: 1, stage: 'Ready' };
  return () => clearInterval(timer);
}
