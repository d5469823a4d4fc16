/**
 * Where a movable item is drawn this frame: where the room says it rests, or riding in front of whoever
 * carries it — the local visitor's predicted avatar or a remote's interpolated one, so a carried item moves
 * as smoothly as its holder. No allocation: the pose is written into `out`.
 */
import { carriedPose, type ItemPose } from '../../../../protocol/index.js';
import type { WorldStore } from './world-store.js';

/** `out` set to the item's pose now; false when this visitor does not see the item (not in its interest). */
export function itemPoseNow(store: WorldStore, entity: string, out: ItemPose): boolean {
  const item = store.items.get(entity);
  if (!item) return false;
  if (item.heldBy !== '') {
    const holder =
      item.heldBy === store.sessionId ? store.local?.predicted : store.remotes.get(item.heldBy)?.rendered;
    if (holder) {
      carriedPose(holder, out);
      return true;
    }
  }
  out.x = item.pose.x;
  out.y = item.pose.y;
  out.z = item.pose.z;
  out.yaw = item.pose.yaw;
  return true;
}
