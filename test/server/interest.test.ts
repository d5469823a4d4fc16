/**
 * Interest management in a running room (radius 6 m, K = 3): far avatars are absent and appear when they
 * come near, no client holds more than K others, and one avatar's move costs a few bytes on the wire.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { FRAME_ENTRY_BYTES, FRAME_HEADER_BYTES, type MoveInput } from '../../protocol/index.js';
import type { RunningServer } from '../../server/index.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

let server: RunningServer;
let visitors: Visitor[] = [];
const join = async (name: string): Promise<Visitor> => {
  const visitor = await joinWorld(server.url, { name });
  visitors.push(visitor);
  return visitor;
};

/** Sends inputs four at a time (the room buffers eight), waiting until each batch is applied. */
async function walk(
  visitor: Visitor,
  from: number,
  steps: number,
  intent: Omit<MoveInput, 'seq'>,
): Promise<number> {
  let seq = from;
  for (let i = 0; i < steps; i++) {
    visitor.sendInput({ seq: ++seq, ...intent });
    if (i % 4 === 3 || i === steps - 1) {
      const target = seq;
      await waitFor(
        () => visitor.self()?.ackSeq ?? 0,
        (ack) => ack >= target,
        { what: `ack ${target}` },
      );
    }
  }
  return seq;
}

beforeAll(async () => {
  server = await startInProcessServer({ INTEREST_RADIUS: '6', INTEREST_K: '3' });
});
afterEach(async () => {
  await Promise.all(visitors.map((visitor) => visitor.leave()));
  visitors = [];
  await new Promise((resolve) => setTimeout(resolve, 100));
});
afterAll(async () => server?.close());

describe('interest management', () => {
  it('leaves a far avatar out of a client’s state and brings it in when it comes near', async () => {
    const ada = await join('Ada');
    const bob = await join('Bob');
    await ada.waitToSee(bob, 'Bob near Ada at spawn');

    // Bob runs 14 m away: beyond the 7.2 m leave radius.
    let seq = await walk(bob, 0, 40, { x: 1, z: 0, run: true });
    await waitFor(
      () => ada.avatars().has(bob.sessionId),
      (seen) => !seen,
      { what: 'Bob to leave Ada’s state' },
    );
    expect(bob.avatars().has(ada.sessionId)).toBe(false);

    // And back: inside the 6 m radius again.
    seq = await walk(bob, seq, 40, { x: -1, z: 0, run: true });
    const seen = await ada.waitToSee(bob, 'Bob to reappear');
    expect(seen).toMatchObject({ name: 'Bob' });
    expect(Math.abs(seen.x - bob.self()!.x)).toBeLessThan(0.01);
    expect(seq).toBe(80);
  });

  it('holds at most K others in a client’s state when more are near', async () => {
    const crowd: Visitor[] = [];
    for (const name of ['A', 'B', 'C', 'D', 'E', 'F']) crowd.push(await join(name));
    // All six spawn within 4 m of each other; each must see itself plus exactly K = 3 others.
    for (const visitor of crowd) {
      await waitFor(
        () => visitor.avatars().size,
        (size) => size === 4,
        { what: `${visitor.sessionId} to see 3 others` },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500)); // several interest refreshes later: still capped
    for (const visitor of crowd) expect(visitor.avatars().size).toBe(4);
  });

  it('sends one avatar’s move in a few bytes (quantised position and angle)', async () => {
    const watcher = await join('Watcher');
    const mover = await join('Mover');
    await watcher.waitToSee(mover, 'mover in view');
    await new Promise((resolve) => setTimeout(resolve, 300)); // let every earlier change go out
    const frames: number[] = [];
    const socket = (watcher.room.connection as unknown as { transport: { ws: WebSocket } }).transport.ws;
    socket.addEventListener('message', (event: MessageEvent<ArrayBuffer>) =>
      frames.push(event.data.byteLength),
    );
    await walk(mover, 0, 1, { x: 1, z: 1, run: false });
    await waitFor(
      () => frames.length,
      (count) => count > 0,
      { what: 'a patch' },
    );
    // One movement frame with one entry: message code and type (2), frame header (10), the entry
    // (netId and three 16-bit quantised fields: 8).
    expect(frames).toContain(2 + FRAME_HEADER_BYTES + FRAME_ENTRY_BYTES);
    expect(Math.max(...frames)).toBeLessThanOrEqual(2 + FRAME_HEADER_BYTES + FRAME_ENTRY_BYTES);
  });
});

