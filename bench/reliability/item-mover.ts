/**
 * The crash harness' item mover: a visitor that carries the demo world's crate to random spots and puts it
 * down, each put-down with a unique `ref`. Every put-down is recorded as sent before it leaves, with the
 * pose the room announced for it (the drop's `interaction` event, sent before the save starts), and as
 * acknowledged only when `itemSaved` came back for its ref. When it first sees the crate after a restart it
 * checks that pose against the moves so far (checkItemMoves): the crate must rest where the last
 * acknowledged put-down left it, or where a later one did.
 */
import { MessageType, type ItemPose, type ItemSaved } from '../../protocol/index.js';
import { joinWorld, stepTowards, walkTowards, type Visitor } from '../shared/visitors.js';
import { waitFor } from '../shared/wait.js';
import { checkItemMoves, samePose, type ItemMoveRecord } from './acknowledged.js';

/** The demo world's crate the mover carries. */
export const MOVED_ITEM = 'crate-1';
/** Put-downs land within this distance (m) of where the crate first stood, at least 1 m from the last. */
const ROAM_METRES = 2.5;

export interface MoveLedger {
  /** Where the scene puts the crate (as first seen, before any move of ours). */
  initial: ItemPose | undefined;
  moves: ItemMoveRecord[];
  /** Poses the crate was found at after restarts, each checked against the moves before it. */
  checks: number;
  lost: number;
  invented: number;
}

export const newMoveLedger = (): MoveLedger => ({
  initial: undefined,
  moves: [],
  checks: 0,
  lost: 0,
  invented: 0,
});

/** Checks where `visitor` sees the crate now against the moves so far; counts the result. */
export async function checkCrate(visitor: Visitor, ledger: MoveLedger): Promise<void> {
  const seen = await waitFor(() => visitor.items().get(MOVED_ITEM), Boolean, { what: MOVED_ITEM });
  const pose = { x: seen!.x, y: seen!.y, z: seen!.z, yaw: seen!.yaw };
  if (!ledger.initial) {
    ledger.initial = pose;
    return;
  }
  const check = checkItemMoves(ledger.moves, ledger.initial, pose);
  ledger.checks++;
  ledger.lost += check.lost;
  ledger.invented += check.invented;
}

/** Steps toward `target` until within 0.4 m, blocked (no headway in 5 steps) or 40 steps; never throws. */
async function walkAsFar(visitor: Visitor, target: { x: number; z: number }, nextSeq: () => number) {
  const distance = () => Math.hypot(visitor.self()!.x - target.x, visitor.self()!.z - target.z);
  const recent: number[] = [];
  for (let step = 0; step < 40 && distance() > 0.4; step++) {
    recent.push(distance());
    if (recent.length > 5 && recent.at(-6)! - recent.at(-1)! < 0.1) return;
    const applied = await stepTowards(visitor, target, nextSeq, 2_000).then(
      () => true,
      () => false,
    );
    if (!applied) return;
  }
}

export interface Mover {
  stop(): Promise<void>;
}

/** Joins the demo world at `url`, checks the crate, then moves it until stopped or its server is gone. */
export async function startMover(url: string, ledger: MoveLedger, next: () => number): Promise<Mover> {
  const visitor = await joinWorld(url, { name: 'Crash mover' });
  await checkCrate(visitor, ledger);
  const home = ledger.initial!;
  let running = true;
  let seq = 0;
  const nextSeq = () => ++seq;
  const near = (x: number, z: number, metres: number) => () =>
    Math.hypot(visitor.self()!.x - x, visitor.self()!.z - z) < metres;
  const byRef = new Map<number, ItemMoveRecord>();
  visitor.room.onMessage(MessageType.itemSaved, (saved: ItemSaved) => {
    const move = byRef.get(saved.ref);
    if (!move) return;
    move.acknowledged = true;
    // An acknowledgement for a pose the room never announced would be a false promise.
    if (move.pose && !samePose(move.pose, saved)) ledger.invented++;
  });
  const loop = (async () => {
    while (running && visitor.leftWith() === undefined) {
      try {
        const at = visitor.items().get(MOVED_ITEM)!;
        // Fetched, picked up and carried to a random spot — unless a killed walk left it in our hands, when
        // it is put down where we stand.
        if (at.heldBy !== visitor.sessionId) {
          await walkTowards(visitor, at, near(at.x, at.z, 1), nextSeq);
          visitor.room.send(MessageType.interact, { entity: MOVED_ITEM });
          await waitFor(
            () => visitor.items().get(MOVED_ITEM)?.heldBy,
            (by) => by === visitor.sessionId,
            { what: 'the crate picked up', timeoutMs: 3_000 },
          );
          let target = { x: at.x, z: at.z };
          while (Math.hypot(target.x - at.x, target.z - at.z) < 1)
            target = {
              x: home.x + (next() * 2 - 1) * ROAM_METRES,
              z: home.z + (next() * 2 - 1) * ROAM_METRES,
            };
          // Blocked on the way (a wall, a bench): it is put down wherever the walk ended.
          await walkAsFar(visitor, target, nextSeq);
        }
        const move: ItemMoveRecord = { ref: ledger.moves.length + 1, pose: undefined, acknowledged: false };
        ledger.moves.push(move);
        byRef.set(move.ref, move);
        const announced = visitor.interactions.length;
        visitor.room.send(MessageType.interact, { entity: MOVED_ITEM, ref: move.ref });
        const drop = await waitFor(
          () =>
            visitor.interactions
              .slice(announced)
              .find((event) => event.by === visitor.sessionId && event.action === 'drop'),
          Boolean,
          { what: 'the crate put down', timeoutMs: 3_000 },
        );
        move.pose = drop!.pose;
        // The event comes before the state's patch: wait for the state too, or the next round would still
        // see the crate in our hands.
        await waitFor(
          () => visitor.items().get(MOVED_ITEM)?.heldBy,
          (by) => by === '',
          { what: 'the crate at rest in the state', timeoutMs: 3_000 },
        );
      } catch {
        // The server was killed mid-move (or a step timed out): start over if it is still there.
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      if (visitor.leftWith() === undefined) void visitor.leave().catch(() => undefined);
    },
  };
}
