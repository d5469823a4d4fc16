/**
 * bench:rollout's bots: each stays in its world as the player does (rejoining through the proxy after 500 ms
 * when its connection closes), presses the button now and then, and some carry the demo world's crates; every
 * write the server acknowledges is counted in a Tally.
 */
import { MessageType, type ItemPose } from '../../protocol/index.js';
import { enterThroughProxy, type Route, type Topology } from '../shared/topology.js';
import { walkTowards, type Visitor } from '../shared/visitors.js';
import { waitFor, within } from '../shared/wait.js';

/** As the player: the first rejoin 500 ms after the close (client/src/shared/net/stay-in-world.ts). */
export const REJOIN_AFTER_MS = 500;
const PRESS_EVERY_MS = 2_000;

export interface Bot {
  name: string;
  world: string;
  visitor: Visitor | undefined;
  route: Route | undefined;
  /** When its current connection was made (performance.now()). */
  joinedAt: number;
  closes: number;
  stopped: boolean;
}

export interface Tally {
  presses: Map<string, number>;
  /** Last crate pose each mover saw acknowledged (resting where the server put it). */
  crates: Map<string, ItemPose>;
  /** Which bot carries which crate around. */
  movers: Map<string, Bot>;
  acknowledged: number;
}

/** A bot for `world`, not yet in it (keepIn brings it). */
export function newBot(name: string, world: string): Bot {
  return { name, world, visitor: undefined, route: undefined, joinedAt: 0, closes: 0, stopped: false };
}

/** Keeps a bot in its world: on a close it was not asked for, rejoins through the proxy, as the player. */
export function keepIn(topology: Topology, bot: Bot): Promise<void> {
  const join = async (): Promise<void> => {
    for (let attempt = 0; !bot.stopped; attempt++) {
      try {
        const { visitor, route } = await enterThroughProxy(topology, bot.world, bot.name);
        bot.visitor = visitor;
        bot.route = route;
        bot.joinedAt = performance.now();
        visitor.room.onLeave(() => {
          if (bot.stopped) return;
          bot.closes += 1;
          bot.visitor = undefined;
          setTimeout(() => void join(), REJOIN_AFTER_MS);
        });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, Math.min(4_000, 500 * 2 ** attempt)));
      }
    }
  };
  return join();
}

/** Presses now and then; counts each press the room acknowledged (stored before it answers). */
export async function presser(bot: Bot, tally: Tally, until: () => boolean): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.random() * PRESS_EVERY_MS));
  while (!until()) {
    const visitor = bot.visitor;
    if (visitor) {
      try {
        await within(visitor.press(), 5_000, () => {
          throw new Error('no answer');
        });
        tally.presses.set(bot.world, (tally.presses.get(bot.world) ?? 0) + 1);
        tally.acknowledged += 1;
      } catch {
        // refused while draining, or the connection went: not acknowledged, so not counted
      }
    }
    await new Promise((resolve) => setTimeout(resolve, PRESS_EVERY_MS));
  }
}

/** Carries one crate of the demo world to random spots; records each put-down the server confirms. */
export async function mover(bot: Bot, crate: string, tally: Tally, until: () => boolean): Promise<void> {
  let seq = 0;
  while (!until()) {
    const visitor = bot.visitor;
    try {
      if (!visitor) throw new Error('between connections');
      const at = await waitFor(() => visitor.items().get(crate), Boolean, { what: crate, timeoutMs: 5_000 });
      const near = (x: number, z: number, d: number) => () =>
        Math.hypot(visitor.self()!.x - x, visitor.self()!.z - z) < d;
      await walkTowards(visitor, at!, near(at!.x, at!.z, 1.2), () => ++seq);
      visitor.room.send(MessageType.interact, { entity: crate });
      await waitFor(
        () => visitor.items().get(crate)?.heldBy,
        (by) => by === visitor.sessionId,
        {
          what: 'grab',
          timeoutMs: 3_000,
        },
      );
      const target = { x: -8 + Math.random() * 16, z: -8 + Math.random() * 6 };
      await walkTowards(visitor, target, near(target.x, target.z, 1), () => ++seq);
      visitor.room.send(MessageType.interact, { entity: crate });
      const put = await waitFor(
        () => visitor.items().get(crate),
        (item) => item?.heldBy === '',
        {
          what: 'put down',
          timeoutMs: 3_000,
        },
      );
      tally.crates.set(crate, { x: put!.x, y: put!.y, z: put!.z, yaw: put!.yaw });
      tally.movers.set(crate, bot);
      tally.acknowledged += 1;
    } catch {
      // the connection moved mid-carry: start over (the carried crate was put down by the drain)
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
