/**
 * The crash harness' checker: what clients saw acknowledged against what is stored after recovery. Pure,
 * so its own test can plant a lost, a duplicated and an invented write and see each caught.
 */
import type { ItemPose } from '../../protocol/index.js';

export interface WriteLedger {
  /** Presses sent, and answered (an answer comes after the save that holds the press committed). */
  pressesSent: number;
  pressesAcknowledged: number;
  /** Scene edits by their unique id: every one sent, and those answered 2xx. */
  editsSent: ReadonlySet<string>;
  editsAcknowledged: ReadonlySet<string>;
}

export interface StoredWrites {
  /** The demo button's stored press count. */
  presses: number;
  /** The unique id of every harness edit found in the stored draft, once per occurrence. */
  edits: readonly string[];
}

export interface AcknowledgedCheck {
  /** Acknowledged but not stored: presses short of the acknowledged count, plus edits missing. */
  lost: number;
  /** Stored more than once (an edit's id found twice), or presses beyond what was ever sent. */
  duplicated: number;
  /** Stored edits whose id was never sent. */
  invented: number;
  /** Up to 10 ids of lost edits, for the report. */
  lostEdits: string[];
}

export function checkAcknowledged(ledger: WriteLedger, stored: StoredWrites): AcknowledgedCheck {
  const counts = new Map<string, number>();
  for (const id of stored.edits) counts.set(id, (counts.get(id) ?? 0) + 1);
  const lostEdits = [...ledger.editsAcknowledged].filter((id) => !counts.has(id));
  let duplicated = Math.max(0, stored.presses - ledger.pressesSent);
  let invented = 0;
  for (const [id, count] of counts) {
    if (count > 1) duplicated += count - 1;
    if (!ledger.editsSent.has(id)) invented++;
  }
  return {
    lost: Math.max(0, ledger.pressesAcknowledged - stored.presses) + lostEdits.length,
    duplicated,
    invented,
    lostEdits: lostEdits.slice(0, 10),
  };
}

/** One put-down of the item mover: its ref, the pose the room announced (if it got that far), its ack. */
export interface ItemMoveRecord {
  ref: number;
  pose: ItemPose | undefined;
  acknowledged: boolean;
}

/** Equal within the state's quantisation (about 2 mm of position, 0.01° of yaw), with room to spare. */
export function samePose(a: ItemPose, b: ItemPose): boolean {
  const yaw = Math.abs(Math.atan2(Math.sin(a.yaw - b.yaw), Math.cos(a.yaw - b.yaw)));
  return Math.hypot(a.x - b.x, a.z - b.z) < 0.01 && Math.abs(a.y - b.y) < 0.02 && yaw < 0.01;
}

/**
 * Where an item was found after recovery, against the put-downs before it (in the order sent). It must
 * rest where the last acknowledged put-down left it or where a later one did (sent, maybe stored, not yet
 * acknowledged); with none acknowledged, where the scene put it or any put-down did. Resting where an
 * earlier put-down left it means the acknowledged one was lost; resting where none did, invented.
 */
export function checkItemMoves(
  moves: readonly ItemMoveRecord[],
  initial: ItemPose,
  found: ItemPose,
): { lost: number; invented: number } {
  let lastAcknowledged = -1;
  moves.forEach((move, i) => {
    if (move.acknowledged) lastAcknowledged = i;
  });
  const poses = (list: readonly ItemMoveRecord[]) => list.flatMap((move) => (move.pose ? [move.pose] : []));
  const allowed = lastAcknowledged < 0 ? [initial, ...poses(moves)] : poses(moves.slice(lastAcknowledged));
  if (allowed.some((pose) => samePose(pose, found))) return { lost: 0, invented: 0 };
  if ([initial, ...poses(moves)].some((pose) => samePose(pose, found))) return { lost: 1, invented: 0 };
  return { lost: lastAcknowledged < 0 ? 0 : 1, invented: 1 };
}
