/**
 * A page that leaves its world room also tells the server over HTTP, in a keepalive request the browser
 * sends on after the page is gone: the room's leave message and the socket's close frame can be lost as
 * a page (or a framed page's process) is torn down, and the avatar would then wait out the reconnection
 * grace. The server matches the notice by the session's reconnection token (server/rooms/leave-notices.ts).
 */
interface JoinedRoom {
  roomId: string;
  sessionId: string;
  /** The SDK's "<roomId>:<token>"; it changes on every reconnection. */
  reconnectionToken?: string;
}

/** Sends the notice; never throws and never waits (nobody is left to read the answer). */
export function sendLeaveNotice(endpoint: string, room: JoinedRoom): void {
  const token = room.reconnectionToken?.split(':')[1];
  if (!token || typeof fetch !== 'function') return;
  fetch(`${endpoint}/rooms/${encodeURIComponent(room.roomId)}/leave`, {
    method: 'POST',
    keepalive: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId: room.sessionId, token }),
  }).catch(() => undefined);
}
