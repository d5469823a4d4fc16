/**
 * A page going away is a leave: browsers close a page's sockets with 1001 as it unloads, and the leave
 * message our apps send on pagehide may not make it out first (seen with the embed's frame). Such a close
 * ends the visit at once — no avatar left waiting for the reconnection grace — while a lost network (1006,
 * or any other code) keeps its grace (test/server/world-room.test.ts).
 */
import '../helpers/ws-package-sockets.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@colyseus/sdk';
import type WebSocket from 'ws';
import type { RunningServer } from '../../server/index.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

let server: RunningServer;
const visitors: Visitor[] = [];

beforeAll(async () => {
  server = await startInProcessServer();
});
afterAll(async () => {
  await Promise.all(visitors.map((visitor) => visitor.leave().catch(() => undefined)));
  await server?.close();
});

describe('a page going away', () => {
  it('leaves at once on close code 1001: the avatar is gone and the session cannot be resumed', async () => {
    const closing = await joinWorld(server.url, { name: 'Closing tab' });
    const onlooker = await joinWorld(server.url, { name: 'Onlooker' });
    visitors.push(onlooker);
    await onlooker.waitToSee(closing);
    const token = closing.room.reconnectionToken;
    const socket = (closing.room.connection as unknown as { transport: { ws: WebSocket } }).transport.ws;
    socket.close(1001, 'going away');
    await waitFor(
      () => onlooker.avatars().has(closing.sessionId),
      (seen) => !seen,
      { what: 'the avatar gone at once (no reconnection grace)' },
    );
    await expect(new Client(server.url).reconnect(token)).rejects.toThrow();
  });
});
