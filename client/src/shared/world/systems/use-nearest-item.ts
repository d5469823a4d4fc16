/**
 * E uses the nearest scene item the avatar can reach (sit on it, set it off, pick it up), or puts down what
 * it carries. The room decides; this only picks which item to ask for, so a refusal (too far, seat taken,
 * someone else carries it) comes back as a notice.
 */
import type { StaticWorld } from '../../../../../protocol/index.js';
import type { LocalAvatar, MovableItem } from '../world-store.js';

/**
 * The id of the item E should use: the one the visitor carries, else the nearest interactable within its
 * reach (movable items where they rest now, not where the scene first put them).
 */
export function nearestUsableItem(
  local: LocalAvatar,
  world: StaticWorld,
  items: ReadonlyMap<string, MovableItem>,
  sessionId: string | null,
): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const item of items.values()) if (item.heldBy !== '' && item.heldBy === sessionId) return item.entity;
  for (const item of world.interactables.values()) {
    let x = item.x;
    let z = item.z;
    if (item.action === 'grab') {
      const movable = items.get(item.entity);
      if (!movable || movable.heldBy !== '') continue; // out of interest, or carried by someone
      x = movable.pose.x;
      z = movable.pose.z;
    }
    const distance = Math.hypot(local.predicted.x - x, local.predicted.z - z);
    if (distance <= item.reach && distance < bestDistance) {
      best = item.entity;
      bestDistance = distance;
    }
  }
  return best;
}
