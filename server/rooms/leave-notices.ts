/**
 * Leave notices: a page that goes away also says so in a beacon (POST /rooms/<roomId>/leave), which the
 * browser sends on even as it tears the page down — the room's own leave message and the WebSocket's close
 * frame may not make it out then (a framed page's process can be shut down before its pagehide runs; the
 * embed's loader on the host page sends the notice for it), and a socket that just vanishes looks like a
 * lost network: the avatar would wait out the reconnection grace. Each seat gets a leave token on joining
 * (Privileges.leaveToken); a notice must carry it. The token can end its session and nothing else, so the
 * embed's frame may hand it to the host page.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CloseCode, type Client, type Deferred } from '@colyseus/core';

/**
 * Closes the socket of a session whose page sent its notice: the page is gone (or going), and a close
 * handshake would wait for it (ws' 30 s close timeout). The drop this causes gets no grace.
 */
export function dropSocket(client: Client): void {
  const socket = client.ref as unknown as { terminate?: () => void };
  if (typeof socket.terminate === 'function') socket.terminate();
  else client.leave(CloseCode.CONSENTED);
}

/** How long a notice for a still-connected session waits for that session's socket to close, in ms. */
export const NOTICE_KEPT_MS = 30_000;

/**
 * What a notice did: ended a waiting avatar's grace, was kept for a socket still open (which the room
 * then closes), or matched nothing.
 */
export type LeaveNoticeOutcome = 'ended-grace' | 'kept' | 'unmatched';

/** A room that takes leave notices (the world room, live and preview), as the HTTP side calls it. */
export interface TakesLeaveNotices {
  leaveNoticed(sessionId: string, token: string): LeaveNoticeOutcome;
}

const sameToken = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

export class LeaveNotices {
  /** Seated sessions → their leave token. */
  private readonly tokens = new Map<string, string>();
  /** Dropped sessions whose avatar waits → the grace a notice ends. */
  private readonly graces = new Map<string, Deferred<Client>>();
  /** Sessions noticed while still connected → the timer that forgets the notice. */
  private readonly kept = new Map<string, NodeJS.Timeout>();

  /** A new seat: its leave token (sent to its client only). */
  seat(sessionId: string): string {
    const token = randomBytes(16).toString('base64url');
    this.tokens.set(sessionId, token);
    return token;
  }

  /** Whether a notice came for this session (its drop then gets no grace). */
  noticed(sessionId: string): boolean {
    return this.kept.has(sessionId);
  }

  /** A dropped session's grace began: a notice may end it. Forgotten when the grace ends either way. */
  waiting(sessionId: string, grace: Deferred<Client>): void {
    this.graces.set(sessionId, grace);
    const forget = (): void => {
      if (this.graces.get(sessionId) === grace) this.graces.delete(sessionId);
    };
    grace.then(forget, forget);
  }

  /** The session ended (left, or its grace ran out): its token and any notice go. */
  ended(sessionId: string): void {
    clearTimeout(this.kept.get(sessionId));
    this.kept.delete(sessionId);
    this.tokens.delete(sessionId);
    this.graces.delete(sessionId);
  }

  /** A page's notice. A wrong token matches nothing (and says nothing about whether the session exists). */
  notice(sessionId: string, token: string): LeaveNoticeOutcome {
    const expected = this.tokens.get(sessionId);
    if (expected === undefined || !sameToken(expected, token)) return 'unmatched';
    const grace = this.graces.get(sessionId);
    if (grace) {
      this.graces.delete(sessionId);
      // As if the grace ran out: Colyseus calls onLeave. (Deferred types reject as a bare Function.)
      (grace.reject as (reason: unknown) => void)(false);
      return 'ended-grace';
    }
    clearTimeout(this.kept.get(sessionId));
    const timer = setTimeout(() => this.kept.delete(sessionId), NOTICE_KEPT_MS);
    timer.unref();
    this.kept.set(sessionId, timer);
    return 'kept';
  }

  /** The room is going away: no timers left behind. */
  clear(): void {
    for (const timer of this.kept.values()) clearTimeout(timer);
    this.kept.clear();
    this.graces.clear();
    this.tokens.clear();
  }
}
