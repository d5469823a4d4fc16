/** A visitor inside a world instance, as the room's systems see it. */
import type { MoveInput } from '../../protocol/index.js';
import type { Mover } from './movement-broadcaster.js';

export interface Occupant extends Mover {
  inputs: MoveInput[];
  /** The signed-in account, if any (bans and mutes apply to it). */
  accountId: string | null;
  /** When the visitor joined (Date.now()), for usage metering. */
  joinedAt: number;
  /** The portal entity the avatar stands in, so a portal fires once on entering, not every tick. */
  portal: string | null;
  /** The scene item the visitor asked to use, applied by the next tick (the latest request wins). */
  pendingInteraction: string | null;
  /** The movable item (entity id) the visitor carries, if any. */
  carrying: string | null;
  /** May moderate the world (talks on stages and in announcements). */
  canModerate: boolean;
}