describe('chat', () => {
  it('delivers nearby chat to those who can see the sender, and instance chat to everyone', async () => {
    const ada = await join('Ada');
    const bob = await join('Bob');
    const far = await join('Far');
    await walk(far, 0, 40, { x: -1, z: 0, run: true }); // 14 m away: out of everyone's interest
    await waitFor(
      () => ada.avatars().has(far.sessionId),
      (seen) => !seen,
      { what: 'Far out of Ada’s view' },
    );
    await ada.waitToSee(bob, 'Bob in Ada’s view');

    ada.say('hello, neighbours');
    await waitFor(
      () => bob.chats.length,
      (n) => n === 1,
      { what: 'Bob to hear Ada' },
    );
    expect(bob.chats[0]).toMatchObject({
      from: ada.sessionId,
      name: 'Ada',
      channel: 'nearby',
      text: 'hello, neighbours',
    });
    await waitFor(
      () => ada.chats.length,
      (n) => n === 1,
      { what: 'Ada’s own echo' },
    );

    ada.say('hello, everyone', 'instance');
    await waitFor(
      () => far.chats.length,
      (n) => n === 1,
      { what: 'Far to hear the instance line' },
    );
    expect(far.chats[0]).toMatchObject({ channel: 'instance', text: 'hello, everyone' });
    expect(far.chats.some((line) => line.text === 'hello, neighbours')).toBe(false);
  });

  it('refuses lines over the length cap and beyond the rate limit, without disconnecting', async () => {
    const talker = await join('Talker');
    talker.say('x'.repeat(501));
    await waitFor(
      () => talker.chatRefusals.length,
      (n) => n === 1,
      { what: 'a refusal' },
    );
    expect(talker.chatRefusals[0]).toBe('chat: a message is at most 500 characters; this one has 501');

    for (let i = 1; i <= 6; i++) talker.say(`line ${i}`);
    await waitFor(
      () => talker.chatRefusals.length,
      (n) => n === 2,
      { what: 'the rate limit' },
    );
    expect(talker.chatRefusals[1]).toMatch(/^chat: at most 5 messages per 10 s; wait \d+ s$/);
    await waitFor(
      () => talker.chats.length,
      (n) => n === 5,
      { what: 'the five allowed lines' },
    );
    expect(talker.chats.map((line) => line.text)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    expect(talker.leftWith()).toBeUndefined();
  });
});

describe('emotes and typing indicators', () => {
  it('reach those who can see the sender, and nobody else', async () => {
    const ada = await join('Ada');
    const bob = await join('Bob');
    const far = await join('Far');
    await walk(far, 0, 40, { x: -1, z: 0, run: true });
    await waitFor(
      () => ada.avatars().has(far.sessionId),
      (seen) => !seen,
      { what: 'Far out of Ada’s view' },
    );
    await ada.waitToSee(bob, 'Bob in Ada’s view');

    ada.room.send('emote', { emote: 'wave' });
    ada.room.send('typing', { typing: true });
    await waitFor(
      () => bob.events.length,
      (n) => n === 2,
      { what: 'Bob to see the wave and the typing' },
    );
    expect(bob.events).toEqual([
      { type: 'emote', message: { from: ada.sessionId, emote: 'wave' } },
      { type: 'typing', message: { from: ada.sessionId, typing: true } },
    ]);
    await waitFor(
      () => ada.events.length,
      (n) => n === 1,
      { what: 'Ada to see her own emote' },
    );
    expect(ada.events[0]).toMatchObject({ type: 'emote' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(far.events).toEqual([]);
  });

  it('ignores emotes beyond the rate limit and refuses unknown ones', async () => {
    const dancer = await join('Dancer');
    const watcher = await join('Watcher');
    await watcher.waitToSee(dancer, 'dancer in view');
    for (let i = 0; i < 6; i++) dancer.room.send('emote', { emote: 'dance' });
    // The two the limit lets through arrive (however loaded the machine); then no more do.
    const emotes = () => watcher.events.filter((e) => e.type === 'emote').length;
    await waitFor(emotes, (n) => n >= 2, { what: 'the two emotes within the limit' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(emotes()).toBe(2);
    dancer.room.send('emote', { emote: 'moonwalk' });
    await waitFor(
      () => dancer.leftWith(),
      (code) => code !== undefined,
      { what: 'unknown emote refused' },
    );
    expect(dancer.leftWith()).toBe(4002);
  });
});
