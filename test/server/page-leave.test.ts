/**
 * A page going away is a leave: browsers close a page's sockets with 1001 as it unloads, and the leave
 * message our apps send on pagehide may not make it out first (seen with the embed's frame). Such a close
 * ends the visit at once — no avatar left waiting for the reconnection grace — while a lost network (1006,
 * or any other code) keeps its grace (test/server/world-room.test.ts) — unless the page's leave notice, a
 * keepalive HTTP request that outlives the page, says it left.
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

/** The page's socket gone without a leave: a close code that keeps the grace, as a vanished socket does. */
const vanish = (visitor: Visitor): void =>
  (visitor.room.connection as unknown as { transport: { ws: WebSocket } }).transport.ws.close(3001, 'gone');

const notice = (roomId: string, body: unknown): Promise<Response> =>
  fetch(`${server.url}/rooms/${roomId}/leave`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** As a page's beacon sends it: a form body. */
const beacon = (visitor: Visitor, token: string): Promise<Response> =>
  fetch(`${server.url}/rooms/${visitor.room.roomId}/leave`, {
    method: 'POST',
    body: new URLSearchParams({ sessionId: visitor.sessionId, token }),
  });

const leaveTokenOf = async (visitor: Visitor): Promise<string> =>
  (await waitFor(() => visitor.privileges()?.leaveToken, Boolean, { what: 'the seat’s leave token' }))!;

describe('a leave notice (the keepalive request a page sends as it goes away)', () => {
  it('ends a waiting avatar’s grace at once; a wrong token changes nothing', async () => {
    const leaving = await joinWorld(server.url, { name: 'Framed page' });
    const onlooker = await joinWorld(server.url, { name: 'Onlooker 2' });
    visitors.push(onlooker);
    await onlooker.waitToSee(leaving);
    const token = leaving.room.reconnectionToken;
    vanish(leaving);
    await waitFor(
      () => leaving.leftWith(),
      (code) => code !== undefined,
      { what: 'the socket closed' },
    );
    const forged = await notice(leaving.room.roomId, { sessionId: leaving.sessionId, token: 'notTheOne' });
    expect(forged.status).toBe(204); // says nothing about the session
    // The reconnection token is no leave token.
    expect((await beacon(leaving, token.split(':')[1]!)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(onlooker.avatars().has(leaving.sessionId)).toBe(true); // still waiting for its page
    expect((await beacon(leaving, await leaveTokenOf(leaving))).status).toBe(204);
    await waitFor(
      () => onlooker.avatars().has(leaving.sessionId),
      (seen) => !seen,
      { what: 'the avatar gone on the notice' },
    );
    await expect(new Client(server.url).reconnect(token)).rejects.toThrow();
  });

  it('sent while the socket is still open (its page is gone), closes it: the avatar leaves at once', async () => {
    const leaving = await joinWorld(server.url, { name: 'Closing frame' });
    const onlooker = await joinWorld(server.url, { name: 'Onlooker 3' });
    visitors.push(onlooker);
    await onlooker.waitToSee(leaving);
    const token = leaving.room.reconnectionToken;
    expect((await beacon(leaving, await leaveTokenOf(leaving))).status).toBe(204);
    await waitFor(
      () => onlooker.avatars().has(leaving.sessionId),
      (seen) => !seen,
      { what: 'the avatar gone on the notice (no grace)' },
    );
    expect(leaving.leftWith()).toBeDefined();
    await expect(new Client(server.url).reconnect(token)).rejects.toThrow();
  });

  it('answers a malformed notice with what is wrong, and one for a room that is gone with 204', async () => {
    const bad = await notice('room-1', { sessionId: 'a b', token: 'x' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('sessionId is 1–64 letters');
    const extra = await notice('room-1', { sessionId: 'abc', token: 'x', more: 1 });
    expect(extra.status).toBe(400);
    expect((await notice('gone-room', { sessionId: 'abc', token: 'x' })).status).toBe(204);
  });
});
