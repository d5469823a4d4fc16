/**
 * Visitors keeping a world busy through a fault: each walks in a circle (an input every tick) and presses
 * the demo button now and then, counting what the room acknowledged. Their own movement frames say whether
 * the room kept simulating (the room tick of every frame that moved them).
 */
import { joinWorld, type Visitor } from '../shared/visitors.js';

export interface PressTally {
  /** Presses sent. */
  sent: number;
  /** Presses the room answered (the write is stored: the room answers after saving). */
  acknowledged: number;
  /** Presses refused or unanswered (each a clear error to the visitor; none may count as stored). */
  refused: number;
  /** The highest press count any answer carried. */
  highestCount: number;
}

export interface WorldLoad {
  visitors: Visitor[];
  presses: PressTally;
  /** Room ticks per second seen in own-movement frames between `from` and `to` (Date.now()), averaged. */
  ticksPerSecond(from: number, to: number): number;
  /** Visitors whose connection closed, and why. */
  closes: number[];
  stop(): Promise<void>;
}

export async function startWorldLoad(
  url: string,
  { visitors: count = 4, pressEveryMs = 400, pressTimeoutMs = 15_000 } = {},
): Promise<WorldLoad> {
  const visitors = await Promise.all(
    Array.from({ length: count }, (_, i) => joinWorld(url, { name: `Steady ${i + 1}` })),
  );
  const presses: PressTally = { sent: 0, acknowledged: 0, refused: 0, highestCount: 0 };
  const closes: number[] = [];
  /** [Date.now(), room tick] of each frame that moved a visitor, per visitor. */
  const ticks: Array<Array<[number, number]>> = visitors.map(() => []);
  let running = true;
  const loops = visitors.map(async (visitor, index) => {
    let seq = 0;
    let seenTrack = 0;
    let nextPress = Date.now() + pressEveryMs * (index / count);
    const pending: Array<Promise<void>> = [];
    while (running && visitor.leftWith() === undefined) {
      const angle = (Date.now() / 2_000 + index) % (2 * Math.PI);
      visitor.sendInput({ seq: ++seq, x: Math.cos(angle), z: Math.sin(angle), run: false });
      for (; seenTrack < visitor.track.length; seenTrack++)
        ticks[index]!.push([Date.now(), visitor.track[seenTrack]!.tick]);
      if (Date.now() >= nextPress) {
        nextPress += pressEveryMs;
        presses.sent++;
        const press = visitor.press();
        const timeout = new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('unanswered')), pressTimeoutMs).unref(),
        );
        pending.push(
          Promise.race([press, timeout]).then(
            (reply) => {
              presses.acknowledged++;
              presses.highestCount = Math.max(presses.highestCount, reply.presses);
            },
            () => void presses.refused++,
          ),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const code = visitor.leftWith();
    if (code !== undefined) closes.push(code);
    await Promise.all(pending);
  });
  return {
    visitors,
    presses,
    closes,
    ticksPerSecond: (from, to) => {
      const rates = ticks.map((series) => {
        const inWindow = series.filter(([at]) => at >= from && at <= to);
        if (inWindow.length < 2) return 0;
        const first = inWindow[0]!;
        const last = inWindow[inWindow.length - 1]!;
        return (last[1] - first[1]) / Math.max(0.001, (last[0] - first[0]) / 1000);
      });
      return rates.reduce((sum, rate) => sum + rate, 0) / Math.max(1, rates.length);
    },
    stop: async () => {
      running = false;
      await Promise.all(loops);
      await Promise.all(visitors.map((visitor) => visitor.leave().catch(() => undefined)));
    },
  };
}
