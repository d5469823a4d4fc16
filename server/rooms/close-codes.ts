/**
 * How a visitor leaves an instance, and whether its avatar waits for it: the close codes the room uses and
 * the ones after which a session may not be resumed.
 */
import { CloseCode, type Client } from '@colyseus/core';
import { MessageType, type RemovedEvent } from '../../protocol/index.js';

/** How long a dropped visitor's avatar waits for its client to reconnect, in seconds. */
export const RECONNECT_GRACE_SECONDS = 30;
/** Close code for a visitor removed by a moderator's ban. */
export const BANNED_CLOSE_CODE = 4403;
/** Close code for a visitor a moderator kicked (it may join again, not resume). */
export const KICKED_CLOSE_CODE = 4408;
/** Close code for a visitor who no longer meets the world's token gate (sold the key while inside). */
export const TOKEN_GATE_CLOSE_CODE = 4412;
/** Close code for a visitor or spectator who came in through an embed whose key was since revoked. */
export const EMBED_REVOKED_CLOSE_CODE = 4411;
/** Close code for everyone in an instance whose world was deleted. */
export const WORLD_DELETED_CLOSE_CODE = 4410;
/**
 * Close codes after which the avatar does not wait for its client: the client broke the protocol
 * (WebSocket protocol error, unsupported data, invalid payload, policy, message too big, Colyseus'
 * WITH_ERROR), or the server removed it on purpose (ban, kick, world deleted) — those must not come back by
 * resuming the session, which skips onAuth.
 */
export const NO_GRACE_CLOSE_CODES: ReadonlySet<number> = new Set([
  // "Going away": the browser closes a page's sockets with 1001 as the page unloads (closed, reloaded,
  // navigated), and every app of ours leaves on pagehide anyway — but that leave message may not make it
  // out while the page is torn down (seen with the embed's frame). A lost network gives 1006, which keeps
  // its grace.
  1001,
  1002,
  1003,
  1007,
  1008,
  1009,
  CloseCode.WITH_ERROR,
  BANNED_CLOSE_CODE,
  KICKED_CLOSE_CODE,
  TOKEN_GATE_CLOSE_CODE,
  EMBED_REVOKED_CLOSE_CODE,
  WORLD_DELETED_CLOSE_CODE,
]);

/** Longest WebSocket close reason, in UTF-8 bytes (RFC 6455: 125 bytes of payload less the code). */
const CLOSE_REASON_BYTES = 123;

/** `reason` cut to fit a close frame, on a character boundary. */
export function closeReason(reason: string): string {
  let cut = reason;
  while (Buffer.byteLength(cut) > CLOSE_REASON_BYTES) cut = `${[...cut].slice(0, -2).join('')}…`;
  return cut;
}

/** Sends a visitor away on purpose: the full reason as a `removed` message, then the close (reason cut). */
export function sendAway(client: Client, code: number, reason: string): void {
  client.send(MessageType.removed, { code, reason } satisfies RemovedEvent);
  client.leave(code, closeReason(reason));
}
