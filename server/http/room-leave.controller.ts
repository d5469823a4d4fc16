/**
 * Leave notices over HTTP: a page going away sends one as a keepalive request, so its avatar leaves at once
 * even when the page's socket vanishes without its leave message (see server/rooms/leave-notices.ts).
 */
import { matchMaker } from '@colyseus/core';
import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { z } from 'zod';
import { Fails, Problem, Returns, ZodBody, ZodParam, named } from '../control-plane/index.js';
import type { TakesLeaveNotices } from '../rooms/leave-notices.js';

export const LEAVE_LOGGER = Symbol('LEAVE_LOGGER');

/** Colyseus' ids (room, session, reconnection token) are short nanoids. */
const colyseusId = (what: string) =>
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, `${what} is 1–64 letters, digits, "_" or "-"`);

const leaveNotice = named(
  'LeaveNotice',
  z
    .object({
      /** The room's sessionId for this page. */
      sessionId: colyseusId('sessionId'),
      /** The seat's leave token (Privileges.leaveToken, sent by the room on joining). */
      token: colyseusId('token'),
    })
    .strict(),
);

/** How long the room's process may take to answer, in ms (the page is gone; nobody waits on this). */
const ROOM_ANSWER_MS = 2_000;

@ApiTags('rooms')
@Controller()
export class RoomLeaveController {
  constructor(@Inject(LEAVE_LOGGER) private readonly log: Logger) {}

  /**
   * Says that a page left its world room: the session's avatar leaves now instead of waiting for a
   * reconnection. Answers 204 whether or not the session was found (a wrong token learns nothing). Takes
   * JSON or a form body (a beacon from a host page on another site sends a form: no preflight).
   */
  @Post('rooms/:roomId/leave')
  @HttpCode(204)
  @Returns(204, undefined, 'Noted (or matched nothing)')
  @Fails(400, 503)
  async leave(
    @ZodParam('roomId', colyseusId('roomId'), 'The world room’s id (room.roomId)')
    roomId: string,
    @ZodBody(leaveNotice) body: z.output<typeof leaveNotice>,
  ): Promise<void> {
    const [listing] = await matchMaker.query({ roomId });
    if (!listing) return; // already gone: nothing waits
    try {
      await matchMaker.remoteRoomCall<TakesLeaveNotices>(
        roomId,
        'leaveNoticed',
        [body.sessionId, body.token],
        ROOM_ANSWER_MS,
      );
    } catch (error) {
      this.log.warn({ err: error, roomId }, 'a leave notice did not reach its room');
      throw Problem.unavailable(
        'the room’s server did not answer in time; the avatar leaves when its reconnection grace ends',
      );
    }
  }
}
