import { DEMO_WORLD_SLUG } from '../../protocol/index.js';
import type { World } from './tables.js';
import type { WorldsRepository } from './worlds-repository.js';

/** Makes sure the demo world exists, so a newcomer sees something on first start. Idempotent. */
export function seedDemoWorld(worlds: WorldsRepository): Promise<World> {
  return worlds.ensure({ slug: DEMO_WORLD_SLUG, name: 'Demo world' });
}
