/**
 * A page that leaves its world room also tells the server over HTTP, with a beacon the browser sends on
 * after the page is gone: the room's leave message and the socket's close frame can be lost as a page — a
 * framed page above all, whose process may be shut down before its pagehide runs — is torn down, and the
 * avatar would then wait out the reconnection grace. The room hands each seat a leave token (Privileges)
 * that proves the notice (server/rooms/leave-notices.ts). The embed's frame gives its seat to the loader
 * on the host page, which sends the notice when the host page goes away or drops the element.
 */

/** One seat in one room, as a leave notice names it. */
export interface Seat {
  /** The server's origin (the notice goes there, whichever page sends it). */
  server: string;
  roomId: string;
  sessionId: string;
  leaveToken: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `value` as a seat, or null when it is not one (a message from another page is checked before use). */
export function readSeat(value: unknown): Seat | null {
  if (typeof value !== 'object' || value === null) return null;
  const { server, roomId, sessionId, leaveToken } = value as Record<string, unknown>;
  if (typeof server !== 'string' || !/^https?:\/\/[^/]+$/.test(server)) return null;
  for (const id of [roomId, sessionId, leaveToken]) if (typeof id !== 'string' || !ID.test(id)) return null;
  return { server, roomId, sessionId, leaveToken } as Seat;
}

/**
 * Sends the notice as a beacon: a form body, so no preflight from a host page on another site, and the
 * browser delivers it after the page has gone. Never throws, never waits.
 */
export function sendLeaveNotice(seat: Seat | null): void {
  if (!seat || typeof navigator === 'undefined' || typeof navigator.sendBeacon !== 'function') return;
  try {
    navigator.sendBeacon(
      `${seat.server}/rooms/${encodeURIComponent(seat.roomId)}/leave`,
      new URLSearchParams({ sessionId: seat.sessionId, token: seat.leaveToken }),
    );
  } catch {
    // A beacon the browser refuses (page already gone): the grace ends the seat instead.
  }
}
