/**
 * A room under abuse: a client flooding maximal inputs never moves faster than run speed, and thousands of
 * malformed, oversized, garbage and out-of-order messages from many clients leave the room and an
 * honest bystander unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  MAX_MESSAGE_BYTES,
  RUN_SPEED,
  STEP_SECONDS,
  WORLD_HALF_EXTENT,
  type MoveInput,
} from '../../protocol/index.js';
import type { RunningServer } from '../../server/index.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

const QUANTUM = (2 * WORLD_HALF_EXTENT) / 65535;
let server: RunningServer;
const visitors: Visitor[] = [];

beforeAll(async () => {
  server = await startInProcessServer();
});
afterAll(async () => {
  await Promise.all(visitors.map((visitor) => visitor.leave().catch(() => undefined)));
  await server?.close();
});

const socketOf = (visitor: Visitor): WebSocket =>
  (visitor.room.connection as unknown as { transport: { ws: WebSocket } }).transport.ws;

describe('abuse', () => {
  it('never moves an avatar more than run speed × dt per tick, however fast inputs come', async () => {
    const racer = await joinWorld(server.url, { name: 'Racer' });
    visitors.push(racer);
    for (let seq = 1; seq <= 40; seq++) racer.sendInput({ seq, x: 1, z: 1, run: true }); // a burst, far over 20/s
    await waitFor(
      () => racer.self()?.ackSeq ?? 0,
      (ack) => ack === 40,
      { what: 'the last input applied' },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const track = racer.track;
    expect(track.length).toBeGreaterThan(3);
    for (let i = 1; i < track.length; i++) {
      const ticks = track[i]!.tick - track[i - 1]!.tick;
      const moved = Math.hypot(track[i]!.x - track[i - 1]!.x, track[i]!.z - track[i - 1]!.z);
      expect(moved).toBeLessThanOrEqual(RUN_SPEED * STEP_SECONDS * ticks + 2 * QUANTUM);
    }
    // Of 40 inputs sent at once the room dropped most: its buffer holds 8, and a burst read over a few
    // ticks on a loaded machine lets at most a few buffers' worth through — never all 40.
    const start = track[0]!;
    const end = track[track.length - 1]!;
    const steps = Math.hypot(end.x - start.x, end.z - start.z) / (RUN_SPEED * STEP_SECONDS);
    expect(steps).toBeLessThanOrEqual(3 * 8 + 0.1);
  });

  it('survives thousands of malformed, oversized and out-of-order messages; a bystander is unaffected', async () => {
    const bystander = await joinWorld(server.url, { name: 'Bystander' });
    visitors.push(bystander);
    let seed = 12345;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
    const weird: unknown[] = [
      null,
      0,
      -1,
      1e308,
      'x',
      [],
      [1, 2],
      {},
      { seq: -1 },
      { seq: 1.5, x: 0, z: 0, run: false },
      { seq: 1, x: Number.NaN, z: 0, run: false },
      { seq: 1, x: 0, z: 0, run: 'yes' },
      { seq: 2 ** 40, x: 0, z: 0, run: true },
      { seq: 1, x: 0, z: 0, run: false, extra: { deep: [1, { deeper: true }] } },
      { channel: 'shout', text: 'hi' },
    ];
    let sent = 0;
    let closedByServer = 0;
    for (let round = 0; round < 40; round++) {
      const fuzzer = await joinWorld(server.url, { name: `Fuzzer ${round}` });
      // Out of order and stale but well-formed: accepted and ignored, never applied twice.
      for (let i = 0; i < 40; i++) {
        fuzzer.sendInput({
          seq: Math.floor(random() * 20) + 1,
          x: random() * 2 - 1,
          z: random() * 2 - 1,
          run: random() < 0.5,
        });
        sent++;
      }
      // Then something the room must refuse.
      const kind = round % 4;
      if (kind === 0)
        fuzzer.room.send(pick(['input', 'press', 'chat', 'teleport', '__proto__', '']), pick(weird));
      else if (kind === 1) fuzzer.room.send('input', { pad: 'x'.repeat(MAX_MESSAGE_BYTES * 2) });
      else if (kind === 2)
        socketOf(fuzzer).send(Uint8Array.from({ length: 64 }, () => Math.floor(random() * 256)));
      else for (let i = 0; i < 80; i++) fuzzer.room.send('chat', { channel: 'nearby', text: 'spam' }); // rate
      sent += kind === 3 ? 80 : 1;
      if (kind === 2) {
        // Random bytes are usually not a message at all and are ignored; the fuzzer then leaves itself.
        await new Promise((resolve) => setTimeout(resolve, 300));
        if (fuzzer.leftWith() === undefined) await fuzzer.leave();
        continue;
      }
      // A bad type or payload (4002), an oversized frame (1009) and a message flood (4002) must all close it.
      await waitFor(
        () => fuzzer.leftWith(),
        (c) => c !== undefined,
        { what: `fuzzer ${round} closed` },
      );
      closedByServer++;
    }
    expect(sent).toBeGreaterThan(2000);
    expect(closedByServer).toBe(30);

    // The room and the bystander carry on as before.
    expect(bystander.leftWith()).toBeUndefined();
    const before = bystander.self()!;
    for (let seq = 1; seq <= 4; seq++)
      bystander.sendInput({ seq, x: 0, z: -1, run: false } satisfies MoveInput);
    await waitFor(
      () => bystander.self()?.ackSeq ?? 0,
      (ack) => ack === 4,
      { what: 'bystander moves applied' },
    );
    expect(before.z - bystander.self()!.z).toBeCloseTo(4 * 4 * STEP_SECONDS, 2);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    // Racer and bystander remain; every fuzzer is gone (listings update shortly after a leave).
    await waitFor(
      async () => {
        const body = (await (await fetch(`${server.url}/worlds/demo/instances`)).json()) as {
          population: number;
        };
        return body.population;
      },
      (population) => population === 2,
      { what: 'only the racer and the bystander listed' },
    );
  });
});
