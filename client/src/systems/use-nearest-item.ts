/**
 * E uses the nearest scene item the avatar can reach (sit on it, set it off). The room decides; this only
 * picks which item to ask for, so a refusal (too far, seat taken) comes back as a notice.
 */
import type { StaticWorld } from '../../../protocol/index.js';
import type { LocalAvatar } from '../world-store.js';

/** The id of the nearest interactable within its reach of the avatar, if any. */
export function nearestUsableItem(local: LocalAvatar, world: StaticWorld): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const item of world.interactables.values()) {
    const distance = Math.hypot(local.predicted.x - item.x, local.predicted.z - item.z);
    if (distance <= item.reach && distance < bestDistance) {
      best = item.entity;
      bestDistance = distance;
    }
  }
  return best;
}
