/**
 * Leave notices: a page that goes away also says so in a keepalive HTTP request (POST
 * /rooms/<roomId>/leave), which the browser sends on even as it tears the page down — the room's own leave
 * message and the WebSocket's close frame may not make it out then (a framed page's process can be shut
 * down first), and a socket that just vanishes looks like a lost network: the avatar would wait out the
 * reconnection grace. A notice names the session and proves it with the session's reconnection token
 * (a secret only that page holds; it changes on every reconnection).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Client, Deferred } from '@colyseus/core';

/** How long a notice for a still-connected session waits for that session's socket to close, in ms. */
export const NOTICE_KEPT_MS = 30_000;

/** What a notice did: ended a waiting avatar's grace, was kept for a socket still open, or matched nothing. */
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
  /** Dropped sessions whose avatar waits: their token then, and the grace to end. */
  private readonly graces = new Map<string, { token: string; grace: Deferred<Client> }>();
  /** Sessions noticed while still connected → the timer that forgets the notice. */
  private readonly kept = new Map<string, NodeJS.Timeout>();

  /** Whether a notice came for this session (its drop then gets no grace). Forgets the notice. */
  takeNotice(sessionId: string): boolean {
    const timer = this.kept.get(sessionId);
    if (timer === undefined) return false;
    clearTimeout(timer);
    this.kept.delete(sessionId);
    return true;
  }

  /** A dropped client's grace began: a notice may end it. Forgotten when the grace ends either way. */
  waiting(client: Client, grace: Deferred<Client>): void {
    const { sessionId, reconnectionToken } = client;
    this.graces.set(sessionId, { token: reconnectionToken, grace });
    const forget = (): void => {
      if (this.graces.get(sessionId)?.grace === grace) this.graces.delete(sessionId);
    };
    grace.then(forget, forget);
  }

  /**
   * A page's notice. `connected`: the room's client for that session id, if its socket is still open.
   * A wrong token matches nothing (and says nothing about whether the session exists).
   */
  notice(sessionId: string, token: string, connected: Client | undefined): LeaveNoticeOutcome {
    const waiting = this.graces.get(sessionId);
    if (waiting && sameToken(waiting.token, token)) {
      this.graces.delete(sessionId);
      // As if the grace ran out: Colyseus calls onLeave. (Deferred types reject as a bare Function.)
      (waiting.grace.reject as (reason: unknown) => void)(false);
      return 'ended-grace';
    }
    if (connected && sameToken(connected.reconnectionToken, token)) {
      clearTimeout(this.kept.get(sessionId));
      const timer = setTimeout(() => this.kept.delete(sessionId), NOTICE_KEPT_MS);
      timer.unref();
      this.kept.set(sessionId, timer);
      return 'kept';
    }
    return 'unmatched';
  }

  /** The room is going away: no timers left behind. */
  clear(): void {
    for (const timer of this.kept.values()) clearTimeout(timer);
    this.kept.clear();
    this.graces.clear();
  }
}
