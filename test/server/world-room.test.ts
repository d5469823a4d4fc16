import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CloseCode } from '@colyseus/core';
import {
  STEP_SECONDS,
  WORLD_HALF_EXTENT,
  bodyAt,
  step,
  type AvatarBody,
  type MoveInput,
} from '../../protocol/index.js';
import { WorldStateRepository, WorldsRepository, type RunningServer } from '../../server/index.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { Client } from '@colyseus/sdk';
import { drive, joinWorld, wrapRoom, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

/** Positions travel quantised to 16 bits over the world's extent. */
const QUANTUM = (2 * WORLD_HALF_EXTENT) / 65535;

let server: RunningServer;
const visitors: Visitor[] = [];
const join = async (options: Parameters<typeof joinWorld>[1] = {}): Promise<Visitor> => {
  const visitor = await joinWorld(server.url, options);
  visitors.push(visitor);
  return visitor;
};

beforeAll(async () => {
  server = await startInProcessServer();
});

afterAll(async () => {
  await Promise.all(visitors.map((visitor) => visitor.leave().catch(() => undefined)));
  await server?.close();
});

describe('world room', () => {
  it('shows every visitor to every other, with name, colour and look', async () => {
    const model = 'slim-cap';
    const ada = await join({ name: 'Ada', color: '#ff0000', appearance: model });
    const bob = await join({ name: 'Bob', color: '#00ff00' });
    expect(bob.room.roomId).toBe(ada.room.roomId);
    expect(await ada.waitToSee(bob)).toMatchObject({ name: 'Bob', color: '#00ff00', appearance: '' });
    expect(bob.avatars().get(ada.sessionId)).toMatchObject({
      name: 'Ada',
      color: '#ff0000',
      appearance: model,
    });
  });

  it('moves an avatar exactly as step() replays its acknowledged inputs', async () => {
    const walker = await join({ name: 'Walker' });
    const start = walker.self()!;
    const inputs: MoveInput[] = Array.from({ length: 24 }, (_, i) => ({
      seq: i + 1,
      x: i < 12 ? 1 : -0.5,
      z: i % 3 === 0 ? 1 : 0,
      run: i % 2 === 0,
    }));
    await drive(walker, inputs);
    const expected: AvatarBody = bodyAt(start.x, start.z, start.yaw);
    for (const input of inputs) step(expected, input, STEP_SECONDS);
    const seen = walker.self()!;
    expect(seen.ackSeq).toBe(24);
    expect(Math.abs(seen.x - expected.x)).toBeLessThanOrEqual(QUANTUM * 2);
    expect(Math.abs(seen.z - expected.z)).toBeLessThanOrEqual(QUANTUM * 2);
  });

  it('jumps and lands exactly where step() replays the inputs, moving on through the air', async () => {
    const jumper = await join({ name: 'Jumper' });
    const start = jumper.self()!;
    const inputs: MoveInput[] = Array.from({ length: 16 }, (_, i) => ({
      seq: i + 1,
      x: 0,
      z: 1,
      run: false,
      ...(i === 0 ? { jump: true } : {}),
    }));
    await drive(jumper, inputs.slice(0, 4));
    expect(jumper.self()!.y).toBeGreaterThan(0.5); // in the air after four steps
    await drive(jumper, inputs.slice(4));
    const expected: AvatarBody = bodyAt(start.x, start.z, start.yaw);
    for (const input of inputs) step(expected, input, STEP_SECONDS);
    expect(expected.y).toBe(0);
    const seen = jumper.self()!;
    expect(seen.y).toBe(0);
    expect(Math.abs(seen.z - expected.z)).toBeLessThanOrEqual(QUANTUM * 2);
  });

  it('ignores replayed (stale) input sequence numbers', async () => {
    const visitor = await join({ name: 'Replayer' });
    await drive(visitor, [{ seq: 5, x: 1, z: 0, run: false }]);
    const before = visitor.self()!;
    visitor.sendInput({ seq: 5, x: 1, z: 0, run: true });
    visitor.sendInput({ seq: 3, x: 1, z: 0, run: true });
    await drive(visitor, [{ seq: 6, x: 0, z: 0, run: false }]);
    expect(visitor.self()!.x).toBeCloseTo(before.x, 6);
  });

  it.each([
    ['an unknown message type', (v: Visitor) => v.room.send('teleport', { x: 0 })],
    [
      'an input that fails validation',
      (v: Visitor) => v.room.send('input', { seq: 1, x: 5, z: 0, run: false }),
    ],
    [
      'an input with an unknown field',
      (v: Visitor) => v.room.send('input', { seq: 1, x: 0, z: 0, run: false, speed: 99 }),
    ],
    ['a payload that is not an object', (v: Visitor) => v.room.send('input', 'fly')],
  ])('closes only the sender of %s with code 4002', async (_what, misbehave) => {
    const offender = await join({ name: 'Offender' });
    const bystander = await join({ name: 'Bystander' });
    misbehave(offender);
    await waitFor(
      () => offender.leftWith(),
      (code) => code !== undefined,
      { what: 'offender to be closed' },
    );
    expect(offender.leftWith()).toBe(CloseCode.WITH_ERROR);
    // The room and the bystander carry on: its moves are still simulated and patched.
    const before = bystander.self()!.x;
    await drive(bystander, [{ seq: 1, x: 1, z: 0, run: true }]);
    expect(bystander.self()!.x).toBeGreaterThan(before);
    await waitFor(
      () => bystander.avatars().has(offender.sessionId),
      (present) => !present,
      { what: 'offender removed' },
    );
  });

  it('refuses an oversized frame at the transport without hurting the room', async () => {
    const offender = await join({ name: 'Big' });
    const bystander = await join({ name: 'Small' });
    offender.room.send('input', { seq: 1, x: 0, z: 0, run: false, pad: 'x'.repeat(8 * 1024) });
    await waitFor(
      () => offender.leftWith(),
      (code) => code !== undefined,
      { what: 'oversized sender closed' },
    );
    expect(offender.leftWith()).toBe(1009); // WebSocket "message too big"
    await drive(bystander, [{ seq: 1, x: 0, z: 1, run: false }]);
    expect(bystander.self()!.ackSeq).toBe(1);
  });

  it('rejects join options that are invalid, naming the option', async () => {
    await expect(joinWorld(server.url, { name: '' })).rejects.toMatchObject({
      code: 400,
      message: expect.stringMatching(/option "name" is invalid/),
    });
    await expect(joinWorld(server.url, { color: 'red' })).rejects.toMatchObject({
      code: 400,
      message: expect.stringMatching(/option "color" is invalid: colour must be #rrggbb/),
    });
    await expect(joinWorld(server.url, { appearance: 'https://example.com/me.glb' })).rejects.toMatchObject({
      code: 400,
      message: expect.stringMatching(/option "appearance" is invalid: appearance is "<build>-<headwear>"/),
    });
  });

  it('refuses to join a world that does not exist', async () => {
    await expect(joinWorld(server.url, { world: 'atlantis' })).rejects.toMatchObject({
      code: 404,
      message: expect.stringMatching(/world "atlantis" not found/),
    });
  });

  it('acknowledges a button press only once it is stored', async () => {
    const presser = await join({ name: 'Presser' });
    const world = await new WorldsRepository(server.database.db).findBySlug('demo');
    const states = new WorldStateRepository(server.database.db);
    const before = presser.presses();
    const replies = await Promise.all([presser.press(), presser.press(), presser.press()]);
    expect(replies.map((reply) => reply.presses).sort((a, b) => a - b)).toEqual([
      before + 1,
      before + 2,
      before + 3,
    ]);
    const stored = await states.load(world!.id);
    expect(stored?.state.presses).toBe(before + 3);
    await waitFor(
      () => presser.presses(),
      (presses) => presses === before + 3,
      { what: 'press count patched' },
    );
  });
});

describe('reconnection', () => {
  it('resumes the same avatar after a dropped socket', async () => {
    const visitor = await join({ name: 'Flaky' });
    const watcher = await join({ name: 'Watcher' });
    await drive(visitor, [{ seq: 1, x: 1, z: 0, run: true }]);
    const before = visitor.self()!;
    const token = visitor.room.reconnectionToken;

    // Drop the connection the way a network failure does: no "leave" message, an abnormal close code.
    const socket = (visitor.room.connection as unknown as { transport: { ws: WebSocket } }).transport.ws;
    socket.close(3001, 'network blip');
    await waitFor(
      () => visitor.leftWith(),
      (code) => code !== undefined,
      { what: 'the drop to be noticed' },
    );
    // While dropped, the avatar stays for others.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(watcher.avatars().has(visitor.sessionId)).toBe(true);

    const resumed = await wrapRoom(await new Client(server.url).reconnect(token));
    visitors.push(resumed);
    expect(resumed.sessionId).toBe(visitor.sessionId);
    expect(resumed.self()).toMatchObject({ name: 'Flaky', x: before.x, z: before.z });
    // And it can move on from where it was.
    await drive(resumed, [{ seq: 2, x: 1, z: 0, run: true }]);
    expect(resumed.self()!.x).toBeGreaterThan(before.x);
  });

  it('gives no second chance to a client removed for a protocol error', async () => {
    const offender = await join({ name: 'Cheater' });
    const token = offender.room.reconnectionToken;
    offender.room.send('teleport', {});
    await waitFor(
      () => offender.leftWith(),
      (code) => code !== undefined,
      { what: 'the offender to be closed' },
    );
    await expect(new Client(server.url).reconnect(token)).rejects.toThrow();
  });
});
