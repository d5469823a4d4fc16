/**
 * Sockets the WebSocket layer closed for breaking the protocol (a frame over the size cap, bad framing).
 * The server side of such a close reports 1006, the same as a network drop, so the room asks here before
 * granting a reconnection grace.
 */
import type { Client } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import type { WebSocket } from 'ws';

const violators = new WeakSet<object>();

/** Whether this client's socket was closed for a protocol error. */
export function violatedProtocol(client: Client): boolean {
  return violators.has(client.ref);
}

/** The Colyseus WebSocket transport, remembering sockets that errored. */
export class ViolationTrackingTransport extends WebSocketTransport {
  constructor(options: ConstructorParameters<typeof WebSocketTransport>[0]) {
    super(options);
    this.wss.on('connection', (socket: WebSocket) => {
      socket.on('error', () => violators.add(socket));
    });
  }
}
