/**
 * Using scene items, decided by the server: the item must be an interactable of the running scene version
 * and within its reach of the avatar. Sitting snaps the avatar onto the seat (one sitter per seat) until it
 * moves; triggers are announced to those who see the visitor. Movable items (action "grab") are decided by
 * movable-items.ts, since they are not where the scene placed them once moved.
 */
import type { AvatarBody, Interactable, StaticWorld } from '../../protocol/index.js';

export type InteractionOutcome =
  | { kind: 'sit'; item: Interactable }
  | { kind: 'trigger'; item: Interactable }
  | { kind: 'refused'; reason: string };

/** What `body` may do with `entityId` in `world`; `seatTaken` says whether someone else sits there. */
export function decideInteraction(
  world: StaticWorld,
  body: AvatarBody,
  entityId: string,
  seatTaken: (entity: string) => boolean,
): InteractionOutcome {
  const item = world.interactables.get(entityId);
  if (!item) return { kind: 'refused', reason: `"${entityId}" is not something you can use in this scene` };
  const distance = Math.hypot(body.x - item.x, body.z - item.z);
  if (distance > item.reach)
    return {
      kind: 'refused',
      reason: `"${entityId}" is ${distance.toFixed(1)} m away; come within ${item.reach} m`,
    };
  switch (item.action) {
    case 'sit':
      return seatTaken(item.entity)
        ? { kind: 'refused', reason: `someone is already sitting on "${entityId}"` }
        : { kind: 'sit', item };
    case 'trigger':
      return { kind: 'trigger', item };
    case 'grab':
      // Only reached when the item is not among the running scene's movable items (see MovableItems.sync).
      return {
        kind: 'refused',
        reason: `"${entityId}" cannot be picked up right now; try again in a moment`,
      };
  }
}

/** Places a body on a seat: at the item's position and facing, at rest. */
export function seatBody(body: AvatarBody, item: Interactable): void {
  body.x = item.x;
  body.y = item.y;
  body.z = item.z;
  body.yaw = item.yaw;
  body.vy = 0;
}

/** Whether an input carries intent to move (which stands a seated avatar up). */
export const wantsToMove = (input: { x: number; z: number; jump?: boolean | undefined }): boolean =>
  input.x !== 0 || input.z !== 0 || input.jump === true;
